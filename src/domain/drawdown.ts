/**
 * Drawdown from the high-water mark of the capital base (risk guards step 3). Pure, integer micros, JSON state.
 *
 * Peak = the highest capital base ever observed by the lane (kept across days, restarts and continue-as-new).
 * Breach: drawdown ≥ threshold, drawdown = peak − current, threshold = max(1, ⌈maxDrawdownPpm × peak / 1e6⌉) micros
 * (the drawdown *reaches* the fraction; at least one micro below the peak). `maxDrawdownPpm` null disables the guard.
 * The config key `risk.max_drawdown_fraction` is not in the schema yet: the caller passes its ppm (or null).
 */
import type { Micros } from './fixed';

const PPM = 1_000_000n;

export interface DrawdownState {
  /** The high-water mark (micros); null before the first observation. */
  peakMicros: Micros | null;
  peakAtMs: number | null;
}

export function initialDrawdownState(): DrawdownState {
  return { peakMicros: null, peakAtMs: null };
}

function requireInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new RangeError(`${field}: expected an integer (got ${String(value)})`);
  return value;
}

/** Raise the peak when the capital base is above it. Call once per cycle. */
export function observePeak(state: DrawdownState, nowMs: number, capitalBaseMicros: Micros): DrawdownState {
  requireInt(nowMs, 'nowMs');
  requireInt(capitalBaseMicros, 'capitalBaseMicros');
  if (state.peakMicros !== null && capitalBaseMicros <= state.peakMicros) return state;
  return { peakMicros: capitalBaseMicros, peakAtMs: nowMs };
}

export interface DrawdownCheck {
  peakMicros: Micros;
  drawdownMicros: Micros;
  /** null when the guard is disabled. */
  thresholdMicros: Micros | null;
  breached: boolean;
}

export function drawdownThresholdMicros(peakMicros: Micros, maxDrawdownPpm: number): Micros {
  requireInt(peakMicros, 'peakMicros');
  requireInt(maxDrawdownPpm, 'maxDrawdownPpm');
  if (maxDrawdownPpm < 0) throw new RangeError(`maxDrawdownPpm: must be ≥ 0 (got ${maxDrawdownPpm})`);
  const p = BigInt(maxDrawdownPpm) * BigInt(peakMicros);
  const q = p / PPM;
  const t = p % PPM !== 0n && p > 0n ? q + 1n : q;
  return Number(t < 1n ? 1n : t);
}

/** Judge the drawdown of `capitalBaseMicros` from the peak; `maxDrawdownPpm` null = disabled (never breached). */
export function checkDrawdown(state: DrawdownState, capitalBaseMicros: Micros, maxDrawdownPpm: number | null): DrawdownCheck {
  requireInt(capitalBaseMicros, 'capitalBaseMicros');
  if (state.peakMicros === null) throw new RangeError('drawdown: no peak yet (observePeak first)');
  const drawdownMicros = state.peakMicros - capitalBaseMicros;
  if (maxDrawdownPpm === null) return { peakMicros: state.peakMicros, drawdownMicros, thresholdMicros: null, breached: false };
  const thresholdMicros = drawdownThresholdMicros(state.peakMicros, maxDrawdownPpm);
  return { peakMicros: state.peakMicros, drawdownMicros, thresholdMicros, breached: drawdownMicros >= thresholdMicros };
}

/**
 * An operator cleared `drawdown_guard` after review: the peak becomes `capitalBaseMicros` (the level they accepted),
 * otherwise the next cycle would latch the halt again.
 */
export function resetDrawdownPeak(nowMs: number, capitalBaseMicros: Micros): DrawdownState {
  requireInt(nowMs, 'nowMs');
  requireInt(capitalBaseMicros, 'capitalBaseMicros');
  return { peakMicros: capitalBaseMicros, peakAtMs: nowMs };
}
