/**
 * tradingCycle: the long-running lane workflow. Deterministic: no I/O, no wall clock, no randomness.
 *
 * loop {
 *   beginCycle (lane check, cycle row, external kill sources) → [trading pipeline: lands with the trading issues]
 *   → finishCycle (cycle row, heartbeat)
 *   wait cycle_interval with `condition`, so a signal acts at once (control changes are persisted immediately)
 *   continue-as-new when history grows, carrying ALL durable control state
 * }
 */
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/types';
import {
  clearHalt,
  ControlState,
  initialControlState,
  latchHalt,
  mergeExternalControl,
  mergeRestrictive,
  restrictionsAdded,
  sameControl,
  setPaused,
  tradingBlockReason,
  tryApplyKillSwitch,
} from '../domain/control';
import {
  CarriedState,
  clearHaltSignal,
  CycleOutcomeView,
  DEFAULT_CYCLES_PER_RUN,
  killSwitchSignal,
  NON_RETRYABLE,
  pauseSignal,
  resumeSignal,
  StatusView,
  statusQuery,
  TradingCycleInput,
  TradingCycleResult,
} from './definitions';

const acts = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '30 seconds',
    maximumAttempts: 5,
    nonRetryableErrorTypes: [...NON_RETRYABLE],
  },
});

/**
 * The workflow clock. Inside Temporal's sandbox `Date` is replaced by the deterministic workflow time (taken from
 * history, moved by timers, skipped by the time-skipping server); this is the one place the workflow reads it.
 */
function logicalNowMs(): number {
  return new Date().getTime();
}

/** Beyond this history length a run hands over early, whatever cyclesPerRun says. */
const HISTORY_EVENTS_LIMIT = 4000;

