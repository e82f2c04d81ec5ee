/**
 * The daily-loss baseline as a pure state machine (risk guards step 3). Integer micros, logical-clock ms, no clock of
 * its own; the state is plain JSON (numbers, strings, null) so it rides continue-as-new and the lane DB.
 *
 * Baseline = the capital base at 00:00 UTC of the logical clock:
 * - a cycle exactly at 00:00:00.000 → its capital base (`at_midnight`);
 * - otherwise (no cycle ran at midnight, one midnight or several skipped) → the HIGHER of the last value observed
 *   before that midnight and the first value observed after it (`higher_around_midnight`); higher = stricter: a loss
 *   across the gap counts toward the new day;
 * - the very first observation of a lane → that value (`first_observation`);
 * - an operator cleared the halt early → the last observed value (`operator_rebase`, `rebaseDailyLoss`).
 * Loss = baseline − current capital base (negative = a gain).
 * Breach: loss ≥ threshold, threshold = max(1, ⌈limitPpm × baseline / 1e6⌉) micros, i.e. the loss *reaches* the
 * limit (≥, as the registry says "reached"), and a breach needs a loss of at least one micro (a flat day never trips,
 * even with a 0 limit). Exact BigInt arithmetic: loss × 1e6 ≥ limit × baseline ⇔ loss ≥ ⌈limit × baseline / 1e6⌉.
 */
import type { Micros } from './fixed';
import { ppmThresholdMicros, requireInt } from './int-checks';

export const DAY_MS = 86_400_000;

export type BaselineRule = 'at_midnight' | 'higher_around_midnight' | 'first_observation' | 'operator_rebase';

export interface DailyLossState {
  /** 00:00 UTC (ms) of the day the baseline belongs to; null before the first observation. */
  dayStartMs: number | null;
  baselineMicros: Micros | null;
  baselineRule: BaselineRule | null;
  /** The last value observed before `dayStartMs` (null at a lane's first observation). */
  lastBeforeMidnightMicros: Micros | null;
  /** The first value observed on or after `dayStartMs`. */
  firstAfterMidnightMicros: Micros | null;
  /** The latest observation (the "last before" of the next midnight). */
  lastObservedAtMs: number | null;
  lastCapitalMicros: Micros | null;
}

export function initialDailyLossState(): DailyLossState {
  return {
    dayStartMs: null, baselineMicros: null, baselineRule: null, lastBeforeMidnightMicros: null,
    firstAfterMidnightMicros: null, lastObservedAtMs: null, lastCapitalMicros: null,
  };
}

/** 00:00 UTC (ms) of the day holding `nowMs`. */
export function utcDayStartMs(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/**
 * Fold one cycle's capital base (micros) at logical time `nowMs` into the state. Call once per cycle, before judging
 * the loss. Throws on a non-integer input or a clock that went backwards (the caller fails closed).
 */
export function observeCapital(state: DailyLossState, nowMs: number, capitalBaseMicros: Micros): DailyLossState {
  requireInt(nowMs, 'nowMs');
  requireInt(capitalBaseMicros, 'capitalBaseMicros');
  if (state.lastObservedAtMs !== null && nowMs < state.lastObservedAtMs) {
    throw new RangeError(`nowMs ${nowMs} is before the last observation ${state.lastObservedAtMs}: the logical clock went backwards`);
  }
  const day = utcDayStartMs(nowMs);
  if (state.dayStartMs === day) return { ...state, lastObservedAtMs: nowMs, lastCapitalMicros: capitalBaseMicros };

  const before = state.lastCapitalMicros;
  let baselineMicros: Micros;
  let baselineRule: BaselineRule;
  if (nowMs === day) {
    baselineMicros = capitalBaseMicros;
    baselineRule = 'at_midnight';
  } else if (before !== null) {
    baselineMicros = Math.max(before, capitalBaseMicros);
    baselineRule = 'higher_around_midnight';
  } else {
    baselineMicros = capitalBaseMicros;
    baselineRule = 'first_observation';
  }
  return {
    dayStartMs: day,
    baselineMicros,
    baselineRule,
    lastBeforeMidnightMicros: before,
    firstAfterMidnightMicros: capitalBaseMicros,
    lastObservedAtMs: nowMs,
    lastCapitalMicros: capitalBaseMicros,
  };
}

function requireBaseline(state: DailyLossState): Micros {
  if (state.baselineMicros === null) throw new RangeError('daily loss: no baseline yet (observeCapital first)');
  return state.baselineMicros;
}

/** Today's loss in micros (baseline − capital base); negative = a gain. */
export function dailyLoss(state: DailyLossState, capitalBaseMicros: Micros): Micros {
  requireInt(capitalBaseMicros, 'capitalBaseMicros');
  return requireBaseline(state) - capitalBaseMicros;
}

/** The smallest loss (micros) that breaches: max(1, ⌈limitPpm × baseline / 1e6⌉). */
export function dailyLossThresholdMicros(baselineMicros: Micros, limitPpm: number): Micros {
  return ppmThresholdMicros(baselineMicros, limitPpm, 'limitPpm');
}

export interface DailyLossCheck {
  baselineMicros: Micros;
  lossMicros: Micros;
  thresholdMicros: Micros;
  breached: boolean;
}

/** Judge today's loss against `risk.daily_loss_limit_fraction` (in ppm). */
export function checkDailyLoss(state: DailyLossState, capitalBaseMicros: Micros, limitPpm: number): DailyLossCheck {
  const baselineMicros = requireBaseline(state);
  const lossMicros = dailyLoss(state, capitalBaseMicros);
  const thresholdMicros = dailyLossThresholdMicros(baselineMicros, limitPpm);
  return { baselineMicros, lossMicros, thresholdMicros, breached: lossMicros >= thresholdMicros };
}

/**
 * An operator cleared `daily_loss_guard` before the day ended: today's baseline becomes the last observed capital
 * base, so trading resumes and a further loss of the limit trips it again (without this the next cycle re-latches).
 */
export function rebaseDailyLoss(state: DailyLossState): DailyLossState {
  if (state.lastCapitalMicros === null) return state;
  return { ...state, baselineMicros: state.lastCapitalMicros, baselineRule: 'operator_rebase' };
}
