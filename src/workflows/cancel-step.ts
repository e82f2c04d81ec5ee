/**
 * When the workflow cancels a live lane's resting orders (issue 9 "Exchange-side backstops and stopping";
 * docs/journal.md "Cancels"). Workflow code: deterministic, activities imported with `import type` only. Everything
 * here is behind ONE patch id, `cancel-resting-v1`, asked once per run at the first live cycle's first cancel point and
 * remembered (a wait predicate never asks it), so histories recorded before it replay the old branch.
 *
 *   afterReconcile   every live cycle, right after reconcile: the kill switch's cancel if it is due (below), else the
 *                    routine sweep (`ttl`: orders past execution.order_ttl_seconds or whose market closes within
 *                    execution.cancel_before_close_seconds).
 *   beforeExecute    the kill switch's cancel if it became due mid-cycle (a signal during scan/decide).
 *   inWait           while waiting between cycles: the kill switch's cancel at once (not at the next cycle).
 *   atStop           `stop` with cancelResting: every lane order, before the final persist; a failure is retried
 *                    STOP_CANCEL_ATTEMPTS times, then the run completes with the failure in its result (`stopCancel`)
 *                    and in its status errors.
 * The kill switch's cancel is due while the switch is engaged with cancelResting and THAT engagement (its `atMs`) has
 * not been served yet; served = a cancel of all the lane's orders that completed with none refused by an exchange
 * pause and no unknown journal row left unresolved (`unresolved`: a lost create answer the lagging resting list does not
 * show is looked up; one that cannot be settled keeps the engagement unserved — tried again at the next point — and the
 * stop's cancel incomplete; behind patch `cancel-unknown-v1`, asked only when a result reports unresolved rows).
 * The served marker is carried across continue-as-new (CarriedState.killCancelServedAtMs).
 * A failed cancel never wedges the workflow: it is counted in the errors and tried again at the next point.
 * Dry-run lanes never call it (paper orders stay).
 */
import { patched, sleep } from '@temporalio/workflow';
import type { CancelRestingOutcome, CycleRef } from '../activities/types';
import type { CancelReason } from '../domain/cancel-plan';
import type { ControlState } from '../domain/control';
import type { CycleSummary } from '../domain/trading-types';
import { Acts, failureType, stepSummary } from './cycle-pipeline';
import type { StopCancelResult, StopRecord } from './definitions';

export const PATCH_CANCEL_RESTING = 'cancel-resting-v1';
/** Unknown rows left unresolved make a kill-switch / stop cancel incomplete (asked only when a result has some). */
export const PATCH_CANCEL_UNKNOWN = 'cancel-unknown-v1';
/** Workflow-level attempts of the stop's cancel (each an activity with its own retries), 30 s apart. */
export const STOP_CANCEL_ATTEMPTS = 3;

export interface CancelStepDeps {
  acts: Acts;
  live: boolean;
  control(): ControlState;
  errors: { total: number; last: string | null };
  /** The kill-switch engagement (its atMs) already served, from the previous run. */
  servedAtMs: number | null;
}

type Counts = NonNullable<CycleSummary['cancels']>;

