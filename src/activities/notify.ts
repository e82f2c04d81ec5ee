/**
 * The `notify` activity: judges the lane's alert conditions (src/domain/alerts.ts) from the workflow's control state
 * and error streak plus the lane DB's reconciliation, journal and cooldown state, and sends what changed since the
 * carried dedupe state — `raised` once when a condition begins, `resolved` once when it ends, `workflow_closed` when
 * the run ends. A webhook that fails never fails this activity: the state it returns records only the sends that
 * took, so a failed one is tried again at the next cycle. Nothing here blocks trading (the workflow swallows even a
 * failure of the activity itself).
 */
import type { Logger } from 'pino';
import { diffAlerts, initialAlertState, laneConditions, type AlertState } from '../domain/alerts';
import type { ControlState } from '../domain/control';
import { sendAlert, type Alert, type AlertEvent, type WebhookTarget } from '../observability/notifier';
import { safeErrorMessage } from '../observability/redact';
import type { Store } from '../store';
import type { CycleRef } from './types';

export interface NotifyInput extends CycleRef {
  control: ControlState;
  errors: { consecutive: number; last: string | null };
  /** The dedupe state the workflow carries (null: none yet). */
  alertState: AlertState | null;
  /** Set on the run's last call: the workflow is closing (stop, max cycles): `workflow_closed` is sent. */
  closing?: string | null;
}

export interface NotifyResult {
  alertState: AlertState;
  sent: number;
  failed: number;
}

export interface NotifyDeps {
  store: Store;
  logger: Logger;
  /** null: alerts off (the conditions are still tracked, so enabling alerts later does not replay old ones). */
  target: WebhookTarget | null;
  repeatedFailureThreshold: number;
  fetchImpl?: typeof fetch;
  /** Wall-time budget for all sends of one call (default NOTIFY_BUDGET_MS); what does not fit is sent next cycle. */
  budgetMs?: number;
}

/** Well inside the activity's 25 s start-to-close: a worker stopped mid-call delays the workflow 25 s at most. */
export const NOTIFY_BUDGET_MS = 15_000;

const EVENT: Record<string, AlertEvent> = {
  kill_switch: 'kill_switch', daily_loss_halt: 'daily_loss_halt', drawdown_halt: 'drawdown_halt', reconciliation_mismatch: 'reconciliation_mismatch',
  unknown_order_outcome: 'unknown_order_outcome', failure_cooldown: 'failure_cooldown', repeated_failures: 'repeated_failures',
};

export async function notifyLane(deps: NotifyDeps, input: NotifyInput): Promise<NotifyResult> {
  const { store } = deps;
  const mm = store.liveLedger.mismatchBlock();
  const conditions = laneConditions({
    killSwitch: input.control.killSwitch,
    latchedHalts: input.control.latchedHalts,
    reconciliationMismatch: { blocked: mm.blocked, latched: mm.latched },
    unknownOrderOutcome: store.journal.hasUnknown(),
    failureCooldownThroughCycle: store.risk.read().failureCooldown.cooldownThroughCycle,
    cycle: input.cycle,
    consecutiveFailures: input.errors.consecutive,
    repeatedFailureThreshold: deps.repeatedFailureThreshold,
    lastError: input.errors.last,
  });
  const prev = input.alertState ?? initialAlertState();
  const d = diffAlerts(prev, conditions, input.nowMs);
  const lane = input.lane.lane;
  const state: AlertState = { active: { ...prev.active } };
  let sent = 0;
  let failed = 0;
  const started = Date.now(); // a time budget (not trading time): bounds how long the webhooks may take
  const budget = deps.budgetMs ?? NOTIFY_BUDGET_MS;
  const send = async (a: Alert): Promise<boolean> => {
    if (!deps.target?.url) return true;
    const left = budget - (Date.now() - started);
    if (left < 1_000) {
      failed += 1;
      return false;
    }
    try {
      await sendAlert({ ...deps.target, timeoutMs: Math.min(deps.target.timeoutMs, left) }, a, deps.fetchImpl);
      sent += 1;
      return true;
    } catch (err) {
      failed += 1;
      deps.logger.warn({ lane, event: a.event, state: a.state, err: safeErrorMessage(err) }, 'alert not sent (tried again next cycle)');
      return false;
    }
  };
  for (const c of d.raised) {
    const ok = await send({ event: EVENT[c.key] ?? 'watchdog', state: 'raised', severity: c.severity, lane, title: c.title, text: c.text, atMs: input.nowMs, details: { cycle: input.cycle } });
    if (ok) state.active[c.key] = d.next.active[c.key];
  }
  for (const r of d.resolved) {
    const ok = await send({ event: EVENT[r.key] ?? 'watchdog', state: 'resolved', severity: 'info', lane, title: `${r.title}: ended`, text: `active since ${new Date(r.sinceMs).toISOString()}`, atMs: input.nowMs, details: { cycle: input.cycle } });
    if (ok) delete state.active[r.key];
  }
  if (input.closing) {
    await send({ event: 'workflow_closed', state: 'info', severity: 'warning', lane, title: 'workflow closed', text: `${input.closing} after cycle ${input.cycle}; no more cycles run until it is started again`, atMs: input.nowMs });
  }
  return { alertState: state, sent, failed };
}
