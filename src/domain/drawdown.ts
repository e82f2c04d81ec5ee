/**
 * Drawdown from the high-water mark of the capital base (risk guards step 3). Pure, integer micros, JSON state.
 *
 * Peak = the highest capital base ever observed by the lane (kept across days, restarts and continue-as-new).
 * Breach: drawdown ≥ threshold, drawdown = peak − current, threshold = max(1, ⌈maxDrawdownPpm × peak / 1e6⌉) micros
 * (the drawdown *reaches* the fraction; at least one micro below the peak). `maxDrawdownPpm` null disables the guard.
 * The config key `risk.max_drawdown_fraction` is not in the schema yet: the caller passes its ppm (or null).
 */
import type { Micros } from './fixed';
import { ppmThresholdMicros, requireInt } from './int-checks';

export interface DrawdownState {
  /** The high-water mark (micros); null before the first observation. */
  peakMicros: Micros | null;
  peakAtMs: number | null;
}

export function initialDrawdownState(): DrawdownState {
  return { peakMicros: null, peakAtMs: null };
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
  return ppmThresholdMicros(peakMicros, maxDrawdownPpm, 'maxDrawdownPpm');
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