export async function tradingCycle(input: TradingCycleInput): Promise<TradingCycleResult> {
  const info = workflowInfo();
  const carried: CarriedState = input.carried ?? {
    cycle: 0,
    firstRunId: info.firstExecutionRunId,
    control: initialControlState(),
    controlVersion: 0,
    lastCycle: null,
    errors: { consecutive: 0, total: 0, last: null },
    generation: 0,
  };
  let cycle = carried.cycle;
  let control: ControlState = carried.control;
  // What the DB holds as far as this workflow knows. A fresh lane writes nothing before its first cycle has read the
  // DB, so restrictions left there (a kill switch engaged by the CLI, a pause or a halt of an earlier execution) are
  // adopted, never overwritten; a continued run re-persists whatever its predecessor could not.
  let persisted: ControlState = carried.persisted ?? carried.control;
  let controlVersion = carried.controlVersion;
  let lastCycle: CycleOutcomeView | null = carried.lastCycle;
  const errors = { ...carried.errors };
  let phase: StatusView['phase'] = 'starting';
  let nextCycleAtMs: number | null = null;

  // Signal handlers never throw: a throwing handler fails the workflow task on every replay and wedges the lane
  // (no kill switch could get through). A malformed payload is recorded as an error and ignored.
  const rejectSignal = (name: string, error: string) => {
    errors.total += 1;
    errors.last = `rejected ${name} signal: ${error}`;
  };
  setHandler(killSwitchSignal, (cmd) => {
    const r = tryApplyKillSwitch(control, cmd, 'signal', logicalNowMs());
    if (r.ok) control = r.state;
    else rejectSignal('killSwitch', r.error);
  });
  setHandler(pauseSignal, () => {
    control = setPaused(control, true);
  });
  setHandler(resumeSignal, () => {
    control = setPaused(control, false);
  });
  setHandler(clearHaltSignal, (arg) => {
    if (typeof arg?.code !== 'string') rejectSignal('clearHalt', 'code: must be a string');
    else control = clearHalt(control, arg.code);
  });
  const status = (): StatusView => ({
    lane: input.lane,
    banner: input.banner,
    firstRunId: carried.firstRunId,
    runId: info.runId,
    generation: carried.generation,
    cycle,
    phase,
    tradingBlockedBy: tradingBlockReason(control),
    control,
    lastCycle,
    nextCycleAtMs,
    errors: { ...errors },
  });
  setHandler(statusQuery, status);

  const controlDirty = () => !sameControl(control, persisted);
  /** Persist the control state to the lane DB; never fails the workflow (a failure is counted and retried later). */
  async function persistControl(kind: string): Promise<boolean> {
    const snapshot = control;
    try {
      const r = await acts.persistControl({ lane: input.lane, control: snapshot, expectedVersion: controlVersion, nowMs: logicalNowMs(), kind });
      // Adopt only what someone else added in the DB meanwhile; signals received during the write stay as they are.
      control = mergeRestrictive(control, restrictionsAdded(snapshot, r.control));
      persisted = r.control;
      controlVersion = r.version;
      return true;
    } catch (err) {
      errors.total += 1;
      errors.last = `persist control: ${failureType(err)}`;
      return false;
    }
  }

  async function runOneCycle(): Promise<void> {
    cycle += 1;
    phase = 'cycle';
    const ref = { lane: input.lane, firstRunId: carried.firstRunId, runId: info.runId, cycle, nowMs: logicalNowMs() };
    const startedAtMs = ref.nowMs;
    let outcome: string;
    const summary: Record<string, unknown> = {};
    try {
      const begun = await acts.beginCycle({ ...ref, controlVersion });
      control = mergeExternalControl(control, begun.external, logicalNowMs());
      if (begun.external.db) controlVersion = begun.controlVersion;
      const blocked = tradingBlockReason(control);
      // The trading pipeline (reconcile → scan → … → place → book) plugs in here with the trading issues.
      outcome = blocked ? `skipped:${blocked}` : 'completed';
      errors.consecutive = 0;
    } catch (err) {
      const type = failureType(err);
      outcome = `error:${type}`;
      errors.consecutive += 1;
      errors.total += 1;
      errors.last = `cycle ${cycle}: ${type}`;
      if (type === 'LaneMismatchError') {
        control = latchHalt(control, 'lane_mismatch_guard', 'an activity refused this workflow: mode/env/config differ from its worker', logicalNowMs());
      }
    }
    if (controlDirty()) await persistControl('cycle');
    lastCycle = { cycle, startedAtMs, finishedAtMs: logicalNowMs(), outcome };
    try {
      await acts.finishCycle({ ...ref, startedAtMs, nowMs: logicalNowMs(), outcome, summary, status: status() });
    } catch (err) {
      errors.total += 1;
      errors.last = `cycle ${cycle} finish: ${failureType(err)}`;
    }
  }

  let cyclesThisRun = 0;
  const cyclesPerRun = input.cyclesPerRun ?? DEFAULT_CYCLES_PER_RUN;
  for (;;) {
    if (controlDirty()) await persistControl('signal');
    if (input.maxCycles !== undefined && cycle >= input.maxCycles) break;
    if (cyclesThisRun >= cyclesPerRun || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_LIMIT) {
      // Hand over to a fresh run (bounded history), carrying the whole durable control state.
      await condition(allHandlersFinished);
      if (controlDirty()) await persistControl('continue_as_new');
      const next: CarriedState = {
        cycle,
        firstRunId: carried.firstRunId,
        control,
        persisted,
        controlVersion,
        lastCycle,
        errors: { ...errors },
        generation: carried.generation + 1,
      };
      await continueAsNew<typeof tradingCycle>({ ...input, carried: next });
    }

    await runOneCycle();
    cyclesThisRun += 1;
    if (input.maxCycles !== undefined && cycle >= input.maxCycles) break;

    // Wait for the next cycle; any control change wakes the loop at once and is persisted before waiting on.
    phase = 'waiting';
    const intervalMs = Math.max(1, Math.round(input.cycleIntervalSeconds * 1000));
    nextCycleAtMs = logicalNowMs() + intervalMs;
    for (;;) {
      const remaining = nextCycleAtMs - logicalNowMs();
      if (remaining <= 0) break;
      const changed = await condition(controlDirty, remaining);
      if (!changed) break;
      // If the DB is unreachable, the state stays in the workflow (cycles obey it) and the write is retried each minute.
      if (!(await persistControl('signal'))) await sleep(Math.min(remaining, 60_000));
    }
    nextCycleAtMs = null;
  }

  phase = 'stopped';
  await condition(allHandlersFinished);
  if (controlDirty()) await persistControl('stop');
  return { cycles: cycle, firstRunId: carried.firstRunId, control };
}

function failureType(err: unknown): string {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.type ?? 'ApplicationFailure';
  if (e instanceof Error) return e.name;
  return 'unknown';
}
