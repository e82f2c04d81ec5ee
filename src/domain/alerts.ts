/**
 * Alert conditions and their dedupe, pure (importable by workflow code: no I/O, no clock, JSON state).
 *
 * A condition is a key that is either active or not at each evaluation (each cycle, each watchdog run). An alert is
 * sent when a key becomes active (`raised`) and once when it stops being active (`resolved`) — never again while it
 * persists. The state (`AlertState`: active keys with when they began and their title) is carried by the caller
 * (the workflow across continue-as-new; the watchdog in a small file) and updated only once the sends took: a send
 * that failed is tried again at the next evaluation.
 */

export type AlertConditionKey =
  | 'kill_switch' | 'daily_loss_halt' | 'drawdown_halt' | 'reconciliation_mismatch' | 'unknown_order_outcome'
  | 'failure_cooldown' | 'repeated_failures' | 'watchdog';

export interface AlertCondition {
  key: AlertConditionKey;
  severity: 'critical' | 'warning';
  title: string;
  text: string;
}

export interface AlertState {
  /** Active conditions by key: when they began (caller's clock) and the title they were raised with. */
  active: Record<string, { sinceMs: number; title: string }>;
}

export function initialAlertState(): AlertState {
  return { active: {} };
}

export interface AlertDiff {
  raised: AlertCondition[];
  resolved: { key: string; title: string; sinceMs: number }[];
  /** The state once every raised/resolved alert was sent. */
  next: AlertState;
}

/** What to send for the conditions active now, given what was active before. Pure; keys in a stable order. */
export function diffAlerts(prev: AlertState | null | undefined, activeNow: readonly AlertCondition[], nowMs: number): AlertDiff {
  const before = prev?.active ?? {};
  const now = new Map(activeNow.map((c) => [c.key, c] as const));
  const raised = [...now.values()].filter((c) => !(c.key in before)).sort((a, b) => a.key.localeCompare(b.key));
  const resolved = Object.keys(before).filter((k) => !now.has(k as AlertConditionKey)).sort().map((key) => ({ key, title: before[key].title, sinceMs: before[key].sinceMs }));
  const active: AlertState['active'] = {};
  for (const c of [...now.values()].sort((a, b) => a.key.localeCompare(b.key))) active[c.key] = before[c.key] ?? { sinceMs: nowMs, title: c.title };
  return { raised, resolved, next: { active } };
}

/** The facts a lane's conditions are judged from (the workflow's control and errors, the DB's reconciliation view). */
export interface LaneAlertFacts {
  killSwitch: { engaged: boolean; reason: string | null; source: string | null };
  latchedHalts: readonly { code: string; reason: string }[];
  /** reconciliation_mismatch_guard is blocking (the latest complete reconciliation disagreed, or latched). */
  reconciliationMismatch: { blocked: boolean; latched: boolean };
  /** An order whose outcome is unknown is in the journal (unknown_order_outcome_guard). */
  unknownOrderOutcome: boolean;
  /** The failure cooldown blocks entries (failure_cooldown_guard) through this cycle; null = none. */
  failureCooldownThroughCycle: number | null;
  cycle: number;
  consecutiveFailures: number;
  repeatedFailureThreshold: number;
  lastError: string | null;
}

/** The conditions active for these facts. Pure. */
export function laneConditions(f: LaneAlertFacts): AlertCondition[] {
  const out: AlertCondition[] = [];
  if (f.killSwitch.engaged) {
    out.push({ key: 'kill_switch', severity: 'critical', title: 'kill switch engaged', text: `${f.killSwitch.source ?? 'unknown source'}: ${f.killSwitch.reason ?? 'no reason given'}; new orders are refused` });
  }
  const halt = (code: string) => f.latchedHalts.find((h) => h.code === code);
  const dl = halt('daily_loss_guard');
  if (dl) out.push({ key: 'daily_loss_halt', severity: 'critical', title: 'daily-loss halt latched', text: dl.reason });
  const dd = halt('drawdown_guard');
  if (dd) out.push({ key: 'drawdown_halt', severity: 'critical', title: 'drawdown halt latched', text: `${dd.reason}; clear it with \`clear-halt drawdown_guard\` after review` });
  if (f.reconciliationMismatch.blocked) {
    out.push({
      key: 'reconciliation_mismatch', severity: 'critical', title: 'reconciliation mismatch',
      text: f.reconciliationMismatch.latched ? 'latched after three mismatching reconciliations: review, then `clear-halt reconciliation_mismatch_guard`' : 'the last reconciliation disagreed with the exchange; entries are refused',
    });
  }
  if (f.unknownOrderOutcome) out.push({ key: 'unknown_order_outcome', severity: 'critical', title: 'unknown order outcome', text: 'an order\'s outcome is unknown: new orders are blocked until reconciliation resolves it' });
  if (f.failureCooldownThroughCycle !== null && f.failureCooldownThroughCycle > f.cycle) {
    out.push({ key: 'failure_cooldown', severity: 'warning', title: 'failure cooldown', text: `entries refused through cycle ${f.failureCooldownThroughCycle} after repeated failed cycles` });
  }
  if (f.repeatedFailureThreshold > 0 && f.consecutiveFailures >= f.repeatedFailureThreshold) {
    out.push({ key: 'repeated_failures', severity: 'critical', title: `${f.consecutiveFailures} cycles failed in a row`, text: f.lastError ?? 'see the worker log' });
  }
  return out;
}
