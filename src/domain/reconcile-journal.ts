/**
 * Reconciliation, step (a): the lane's open journal rows against the exchange's orders walk (docs/reconciliation.md,
 * docs/journal.md). Pure; planReconciliation (reconcile.ts) calls it.
 *
 *   resting        → the exchange's status (missing from the walk: left resting, noted)
 *   pending/unknown found in the walk → the exchange's status
 *   unknown/sent pending absent from the complete walk →
 *                  rejected ("not placed") only when the user-data timestamp passed the send's end AND the first send
 *                  is not before Kalshi's historical order cutoff (`orders_updated_ts`: an order canceled/executed
 *                  before it is listed only by GET /historical/orders, so its absence from /portfolio/orders proves
 *                  nothing — origin B11). Sent before the cutoff, or the cutoff unreadable: it stays unknown and the
 *                  row is listed in `pastCutoff` (an alert: an operator must look it up).
 *   never sent (sentAtMs and firstSentAtMs null) of a PAST cycle (another first run id, or an earlier cycle) and
 *                  absent from the complete walk → skipped (never_sent_guard): its bytes never left the process (the
 *                  journal commits markSent before every send), so nothing can be on the exchange; markSent refuses a
 *                  skipped row, so a zombie attempt cannot send it afterwards. A never-sent row of the current cycle
 *                  is left to the order path.
 */
import { notBeforeMs, resolveUnknown, Resolution } from './order-outcome';
import { REASON } from './reason-codes';

export interface JournalRowLike {
  clientOrderId: string;
  ticker: string;
  eventTicker: string;
  status: string;
  exchangeOrderId: string | null;
  sentAtMs: number | null;
  firstSentAtMs: number | null;
  attemptEndedAtMs: number | null;
  /** The row's workflow (first run id) and cycle: with ReconcileInput.current, which never-sent rows are past. */
  firstRunId?: string;
  cycle?: number;
}

export interface Transition {
  clientOrderId: string;
  from: string;
  to: 'resting' | 'executed' | 'canceled' | 'rejected' | 'unknown' | 'skipped';
  exchangeOrderId: string | null;
  detail: string;
  /** With `skipped` only: the registered code. */
  skipCode?: string;
}

export interface JournalStepInput {
  journal: readonly JournalRowLike[];
  byClientId: ReadonlyMap<string, { orderId: string; ticker: string; status: string; fillCount: number; remainingCount: number }>;
  asOfMs: number | null;
  asOfTime: string | null;
  /** GET /historical/cutoff `orders_updated_ts` (ms); null = unreadable (then absence proves nothing). */
  ordersCutoffMs: number | null;
  /** The reconciling workflow and cycle; absent = no never-sent row is treated as past. */
  current?: { firstRunId: string; cycle: number };
}

export interface JournalStep {
  transitions: Transition[];
  /** Unknown rows absent from the walk that stay unknown because of the historical cutoff (alert-worthy). */
  pastCutoff: string[];
  notes: string[];
}

function isPast(r: JournalRowLike, current: JournalStepInput['current']): boolean {
  if (!current || r.firstRunId === undefined || r.cycle === undefined) return false;
  return r.firstRunId !== current.firstRunId || r.cycle < current.cycle;
}

export function planJournalTransitions(input: JournalStepInput): JournalStep {
  const notes: string[] = [];
  const pastCutoff: string[] = [];
  const transitions: Transition[] = [];
  for (const r of input.journal) {
    if (r.status !== 'pending_submit' && r.status !== 'unknown' && r.status !== 'resting') continue;
    const o = input.byClientId.get(r.clientOrderId);
    if (o && o.ticker !== r.ticker) {
      notes.push(`${r.clientOrderId}: the exchange's order ${o.orderId} is on ${o.ticker}, the journal says ${r.ticker}; left as is`);
      continue;
    }
    let res: Resolution;
    if (r.status === 'resting') {
      if (!o) {
        notes.push(`${r.clientOrderId}: resting in the journal but not in the orders walk; left resting`);
        continue;
      }
      res = resolveUnknown({ status: 'found', order: o }, null);
    } else if (o) {
      res = resolveUnknown({ status: 'found', order: o }, null);
    } else if (r.sentAtMs === null && r.firstSentAtMs === null) {
      if (r.status !== 'pending_submit' || !isPast(r, input.current)) continue; // the order path sends or skips it
      transitions.push({
        clientOrderId: r.clientOrderId, from: r.status, to: 'skipped', exchangeOrderId: null, skipCode: REASON.never_sent_guard,
        detail: `reconciliation: never sent (no send recorded; no exchange order with this client_order_id in the complete walk) in a past cycle (${r.firstRunId} cycle ${r.cycle})`,
      });
      continue;
    } else if (input.asOfMs === null || input.asOfTime === null) {
      res = resolveUnknown({ status: 'cannot_tell', reason: 'unreadable user_data_timestamp', asOfTime: null }, notBeforeMs(r));
    } else if (input.ordersCutoffMs === null || (r.firstSentAtMs ?? r.sentAtMs ?? 0) < input.ordersCutoffMs) {
      const why = input.ordersCutoffMs === null
        ? 'the historical cutoff (GET /historical/cutoff) was unreadable'
        : `first sent ${new Date(r.firstSentAtMs ?? r.sentAtMs ?? 0).toISOString()}, before the historical order cutoff ${new Date(input.ordersCutoffMs).toISOString()}: a canceled/executed order would be only in /historical/orders`;
      res = resolveUnknown({ status: 'cannot_tell', reason: why, asOfTime: input.asOfTime }, notBeforeMs(r));
      pastCutoff.push(r.clientOrderId);
      notes.push(`${r.clientOrderId}: absent from the orders walk but ${why}; stays unknown (look it up by hand)`);
    } else {
      res = resolveUnknown({ status: 'absent', asOfTime: input.asOfTime, asOfMs: input.asOfMs }, notBeforeMs(r));
    }
    if (res.status === r.status) continue; // nothing new (still resting / still unknown)
    transitions.push({ clientOrderId: r.clientOrderId, from: r.status, to: res.status, exchangeOrderId: 'exchangeOrderId' in res ? res.exchangeOrderId : null, detail: `reconciliation: ${res.detail}` });
  }
  return { transitions, pastCutoff, notes };
}
