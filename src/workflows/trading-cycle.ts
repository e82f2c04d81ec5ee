/**
 * tradingCycle: the long-running lane workflow. Deterministic: no I/O, no wall clock, no randomness.
 *
 * loop {
 *   beginCycle (lane check, cycle row, external kill sources) → scan → decide → execute → book (cycle-pipeline.ts)
 *   → finishCycle (cycle row, heartbeat)
 *   wait cycle_interval with `condition`, so a signal acts at once (control changes are persisted immediately, and
 *   each persist rewrites the heartbeat)
 *   continue-as-new when history grows, carrying ALL durable control state
 * }
 * A `stop` signal ends the loop after the cycle in flight (or wakes the wait): the control state is persisted and the
 * run completes with `stoppedBy`. The Web UI shows a summary on every activity and timer and the current details.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  setCurrentDetails,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import {
  applyKillSwitchSignal,
  clearHalt,
  ControlState,
  expireHalts,
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
import type { CycleSummary } from '../domain/trading-types';
import { statusWordFor } from '../domain/reason-codes';
import { Acts, currentDetailsLine, emptySummary, failureType, runPipeline, stepSummary, utcClock } from './cycle-pipeline';
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
  StopRecord,
  stopSignal,
  TradingCycleInput,
  TradingCycleResult,
} from './definitions';

import { activityProxies } from './activity-proxies';
import { cancelSteps } from './cancel-step';
import { alertsSteps } from './alerts-step';

/** One proxy per activity, each with its own timeouts and retry policy (activity-options.ts says why). */
const acts = activityProxies();

