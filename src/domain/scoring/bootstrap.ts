/**
 * A seeded, deterministic bootstrap interval of the Brier skill, resampled BY EVENT: the markets of one event share
 * one outcome process (a ladder of strikes settles together), so resampling markets would overstate the evidence.
 * Each resample draws as many events as there are, with replacement, and keeps all their markets; the interval is
 * the percentile interval at the given two-sided confidence. Same input + same seed → the same interval, always.
 * Pure: no I/O, no clock, no Math.random.
 */
import { brierTerm, skillOf } from './metrics';
import type { Interval, ScoredForecast } from './types';

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 13;

/** mulberry32: a small, fast, well-mixed 32-bit PRNG (deterministic across platforms). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The q-quantile (0 ≤ q ≤ 1) of sorted values, linear between order statistics. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of nothing');
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function skillInterval(
  fs: readonly ScoredForecast[],
  opts: { confidence: number; resamples?: number; seed?: number },
): Interval | null {
  const { confidence } = opts;
  if (!(confidence > 0 && confidence < 1)) throw new RangeError(`confidence must be inside (0, 1), got ${confidence}`);
  const resamples = opts.resamples ?? DEFAULT_RESAMPLES;
  if (!Number.isInteger(resamples) || resamples < 1) throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  // Per event: its Brier sums (model, market), in a stable order (by event ticker).
  const byEvent = new Map<string, { model: number; market: number }>();
  for (const f of fs) {
    const s = byEvent.get(f.eventTicker) ?? { model: 0, market: 0 };
    s.model += brierTerm(f.probabilityPpm, f.outcome);
    s.market += brierTerm(f.marketPpm, f.outcome);
    byEvent.set(f.eventTicker, s);
  }
  const events = [...byEvent.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map((e) => e[1]);
  if (events.length === 0) return null;
  const rand = mulberry32(opts.seed ?? DEFAULT_SEED);
  const skills: number[] = [];
  for (let r = 0; r < resamples; r++) {
    let model = 0;
    let market = 0;
    for (let i = 0; i < events.length; i++) {
      const e = events[Math.floor(rand() * events.length)];
      model += e.model;
      market += e.market;
    }
    const s = skillOf({ model, market });
    if (s !== null) skills.push(s);
  }
  if (skills.length === 0) return null;
  skills.sort((a, b) => a - b);
  const tail = (1 - confidence) / 2;
  return { lo: quantile(skills, tail), hi: quantile(skills, 1 - tail), confidence, resamples };
}
