/**
 * The failure cooldown (risk guards step 4) as a pure state machine over the workflow's cycle numbers. JSON state.
 *
 * After each cycle the caller records whether it failed. When `failureStreakCooldownThreshold` (> 0; 0 disables)
 * consecutive cycles have failed, entries are refused for the next `failureCooldownCycles` cycles: a streak reached at
 * cycle c blocks cycles c+1 … c+N. A failure during the cooldown (the streak still ≥ threshold) extends it to that
 * cycle + N, so it lifts after N cycles without a new failure. A cycle that succeeds resets the streak.
 */
import { requireCount } from './int-checks';

export interface FailureCooldownConfig {
  /** `risk.failure_streak_cooldown_threshold`; 0 disables. */
  failureStreakCooldownThreshold: number;
  /** `risk.failure_cooldown_cycles`. */
  failureCooldownCycles: number;
}

export interface FailureCooldownState {
  consecutiveFailures: number;
  /** The last cycle entries are refused in; null = no cooldown. */
  cooldownThroughCycle: number | null;
}

export function initialFailureCooldownState(): FailureCooldownState {
  return { consecutiveFailures: 0, cooldownThroughCycle: null };
}

/** Fold the outcome of cycle `cycle` into the state (call once, when the cycle ends). */
export function recordCycleOutcome(state: FailureCooldownState, cycle: number, failed: boolean, config: FailureCooldownConfig): FailureCooldownState {
  requireCount(cycle, 'cycle');
  const threshold = requireCount(config.failureStreakCooldownThreshold, 'failureStreakCooldownThreshold');
  const cycles = requireCount(config.failureCooldownCycles, 'failureCooldownCycles');
  if (!failed) return state.consecutiveFailures === 0 ? state : { ...state, consecutiveFailures: 0 };
  const consecutiveFailures = state.consecutiveFailures + 1;
  const tripped = threshold > 0 && consecutiveFailures >= threshold && cycles > 0;
  const through = tripped ? Math.max(cycle + cycles, state.cooldownThroughCycle ?? cycle + cycles) : state.cooldownThroughCycle;
  return { consecutiveFailures, cooldownThroughCycle: through };
}

/** Whether entries are refused in cycle `cycle` (`failure_cooldown_guard`). Threshold 0 disables the guard. */
export function failureCooldownActive(state: FailureCooldownState, cycle: number, config: FailureCooldownConfig): boolean {
  requireCount(cycle, 'cycle');
  if (requireCount(config.failureStreakCooldownThreshold, 'failureStreakCooldownThreshold') === 0) return false;
  requireCount(state.consecutiveFailures, 'consecutiveFailures');
  return state.cooldownThroughCycle !== null && cycle <= state.cooldownThroughCycle;
}
