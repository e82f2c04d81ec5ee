/**
 * When the workflow asks for webhook alerts (issue 11; the `notify` activity, src/activities/notify.ts). Workflow
 * code: deterministic, activities imported with `import type` only. Everything is behind ONE patch id, `alerts-v1`,
 * asked once per run at the first call and remembered, so histories recorded before it replay the old branch.
 *
 *   afterCycle  after every cycle's finishCycle: the conditions that began or ended (kill switch, halts,
 *               reconciliation mismatch, unknown order outcome, failure cooldown, repeated failures).
 *   inWait      while waiting between cycles, after a control change was persisted: only when the kill switch or the
 *               latched halts changed since the last call (a kill switch engaged by signal is told at once).
 *   atClose     the run completes (stop, max cycles): `workflow_closed`.
 * The dedupe state it returns is carried across continue-as-new (CarriedState.alerts). A failed activity is swallowed
 * (counted nowhere: alerts never block or fail trading) and its alerts are judged again at the next call.
 */
import { patched } from '@temporalio/workflow';
import type { CycleRef } from '../activities/types';
import type { AlertState } from '../domain/alerts';
import type { ControlState } from '../domain/control';
import { Acts, stepSummary } from './cycle-pipeline';

export const PATCH_ALERTS = 'alerts-v1';

export interface AlertsStepDeps {
  acts: Acts;
  control(): ControlState;
  errors: { consecutive: number; last: string | null };
  /** The dedupe state carried from the previous run. */
  carried: AlertState | null;
}

export function alertsSteps(d: AlertsStepDeps) {
  let on: boolean | null = null;
  let state: AlertState | null = d.carried;
  let lastKey: string | null = null;
  const isOn = () => (on ??= patched(PATCH_ALERTS));
  /** What of the control state can raise or end an alert. */
  const controlKey = () => {
    const c = d.control();
    return `${c.killSwitch.engaged}|${c.latchedHalts.map((h) => h.code).sort().join(',')}`;
  };

  async function run(ref: CycleRef, step: string, closing: string | null): Promise<void> {
    lastKey = controlKey();
    try {
      const r = await d.acts.notify.executeWithOptions({ summary: stepSummary(ref.cycle, step) }, [{
        ...ref, control: d.control(), errors: { consecutive: d.errors.consecutive, last: d.errors.last }, alertState: state, closing,
      }]);
      state = r.alertState;
    } catch {
      // Alerts never block trading: the conditions are judged again at the next call.
    }
  }

  return {
    state: () => state,
    async afterCycle(ref: CycleRef): Promise<void> {
      if (isOn()) await run(ref, 'alerts', null);
    },
    async inWait(ref: CycleRef): Promise<void> {
      if (isOn() && controlKey() !== lastKey) await run(ref, 'alerts', null);
    },
    async atClose(ref: CycleRef, closing: string): Promise<void> {
      if (isOn()) await run(ref, 'alerts · closing', closing);
    },
  };
}
