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
  patched,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/types';
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
import { clientOrderId } from '../domain/order-id';
import type { CycleSummary } from '../domain/trading-types';
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

import { ACTIVITY_POLICIES } from './activity-options';

/** One proxy per activity, each with its own timeouts and retry policy (see activity-options.ts for the reasons). */
function activityProxies(): Activities {
  const out: Partial<Record<keyof Activities, unknown>> = {};
  for (const name of Object.keys(ACTIVITY_POLICIES) as (keyof Activities)[]) {
    const { why: _why, ...options } = ACTIVITY_POLICIES[name];
    out[name] = proxyActivities<Activities>(options)[name];
  }
  return out as Activities;
}
const acts = activityProxies();

/** Patch ids (workflow changes after release; histories recorded before them replay the old branch). */
const PATCH_KILL_SWITCH_FAILS_CLOSED = 'kill-switch-signal-fails-closed';
const PATCH_PERSIST_UNTIL_CLEAN = 'persist-until-clean-at-stop';
const PATCH_TRADING_PIPELINE = 'trading-pipeline-v1';
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
  let phase: StatusView['phase'] = 'starting';
  let nextCycleAtMs: number | null = null;

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
  /** The error type of the last failed persist (null after a success). */
  let persistFailure: string | null = null;
  /** Persist the control state to the lane DB; never fails the workflow (a failure is counted and retried later). */
  async function persistControl(kind: string): Promise<boolean> {
    const snapshot = control;
    try {
      const r = await acts.persistControl({
        lane: input.lane,
        dbId,
        control: snapshot,
        expectedVersion: controlVersion,
        expected: persisted,
        nowMs: logicalNowMs(),
        kind,
      });
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
      const begun = await acts.beginCycle({ ...ref(), controlVersion, persisted });
      if (dbId === null && typeof begun.dbId === 'string') dbId = begun.dbId;
      control = mergeExternalControl(control, begun.external, logicalNowMs());
      if (begun.external.db) controlVersion = begun.controlVersion;
      // A halt with an expiry (a daily-loss halt at the next 00:00 UTC) lifts by itself on the logical clock.
      control = expireHalts(control, logicalNowMs());
      let blocked = tradingBlockReason(control);
      if (patched(PATCH_TRADING_PIPELINE)) {
        const s = emptySummary();
        summary = s;
        // scan → decide (scope → fair value → opportunities → sizing → guards → final scope) → execute → book.
        // The guards run every cycle, even when the lane is blocked: the daily-loss baseline and drawdown peak move on.
        stage = 'scan';
        const scan = await acts.scan(ref());
        Object.assign(s, { scanId: scan.scanId, scanned: scan.scanned, inScope: scan.inScope });
        if (scan.outOfScope) s.skipped.scope_guard = scan.outOfScope;
        stage = 'decide';
        const d = await acts.decide({ ...ref(), scanId: scan.scanId, control });
        for (const h of d.latch) control = latchHalt(control, h.code, h.reason, logicalNowMs(), h.expiresAtMs);
        Object.assign(s, { estimates: d.estimates, opportunities: d.opportunities, bestEdge: d.bestEdge, whyNoTrade: d.whyNoTrade });
        for (const [code, n] of Object.entries(d.skipped)) s.skipped[code] = (s.skipped[code] ?? 0) + n;
        // Re-check the control state right before the order activity: a signal that arrived mid-cycle counts.
        blocked = tradingBlockReason(control);
        const orders = d.intents
          .map((intent, index) => ({ clientOrderId: clientOrderId(carried.firstRunId, cycle, index), intent }))
          .filter((o) => blocked === null || o.intent.reduceOnly);
        if (orders.length < d.intents.length && blocked) s.skipped[blocked] = (s.skipped[blocked] ?? 0) + d.intents.length - orders.length;
        if (orders.length > 0) {
          stage = 'execute';
          const x = await acts.execute({ ...ref(), scanId: scan.scanId, orders });
          s.orders = x.placed;
          s.fills += x.fills;
          for (const [code, n] of Object.entries(x.skipped)) s.skipped[code] = (s.skipped[code] ?? 0) + n;
        }
        if (s.orders === 0 && !s.whyNoTrade) s.whyNoTrade = blocked ? `new orders blocked by ${blocked}` : 'every order was refused at execution';
        stage = 'book';
        const b = await acts.book(ref());
        Object.assign(s, { cash: b.cash, equity: b.equity, exposure: b.exposure, openPositions: b.openPositions, restingOrders: b.restingOrders });
        s.fills += b.fills;
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
    try {
      await acts.finishCycle({ ...ref(), startedAtMs, nowMs: logicalNowMs(), outcome, summary: (summary ?? {}) as Record<string, unknown>, status: status() });
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
        dbId,
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
  if (patched(PATCH_PERSIST_UNTIL_CLEAN)) {
    // Never complete with the control state only in the result: a change that arrived during the final write is
    // written too, and a write that keeps failing fails the run (the operator sees it) instead of a quiet success.
    for (let attempt = 1; controlDirty(); attempt += 1) {
      if (await persistControl('stop')) continue;
      // A refusal that no retry can change (a worker of another lane or DB) fails the run at once.
      if (attempt >= STOP_PERSIST_ATTEMPTS || (NON_RETRYABLE as readonly string[]).includes(persistFailure ?? '')) {
        throw ApplicationFailure.nonRetryable(
          `the lane's control state could not be written to its DB after ${attempt} attempts (${errors.last}); ` +
            `the workflow's state: ${JSON.stringify(control)}`,
          'ControlNotPersisted',
        );
      }
      await sleep(Math.min(60_000, 5_000 * 2 ** (attempt - 1)));
    }
  } else if (controlDirty()) await persistControl('stop');
  return { cycles: cycle, firstRunId: carried.firstRunId, control };
}

function failureType(err: unknown): string {
  let e: unknown = err;
  if (e instanceof ActivityFailure && e.cause) e = e.cause;
  if (e instanceof ApplicationFailure) return e.type ?? 'ApplicationFailure';
  if (e instanceof Error) return e.name;
  return 'unknown';
}

function emptySummary(): CycleSummary {
  return {
    scanId: null, scanned: 0, inScope: 0, estimates: 0, opportunities: 0, orders: 0, fills: 0, skipped: {}, bestEdge: null,
    whyNoTrade: null, cash: null, equity: null, exposure: null, openPositions: 0, restingOrders: 0, failedStage: null,
  };
}
