/**
 * A kill-switch / stop / panic cancel must not miss an order whose create answer was lost (docs/journal.md
 * "Cancels"): a journal `unknown` row (or a sent `pending_submit`) that the lagging resting list does not show yet is
 * looked up by its client_order_id (findOrderByClientOrderId, three-way):
 *   found resting            → cancel it (by the exchange order id found)
 *   found canceled/executed  → nothing to cancel (reconciliation records its truth)
 *   absent, proven not placed (the user-data timestamp passed the send's end, the walk complete, not before the
 *   historical cutoff) → nothing to cancel
 *   cannot_tell, a read error, no lookup available → UNRESOLVED: the caller must not call the cancel complete (the
 *   kill switch's engagement stays unserved and is tried again at the next point; `stopCancel` is incomplete).
 */
import type { Logger } from 'pino';
import { notBeforeMs, resolveUnknown } from '../domain/order-outcome';
import { safeErrorMessage } from '../observability/redact';
import type { FindOrderQuery, OrderLookup } from '../venues/kalshi/find-order';

export interface UnknownRowLike {
  clientOrderId: string;
  ticker: string;
  status: string;
  sentAtMs: number | null;
  firstSentAtMs: number | null;
  attemptEndedAtMs: number | null;
}

export type UnknownLookup =
  | { kind: 'cancel'; orderId: string }
  | { kind: 'resolved'; detail: string }
  | { kind: 'unresolved'; detail: string };

/** Rows whose outcome is open and whose bytes may have left (what the cancel must look up when the list lacks them). */
export function isOpenUnknown(r: UnknownRowLike): boolean {
  return r.status === 'unknown' || (r.status === 'pending_submit' && (r.sentAtMs !== null || r.firstSentAtMs !== null));
}

export async function lookUpUnknownForCancel(
  find: ((q: FindOrderQuery) => Promise<OrderLookup>) | undefined, r: UnknownRowLike, subaccount: number | undefined, logger: Logger,
): Promise<UnknownLookup> {
  const first = r.firstSentAtMs ?? r.sentAtMs;
  if (first === null) return { kind: 'resolved', detail: 'never sent' };
  if (!find) return { kind: 'unresolved', detail: 'no order lookup available' };
  let lookup: OrderLookup;
  try {
    lookup = await find({
      ticker: r.ticker, clientOrderId: r.clientOrderId, minTs: Math.max(0, Math.floor(first / 1000) - 120), sentAtMs: notBeforeMs(r) ?? (r.sentAtMs ?? first),
      firstSentAtMs: first, ...(subaccount !== undefined ? { subaccount } : {}),
    });
  } catch (err) {
    logger.warn({ clientOrderId: r.clientOrderId, err: safeErrorMessage(err) }, 'cancel: unknown order lookup failed');
    return { kind: 'unresolved', detail: `lookup failed: ${safeErrorMessage(err)}` };
  }
  if (lookup.status === 'found') {
    if (lookup.order.status === 'resting') return { kind: 'cancel', orderId: lookup.order.orderId };
    return { kind: 'resolved', detail: `found ${lookup.order.status}` };
  }
  const res = resolveUnknown(lookup, notBeforeMs(r));
  if (res.status === 'rejected') return { kind: 'resolved', detail: res.detail };
  return { kind: 'unresolved', detail: res.detail };
}
