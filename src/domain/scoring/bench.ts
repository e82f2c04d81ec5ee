/**
 * Benching: a model — or a model within one series — whose Brier skill vs the market over its last
 * `quality.window` settled markets is below zero WITH CONFIDENCE (the bootstrap interval's upper bound < 0, at
 * `quality.bench_confidence`) goes on the bench list of {model, series} pairs (series null = the whole model). The
 * entry guard refuses entries from a benched pair (`model_underperforms_market_guard`); exits and other models trade.
 * Below `quality.min_settled` settled markets a pair is `unproven`: nothing is benched (the normal state of a first
 * week). After an operator's clear, a pair is judged only on markets settled after the clear. Pure.
 */
import { DEFAULT_RESAMPLES, DEFAULT_SEED, skillInterval } from './bootstrap';
import { lastSettled } from './group';
import { brierSums, skillOf } from './metrics';
import type { Interval, ScoredForecast } from './types';

export interface QualityRules {
  /** `quality.window`: the last N settled markets judged. */
  window: number;
  /** `quality.bench_confidence`: two-sided confidence of the interval, inside (0, 1). */
  benchConfidence: number;
  /** `quality.min_settled`: fewer settled markets than this → unproven, never benched. */
  minSettled: number;
  resamples?: number;
  seed?: number;
}

export interface BenchKey {
  model: string;
  /** null = every series of the model. */
  series: string | null;
}

export type PairState = 'unproven' | 'ok' | 'bench';

export interface PairVerdict extends BenchKey {
  state: PairState;
  /** Settled markets judged (at most `window`). */
  settled: number;
  skill: number | null;
  interval: Interval | null;
}

export const sameKey = (a: BenchKey, b: BenchKey) => a.model === b.model && (a.series ?? null) === (b.series ?? null);

/** Is an estimate of `model` on a market of `series` benched (by its model-wide entry or its series entry)? */
export function benchedEntry(list: readonly BenchKey[], model: string, series: string | null): BenchKey | null {
  return list.find((b) => b.model === model && (b.series === null || (series !== null && b.series === series))) ?? null;
}

export function judgePair(fs: readonly ScoredForecast[], key: BenchKey, rules: QualityRules, clearedAtMs: number | null = null): PairVerdict {
  const mine = fs.filter((f) => f.model === key.model && (key.series === null || f.seriesTicker === key.series) && (clearedAtMs === null || f.settledAtMs > clearedAtMs));
  const judged = lastSettled(mine, rules.window);
  const skill = judged.length ? skillOf(brierSums(judged)) : null;
  if (judged.length < rules.minSettled) return { ...key, state: 'unproven', settled: judged.length, skill, interval: null };
  const interval = skillInterval(judged, { confidence: rules.benchConfidence, resamples: rules.resamples ?? DEFAULT_RESAMPLES, seed: rules.seed ?? DEFAULT_SEED });
  const state: PairState = interval !== null && interval.hi < 0 ? 'bench' : 'ok';
  return { ...key, state, settled: judged.length, skill, interval };
}

/** Every model and every {model, series} it has scored markets in, judged; model-wide rows first. */
export function judgeModels(fs: readonly ScoredForecast[], rules: QualityRules, clears: readonly (BenchKey & { clearedAtMs: number })[] = []): PairVerdict[] {
  const clearOf = (k: BenchKey) => clears.filter((c) => sameKey(c, k)).reduce<number | null>((m, c) => (m === null || c.clearedAtMs > m ? c.clearedAtMs : m), null);
  const out: PairVerdict[] = [];
  for (const model of [...new Set(fs.map((f) => f.model))].sort()) {
    const whole = { model, series: null };
    out.push(judgePair(fs, whole, rules, clearOf(whole)));
    const series = [...new Set(fs.filter((f) => f.model === model && f.seriesTicker !== null).map((f) => f.seriesTicker as string))].sort();
    for (const s of series) {
      const k = { model, series: s };
      out.push(judgePair(fs, k, rules, clearOf(k)));
    }
  }
  return out;
}