/** Patch ids (workflow changes after release; histories recorded before them replay the old branch). */
const PATCH_KILL_SWITCH_FAILS_CLOSED = 'kill-switch-signal-fails-closed';
const PATCH_PERSIST_UNTIL_CLEAN = 'persist-until-clean-at-stop';
const PATCH_TRADING_PIPELINE = 'trading-pipeline-v1';
const PATCH_STATUS_SEARCH_ATTRIBUTE = 'status-search-attribute-v1';
/** Same key as start-metadata.ts (client side): set at start only when the namespace has it registered. */
const KAP_STATUS = defineSearchAttributeKey('KapStatus', SearchAttributeType.KEYWORD);
/** A run that cannot persist its control state at the end fails after this many attempts instead of completing. */
const STOP_PERSIST_ATTEMPTS = 8;

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
  // The lane DB's UUID, pinned at the first beginCycle and carried across continue-as-new: every activity refuses a
  // worker on another DB file (lane_mismatch_guard).
  let dbId: string | null = carried.dbId ?? null;
  let lastCycle: CycleOutcomeView | null = carried.lastCycle;
  const errors = { ...carried.errors };
  // Live lanes cancel resting orders: TTL / before close each cycle, the kill switch's cancelResting, stop (cancel-step.ts).
  const cancels = cancelSteps({ acts, live: input.lane.mode === 'live', control: () => control, errors, servedAtMs: carried.killCancelServedAtMs ?? null });
  const alerts = alertsSteps({ acts, control: () => control, errors, carried: carried.alerts ?? null });
  const laneRef = () => ({ lane: input.lane, dbId, firstRunId: carried.firstRunId, runId: info.runId, cycle, nowMs: logicalNowMs() });
  let phase: StatusView['phase'] = 'starting';
  let nextCycleAtMs: number | null = null;
  /** Set by the `stop` signal: the loop ends after the cycle in flight (never set in histories before it existed). */
  let stopRequested: StopRecord | null = null;
  const intervalMs = Math.max(1, Math.round(input.cycleIntervalSeconds * 1000));

  // Signal handlers never throw: a throwing handler fails the workflow task on every replay and wedges the lane
  // (no kill switch could get through). A malformed payload is recorded as an error and ignored.
  const rejectSignal = (name: string, error: string) => {
    errors.total += 1;
    errors.last = `rejected ${name} signal: ${error}`;
  };
  setHandler(killSwitchSignal, (cmd) => {
    if (patched(PATCH_KILL_SWITCH_FAILS_CLOSED)) {
      // The emergency path fails closed: anything but a well-formed release engages, the parse error as its reason.
      const r = applyKillSwitchSignal(control, cmd, logicalNowMs());
      control = r.state;
      if (r.error) rejectSignal('killSwitch', `${r.error} (engaged the kill switch)`);
      return;
    }
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
  setHandler(stopSignal, (arg: unknown) => {
    // An operator asking to stop is obeyed whatever the payload: a malformed one stops too, its parse error recorded.
    const a = (arg ?? {}) as { reason?: unknown; cancelResting?: unknown };
    const problems: string[] = [];
    if (typeof arg !== 'object' && arg !== undefined) problems.push('payload: must be an object');
    else if (a.reason !== undefined && typeof a.reason !== 'string') problems.push('reason: must be a string');
    if (typeof arg === 'object' && a?.cancelResting !== undefined && typeof a.cancelResting !== 'boolean') problems.push('cancelResting: must be a boolean');
    const reason = typeof a?.reason === 'string' ? a.reason : null;
    const cancelResting = a?.cancelResting === true;
    if (problems.length > 0) rejectSignal('stop', `${problems.join('; ')} (stopping anyway)`);
    if (stopRequested) {
      // The first stop counts; a later one can only add the request to cancel resting orders.
      stopRequested = { ...stopRequested, cancelResting: stopRequested.cancelResting || cancelResting };
      return;
    }
    stopRequested = { reason, atMs: logicalNowMs(), cancelResting, ...(problems.length > 0 ? { error: problems.join('; ') } : {}) };
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
    workflowId: info.workflowId,
    intervalSeconds: input.cycleIntervalSeconds,
    stoppedBy: stopRequested,
  });
  setHandler(statusQuery, status);
  // The Web UI list's KapStatus column/filter follows the status word. Only a run started with the key (registered on
  // its namespace) upserts it: an unregistered key would fail the workflow task on every attempt.
  let shownStatus: string | null = (info.typedSearchAttributes?.get(KAP_STATUS) as string | undefined) ?? null;
  const syncStatusAttribute = () => {
    const word = statusWordFor(control);
    if (shownStatus === null || word === shownStatus || !patched(PATCH_STATUS_SEARCH_ATTRIBUTE)) return;
    upsertSearchAttributes([{ key: KAP_STATUS, value: word }]);
    shownStatus = word;
  };
  /** The Web UI's current details (not a command: replay-safe). */
  const showDetails = (stopped?: string | null) => {
    syncStatusAttribute();
    setCurrentDetails(
      currentDetailsLine({
        cycle,
        outcome: lastCycle?.outcome ?? null,
        summary: lastCycle?.summary ?? null,
        blockedBy: tradingBlockReason(control),
        nextCycleAtMs,
        nowMs: logicalNowMs(),
        stopped,
      }),
    );
  };

  const controlDirty = () => !sameControl(control, persisted);
  /** The error type of the last failed persist (null after a success). */
  let persistFailure: string | null = null;
  /** Persist the control state to the lane DB; never fails the workflow (a failure is counted and retried later). */
  async function persistControl(kind: string): Promise<boolean> {
    const snapshot = control;
    try {
      // The activity rewrites the heartbeat after the write, from this status (the control as written).
      const r = await acts.persistControl.executeWithOptions({ summary: `control · ${kind} · ${statusLine(snapshot)}` }, [{
        lane: input.lane,
        dbId,
        control: snapshot,
        expectedVersion: controlVersion,
        expected: persisted,
        nowMs: logicalNowMs(),
        kind,
        status: status(),
      }]);
      // Adopt only what someone else added in the DB meanwhile; signals received during the write stay as they are.
      control = mergeRestrictive(control, restrictionsAdded(snapshot, r.control));
      persisted = r.control;
      controlVersion = r.version;
      persistFailure = null;
      return true;
    } catch (err) {
      persistFailure = failureType(err);
      errors.total += 1;
      errors.last = `persist control: ${persistFailure}`;
      return false;
    }
  }

  async function runOneCycle(): Promise<void> {
    cycle += 1;
    phase = 'cycle';
    const startedAtMs = logicalNowMs();
    const ref = () => ({ lane: input.lane, dbId, firstRunId: carried.firstRunId, runId: info.runId, cycle, nowMs: startedAtMs });
    let outcome: string;
    let summary: CycleSummary | null = null;
    let stage = 'begin';
    try {
      setCurrentDetails(`cycle ${cycle} · running since ${utcClock(startedAtMs, startedAtMs)}`);
      const begun = await acts.beginCycle.executeWithOptions({ summary: stepSummary(cycle, 'begin') }, [{ ...ref(), controlVersion, persisted }]);
      if (dbId === null && typeof begun.dbId === 'string') dbId = begun.dbId;
      control = mergeExternalControl(control, begun.external, logicalNowMs());
      if (begun.external.db) controlVersion = begun.controlVersion;
      // A halt with an expiry (a daily-loss halt at the next 00:00 UTC) lifts by itself on the logical clock.
      control = expireHalts(control, logicalNowMs());
      let blocked = tradingBlockReason(control);
      if (patched(PATCH_TRADING_PIPELINE)) {
        cancels.init();
        const s = emptySummary();
        summary = s;
        blocked = await runPipeline(
          {
            acts, cycle, firstRunId: carried.firstRunId, ref, now: logicalNowMs,
            control: () => control, setControl: (c) => (control = c), stage: (name) => (stage = name),
            afterReconcile: (x) => cancels.afterReconcile(ref(), x), beforeExecute: (x) => cancels.beforeExecute(ref(), x),
          },
          s,
        );
      }
      outcome = blocked ? `skipped:${blocked}` : 'completed';
      errors.consecutive = 0;
    } catch (err) {
      const type = failureType(err);
      outcome = `error:${type}`;
      if (summary) summary.failedStage = stage;
      errors.consecutive += 1;
      errors.total += 1;
      errors.last = `cycle ${cycle} ${stage}: ${type}`;
      if (type === 'LaneMismatchError') {
        control = latchHalt(control, 'lane_mismatch_guard', 'an activity refused this workflow: mode/env/config hash/DB differ from its worker', logicalNowMs());
      }
    }
    if (controlDirty()) await persistControl('cycle');
    lastCycle = summary ? { cycle, startedAtMs, finishedAtMs: logicalNowMs(), outcome, summary } : { cycle, startedAtMs, finishedAtMs: logicalNowMs(), outcome };
    // The heartbeat written by finishCycle shows what follows: the next cycle about one interval from now, or the stop.
    const more = stopRequested === null && !(input.maxCycles !== undefined && cycle >= input.maxCycles);
    const after: StatusView = { ...status(), phase: more ? 'waiting' : 'stopped', nextCycleAtMs: more ? logicalNowMs() + intervalMs : null };
    try {
      await acts.finishCycle.executeWithOptions(
        { summary: stepSummary(cycle, 'finish', [outcome]) },
        [{ ...ref(), startedAtMs, nowMs: logicalNowMs(), outcome, summary: (summary ?? {}) as Record<string, unknown>, status: after }],
      );
    } catch (err) {
      errors.total += 1;
      errors.last = `cycle ${cycle} finish: ${failureType(err)}`;
    }
    await alerts.afterCycle(laneRef());
  }

  let cyclesThisRun = 0;
  const cyclesPerRun = input.cyclesPerRun ?? DEFAULT_CYCLES_PER_RUN;
  const stopWanted = () => stopRequested !== null;
  for (;;) {
    if (controlDirty()) await persistControl('signal');
    if (stopWanted()) break;
    if (input.maxCycles !== undefined && cycle >= input.maxCycles) break;
    if (cyclesThisRun >= cyclesPerRun || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_EVENTS_LIMIT) {
      // Hand over to a fresh run (bounded history), carrying the whole durable control state.
      await condition(allHandlersFinished);
      if (controlDirty()) await persistControl('continue_as_new');
      // A stop that arrived during the hand-over is obeyed here, not carried into a new run.
      if (stopWanted()) break;
      const next: CarriedState = {
        cycle,
        firstRunId: carried.firstRunId,
        control,
        persisted,
        controlVersion,
        dbId,
        lastCycle,
        errors: { ...errors },
        generation: carried.generation + 1,
        killCancelServedAtMs: cancels.servedAtMs(),
        alerts: alerts.state(),
      };
      await continueAsNew<typeof tradingCycle>({ ...input, carried: next });
    }

    await runOneCycle();
    cyclesThisRun += 1;
    if (stopWanted()) break;
    if (input.maxCycles !== undefined && cycle >= input.maxCycles) break;

    // Wait for the next cycle; any control change wakes the loop at once and is persisted before waiting on; a stop
    // ends the wait.
    phase = 'waiting';
    nextCycleAtMs = logicalNowMs() + intervalMs;
    showDetails();
    const timerSummary = `wait for cycle ${cycle + 1} at ${utcClock(nextCycleAtMs, logicalNowMs())}`;
    cancels.newWait();
    for (;;) {
      const remaining = nextCycleAtMs - logicalNowMs();
      if (remaining <= 0) break;
      const changed = await condition(() => controlDirty() || stopWanted() || cancels.waitingDue(), remaining, { summary: timerSummary });
      if (!changed || stopWanted()) break;
      // If the DB is unreachable, the state stays in the workflow (cycles obey it) and the write is retried each minute.
      if (controlDirty() && !(await persistControl('signal'))) await sleep(Math.min(remaining, 60_000), { summary: 'retry the control write' });
      // A kill switch with cancelResting cancels the lane's resting orders now, not at the next cycle.
      if (cancels.waitingDue()) await cancels.inWait(laneRef());
      await alerts.inWait(laneRef());
      showDetails();
    }
    nextCycleAtMs = null;
    if (stopWanted()) break;
  }

  phase = 'stopped';
  const stopLine = () => (stopRequested ? `stopped${stopRequested.reason ? `: ${stopRequested.reason}` : ''}` : 'done');
  showDetails(stopLine());
  await condition(allHandlersFinished);
  // `stop --cancel-resting` on a live lane: every lane order is cancelled before the final persist (bounded retries).
  const stopCancel = await cancels.atStop(laneRef(), stopRequested);
  // A stop by signal always writes the control state once (and so the heartbeat, phase `stopped`), dirty or not.
  let stopWritten = false;
  const mustWrite = () => controlDirty() || (stopWanted() && !stopWritten);
  if (patched(PATCH_PERSIST_UNTIL_CLEAN)) {
    // Never complete with the control state only in the result: a change that arrived during the final write is
    // written too, and a write that keeps failing fails the run (the operator sees it) instead of a quiet success.
    for (let attempt = 1; mustWrite(); attempt += 1) {
      if (await persistControl('stop')) {
        stopWritten = true;
        continue;
      }
      // A refusal that no retry can change (a worker of another lane or DB) fails the run at once.
      if (attempt >= STOP_PERSIST_ATTEMPTS || (NON_RETRYABLE as readonly string[]).includes(persistFailure ?? '')) {
        throw ApplicationFailure.nonRetryable(
          `the lane's control state could not be written to its DB after ${attempt} attempts (${errors.last}); ` +
            `the workflow's state: ${JSON.stringify(control)}`,
          'ControlNotPersisted',
        );
      }
      await sleep(Math.min(60_000, 5_000 * 2 ** (attempt - 1)), { summary: `retry the final control write (attempt ${attempt + 1})` });
    }
  } else if (mustWrite()) await persistControl('stop');
  await alerts.atClose(laneRef(), stopLine());
  showDetails(stopLine());
  const result: TradingCycleResult = { cycles: cycle, firstRunId: carried.firstRunId, control };
  if (stopRequested) result.stoppedBy = stopRequested;
  if (stopCancel) result.stopCancel = stopCancel;
  return result;
}

/** `active`, `killed`, … (the registry's status word) for an activity summary. */
function statusLine(c: ControlState): string {
  return statusWordFor(c);
}
