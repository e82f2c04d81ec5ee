/**
 * The public face of the `tradingCycle` workflow: its input, signals, query and status shape.
 * Imported by the workflow, the activities (types only) and the CLI; it has no I/O.
 *
 * Users can drive it with the plain temporal CLI too, e.g.
 *   temporal workflow signal --workflow-id kalshi-autopilot-sim-dry-run --name killSwitch \
 *     --input '{"engaged":true,"reason":"manual"}'
 *   temporal workflow query  --workflow-id kalshi-autopilot-sim-dry-run --type status
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ControlState, KillSwitchCommand } from '../domain/control';
import type { CycleSummary } from '../domain/trading-types';
import type { AlertState } from '../domain/alerts';

export const WORKFLOW_TYPE = 'tradingCycle';

export type RunMode = 'dry-run' | 'live';
export type KalshiEnv = 'sim' | 'demo' | 'prod';

/** Who this workflow is: checked by every activity against its worker's own identity. */
export interface LaneIdentity {
  /** `kalshi-autopilot-<env>-<mode>`: workflow id and task queue. */
  lane: string;
  mode: RunMode;
  env: KalshiEnv;
  configHash: string;
}

/** Static facts shown in the startup banner and the status query (no secrets). */
export interface StartupBanner {
  dbPath: string;
  scope: string;
  bankroll: string;
  startedBy: string;
}

export interface CycleOutcomeView {
  cycle: number;
  startedAtMs: number;
  finishedAtMs: number;
  /** `completed`, `skipped:<guard code>` or `error:<type>`. */
  outcome: string;
  /** What the cycle did (counts, the ledger after it, why it placed nothing); absent before the pipeline existed. */
  summary?: CycleSummary | null;
}

/** Everything carried across continue-as-new: the whole durable control state of the lane. */
export interface CarriedState {
  /** Total cycles run by this lane since its first execution. */
  cycle: number;
  /** Run id of the first execution: the root of every idempotency key. */
  firstRunId: string;
  control: ControlState;
  /** What the lane DB holds as far as the workflow knows (absent in histories before it existed: = control). */
  persisted?: ControlState;
  /** Version of the DB control row last written or adopted by the workflow. */
  controlVersion: number;
  /** The lane DB's UUID pinned at the first beginCycle (absent in histories before it existed / not yet pinned). */
  dbId?: string | null;
  lastCycle: CycleOutcomeView | null;
  errors: { consecutive: number; total: number; last: string | null };
  /** Number of continue-as-new hand-overs so far. */
  generation: number;
  /** The kill-switch engagement (its atMs) whose cancel of resting orders has been served (live; cancel-step.ts). */
  killCancelServedAtMs?: number | null;
  /** Webhook alert dedupe state (src/domain/alerts.ts); absent in histories before alerts existed. */
  alerts?: AlertState | null;
}

export interface TradingCycleInput {
  lane: LaneIdentity;
  cycleIntervalSeconds: number;
  banner: StartupBanner;
  /** Stop (complete) after this many cycles in total; absent = run until stopped. `--once` = 1. */
  maxCycles?: number;
  /** Continue-as-new after this many cycles in one run (history stays small). Default 100. */
  cyclesPerRun?: number;
  /** Present only on a continued run. */
  carried?: CarriedState;
}

/** The `stop` signal's payload (the contract of `kalshi-autopilot stop` / `restart`). */
export interface StopCommand {
  reason?: string;
  /**
   * Cancel the lane's resting orders on the way out (live lanes, before the final persist; retried a bounded number of
   * times, the outcome in the result's `stopCancel`); dry-run paper orders stay.
   */
  cancelResting?: boolean;
}

/** A graceful stop as the workflow recorded it (result and status query). */
export interface StopRecord {
  /** The operator's reason, or null when none (or a malformed one) was given. */
  reason: string | null;
  /** Workflow (logical) time the signal arrived. */
  atMs: number;
  cancelResting: boolean;
  /** Set when the payload was malformed: the workflow stops anyway (an operator asked it to), recording why. */
  error?: string;
}

/** What `stop --cancel-resting` achieved on a live lane (src/workflows/cancel-step.ts). */
export interface StopCancelResult {
  /** Every lane order is off the book as far as the cancels tell (none failed, none refused by an exchange pause). */
  complete: boolean;
  attempts: number;
  requested: number;
  canceled: number;
  gone: number;
  retry: number;
  failed: number;
  /** Why it is incomplete (then also in the status errors): run `kalshi-autopilot panic`. */
  error?: string;
}

export interface TradingCycleResult {
  cycles: number;
  firstRunId: string;
  control: ControlState;
  /** Present when the run completed because of the `stop` signal. */
  stoppedBy?: StopRecord;
  /** Present when a live lane's stop asked to cancel resting orders. */
  stopCancel?: StopCancelResult;
}

export interface StatusView {
  lane: LaneIdentity;
  banner: StartupBanner;
  firstRunId: string;
  runId: string;
  generation: number;
  cycle: number;
  phase: 'starting' | 'cycle' | 'waiting' | 'stopped';
  /** Why new orders would be refused right now (a guard code), or null. */
  tradingBlockedBy: string | null;
  control: ControlState;
  lastCycle: CycleOutcomeView | null;
  nextCycleAtMs: number | null;
  errors: { consecutive: number; total: number; last: string | null };
  /** The workflow id (normally the lane name) and the cycle interval (absent in statuses of older workers). */
  workflowId?: string;
  intervalSeconds?: number;
  /** Set once a `stop` signal arrived (phase goes to `stopped` after the cycle in flight). */
  stoppedBy?: StopRecord | null;
}

export const killSwitchSignal = defineSignal<[KillSwitchCommand]>('killSwitch');
export const pauseSignal = defineSignal<[]>('pause');
export const resumeSignal = defineSignal<[]>('resume');
/** Clear a latched halt by its code (e.g. `daily_loss_guard`) after an operator has looked at it. */
export const clearHaltSignal = defineSignal<[{ code: string }]>('clearHalt');
export const statusQuery = defineQuery<StatusView>('status');
/**
 * Graceful stop: the workflow finishes the cycle in flight (or wakes from its wait), persists its control state,
 * records `stoppedBy` in its result and status (phase `stopped`) and completes. A malformed payload still stops.
 *   temporal workflow signal --workflow-id kalshi-autopilot-sim-dry-run --name stop --input '{"reason":"config change"}'
 */
export const stopSignal = defineSignal<[{ reason?: string; cancelResting?: boolean }]>('stop');

/** Error type names that activities throw as non-retryable ApplicationFailures. */
export const NON_RETRYABLE = [
  'LaneMismatchError', 'DbModeError', 'DbLockError', 'ConfigError',
  'VenueNotConfigured', 'LiveExecutionNotImplemented', 'ScopeRequired', 'RiskStateCorruptError', 'ModelConfigError',
  // The LLM refused the request for good (400/401/403/404/422: the key, the model name): a retry cannot help.
  'LlmRequestRefusedError',
] as const;
export const DEFAULT_CYCLES_PER_RUN = 100;