export function cancelSteps(d: CancelStepDeps) {
  let on: boolean | null = null;
  let served = d.servedAtMs;
  let triedInWait: number | null = null;
  const isOn = () => (on ??= d.live && patched(PATCH_CANCEL_RESTING));
  /** The engagement's identity when the switch wants resting orders cancelled, else null. */
  const killKey = (): number | null => {
    const k = d.control().killSwitch;
    return k.engaged && k.cancelResting ? k.atMs ?? -1 : null;
  };
  const killDue = () => {
    const k = killKey();
    return k !== null && k !== served;
  };

  async function run(ref: CycleRef, reason: CancelReason, s?: CycleSummary): Promise<CancelRestingOutcome | null> {
    try {
      const r = await d.acts.cancelResting.executeWithOptions({ summary: stepSummary(ref.cycle, 'cancel', [reason]) }, [{ ...ref, reason }]);
      if (s) addCounts(s, r);
      return r;
    } catch (err) {
      d.errors.total += 1;
      d.errors.last = `cycle ${ref.cycle} cancel (${reason}): ${failureType(err)}`;
      if (s) s.cancels = { ...(s.cancels ?? zero()), failed: (s.cancels?.failed ?? 0) + 1 };
      return null;
    }
  }

  /** Unknown rows the cancel could not settle (0 in results recorded before the field, or before the patch). */
  const unresolvedOf = (r: CancelRestingOutcome): number => ((r.unresolved ?? 0) > 0 && patched(PATCH_CANCEL_UNKNOWN) ? r.unresolved! : 0);

  async function serveKill(ref: CycleRef, s?: CycleSummary): Promise<void> {
    const key = killKey();
    const r = await run(ref, 'kill_switch', s);
    if (!r || key === null) return;
    const open = unresolvedOf(r);
    if (open > 0) {
      d.errors.last = `cycle ${ref.cycle} cancel (kill_switch): ${open} unknown order(s) could not be looked up; not served, tried again at the next point`;
      return;
    }
    if (r.retry === 0) served = key;
  }

  return {
    /** At the start of each cycle's pipeline: asks the patch once per run (never from a wait predicate). */
    init(): void {
      isOn();
    },
    servedAtMs: () => served,
    async afterReconcile(ref: CycleRef, s: CycleSummary): Promise<void> {
      if (!isOn()) return;
      if (killDue()) await serveKill(ref, s);
      else await run(ref, 'ttl', s);
    },
    async beforeExecute(ref: CycleRef, s: CycleSummary): Promise<void> {
      if (on === true && killDue()) await serveKill(ref, s);
    },
    /** For the wait's predicate: a kill-switch cancel to run now (once per engagement per wait). */
    waitingDue(): boolean {
      return on === true && killDue() && triedInWait !== killKey();
    },
    async inWait(ref: CycleRef): Promise<void> {
      triedInWait = killKey();
      if (on === true && killDue()) await serveKill(ref);
    },
    /** A new wait: a failed kill-switch cancel may be tried again in it. */
    newWait(): void {
      triedInWait = null;
    },
    async atStop(ref: CycleRef, stop: StopRecord | null): Promise<StopCancelResult | undefined> {
      if (!stop?.cancelResting || !d.live || !isOn()) return undefined;
      let last: CancelRestingOutcome | null = null;
      for (let attempt = 1; attempt <= STOP_CANCEL_ATTEMPTS; attempt += 1) {
        last = await run(ref, 'stop');
        if (last && last.retry === 0 && unresolvedOf(last) === 0) return { complete: true, attempts: attempt, ...countsOf(last) };
        if (attempt < STOP_CANCEL_ATTEMPTS) await sleep(30_000, { summary: `retry the stop's cancel of resting orders (attempt ${attempt + 1})` });
      }
      const open = last ? unresolvedOf(last) : 0;
      const why = last
        ? [last.retry > 0 ? `${last.retry} order(s) refused during an exchange pause` : null, open > 0 ? `${open} unknown order(s) could not be looked up` : null].filter(Boolean).join('; ')
        : d.errors.last ?? 'the cancel failed';
      d.errors.last = `stop: resting orders not all cancelled after ${STOP_CANCEL_ATTEMPTS} attempts (${why}); run \`kalshi-autopilot panic\``;
      return { complete: false, attempts: STOP_CANCEL_ATTEMPTS, ...(last ? countsOf(last) : zero()), error: why };
    },
  };
}

function zero(): Counts {
  return { requested: 0, canceled: 0, gone: 0, retry: 0, failed: 0 };
}

function countsOf(r: CancelRestingOutcome): Counts {
  return { requested: r.requested, canceled: r.canceled, gone: r.gone, retry: r.retry, failed: r.failed };
}

function addCounts(s: CycleSummary, r: CancelRestingOutcome): void {
  const c = s.cancels ?? zero();
  s.cancels = { requested: c.requested + r.requested, canceled: c.canceled + r.canceled, gone: c.gone + r.gone, retry: c.retry + r.retry, failed: c.failed + r.failed };
}
