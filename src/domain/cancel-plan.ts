/**
 * Which resting orders of a live lane to cancel, and why (issue 9 "Exchange-side backstops and stopping";
 * docs/journal.md "Cancels"). Pure: no I/O, no clock — the caller passes the venue time. Importable by workflow code.
 *
 * Reasons:
 *   ttl / before_close   the routine sweep of every live cycle: an order is due when it has rested
 *                        `execution.order_ttl_seconds` (from its first send) — `ttl` — or when its market closes within
 *                        `execution.cancel_before_close_seconds` (close − now ≤ margin) — `before_close`. Not due: kept.
 *   kill_switch / stop   every resting order of the lane (the kill switch engaged with cancelResting; `stop
 *                        --cancel-resting`).
 *   panic                every resting order of the lane; with `all` every resting order of the account.
 *
 * The lane's orders: journal rows in `resting` (plus `unknown` / `pending_submit` rows the exchange lists as resting),
 * and exchange orders whose client_order_id starts with one of the lane's prefixes (`ka1<first run id hex>-` of every
 * first run id the journal holds). Anything else is FOREIGN and never cancelled — except by `panic --all`.
 * An order is cancelled by its exchange order id; a journal row without one that the exchange does not list cannot be
 * cancelled (reported as `no_order_id`: reconciliation will find it, and its expiration_time kills it on the exchange).
 */

export type CancelReason = 'ttl' | 'before_close' | 'kill_switch' | 'stop' | 'panic';
export const CANCEL_REASONS: readonly CancelReason[] = Object.freeze(['ttl', 'before_close', 'kill_switch', 'stop', 'panic'] as CancelReason[]);

/** The order's own expiration_time is this long before its market's close (src/domain/order-request.ts). */
export const EXPIRATION_BEFORE_CLOSE_MS = 60_000;

/** The journal facts the plan needs (a JournalRow fits). */
export interface CancelJournalRow {
  clientOrderId: string;
  ticker: string;
  status: string;
  exchangeOrderId: string | null;
  firstSentAtMs: number | null;
  sentAtMs: number | null;
  createdAtMs: number;
}

/** A resting order as the exchange lists it. */
export interface CancelExchangeOrder {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  status: string;
  /** Parsed created_time (ms), null when absent or unreadable. */
  createdAtMs: number | null;
}

export interface CancelPlanInput {
  reason: CancelReason;
  /** Venue (exchange-clock) time, ms. */
  nowMs: number;
  orderTtlSeconds: number;
  cancelBeforeCloseSeconds: number;
  /** Each market's close time (ms); absent or null = unknown (only the TTL can make its orders due). */
  closeTimeMs: Readonly<Record<string, number | null>>;
  journal: readonly CancelJournalRow[];
  /** The account's resting orders (the lane's subaccount); [] when not read. */
  exchange: readonly CancelExchangeOrder[];
  /** Client-order-id prefixes of the lane (lanePrefix of each first run id it knows). */
  prefixes: readonly string[];
  /** panic --all: every resting order of the account, the lane's or not. */
  all?: boolean;
}

export interface PlannedCancel {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  why: CancelReason;
  /** The journal holds this order (its row is updated from the cancel's answer). */
  inJournal: boolean;
  /** Not the lane's (only with `all`). */
  foreign: boolean;
}

export interface CancelPlan {
  cancel: PlannedCancel[];
  /** The lane's resting orders not due yet (routine sweep only). */
  kept: number;
  /** Resting orders without the lane's prefix left alone. */
  foreignLeft: number;
  /** Journal rows that rest but have no exchange order id the cancel could use. */
  noOrderId: string[];
}

/** Does this client_order_id carry one of the lane's prefixes? */
export function isLaneOrder(clientOrderId: string | null, prefixes: readonly string[]): boolean {
  return clientOrderId !== null && prefixes.some((p) => p.length > 0 && clientOrderId.startsWith(p));
}

/** Why a resting order is due in the routine sweep (null: keep it). TTL first: it is the order's own lifetime. */
export function dueReason(o: { sentAtMs: number | null; ticker: string }, i: Pick<CancelPlanInput, 'nowMs' | 'orderTtlSeconds' | 'cancelBeforeCloseSeconds' | 'closeTimeMs'>): 'ttl' | 'before_close' | null {
  if (o.sentAtMs !== null && i.nowMs - o.sentAtMs >= i.orderTtlSeconds * 1000) return 'ttl';
  const close = i.closeTimeMs[o.ticker];
  if (typeof close === 'number' && close - i.nowMs <= i.cancelBeforeCloseSeconds * 1000) return 'before_close';
  return null;
}

export function checkCancelPlanInput(i: CancelPlanInput): void {
  if (!CANCEL_REASONS.includes(i.reason)) throw new RangeError(`cancel plan: reason must be one of ${CANCEL_REASONS.join(', ')} (got ${JSON.stringify(i.reason)})`);
  if (!Number.isSafeInteger(i.nowMs) || i.nowMs < 0) throw new RangeError(`cancel plan: nowMs must be a non-negative integer (got ${String(i.nowMs)})`);
  if (!Number.isSafeInteger(i.orderTtlSeconds) || i.orderTtlSeconds < 1) throw new RangeError(`cancel plan: execution.order_ttl_seconds must be an integer ≥ 1 (got ${String(i.orderTtlSeconds)})`);
  if (!Number.isSafeInteger(i.cancelBeforeCloseSeconds) || i.cancelBeforeCloseSeconds * 1000 <= EXPIRATION_BEFORE_CLOSE_MS) {
    throw new RangeError(`cancel plan: execution.cancel_before_close_seconds must be an integer > ${EXPIRATION_BEFORE_CLOSE_MS / 1000} (got ${String(i.cancelBeforeCloseSeconds)})`);
  }
  if (i.all && i.reason !== 'panic') throw new RangeError('cancel plan: `all` (every order of the account) is for panic only');
}

export function planCancels(i: CancelPlanInput): CancelPlan {
  checkCancelPlanInput(i);
  const routine = i.reason === 'ttl' || i.reason === 'before_close';
  const out: CancelPlan = { cancel: [], kept: 0, foreignLeft: 0, noOrderId: [] };
  const byClientId = new Map<string, CancelExchangeOrder>();
  for (const o of i.exchange) if (o.status === 'resting' && o.clientOrderId) byClientId.set(o.clientOrderId, o);
  const planned = new Set<string>();
  const consider = (orderId: string, clientOrderId: string | null, ticker: string, sentAtMs: number | null, inJournal: boolean, foreign: boolean) => {
    if (planned.has(orderId)) return;
    let why: CancelReason | null = i.reason;
    if (routine) why = dueReason({ sentAtMs, ticker }, i);
    if (why === null) {
      out.kept += 1;
      return;
    }
    planned.add(orderId);
    out.cancel.push({ orderId, clientOrderId, ticker, why, inJournal, foreign });
  };

  const journalIds = new Set<string>();
  for (const r of i.journal) {
    journalIds.add(r.clientOrderId);
    const listed = byClientId.get(r.clientOrderId);
    // A row the exchange lists as resting counts whatever the journal says yet (an unknown that is in fact resting);
    // a journal `resting` row counts even when the listing (which lags) does not show it: a 404 then says it is gone.
    if (r.status !== 'resting' && !(listed && (r.status === 'unknown' || r.status === 'pending_submit'))) continue;
    const orderId = r.exchangeOrderId ?? listed?.orderId ?? null;
    if (orderId === null) {
      out.noOrderId.push(r.clientOrderId);
      continue;
    }
    consider(orderId, r.clientOrderId, r.ticker, r.firstSentAtMs ?? r.sentAtMs ?? r.createdAtMs, true, false);
  }
  for (const o of i.exchange) {
    if (o.status !== 'resting' || planned.has(o.orderId)) continue;
    if (o.clientOrderId !== null && journalIds.has(o.clientOrderId)) continue; // judged with its journal row above
    const lane = isLaneOrder(o.clientOrderId, i.prefixes);
    if (!lane && !i.all) {
      out.foreignLeft += 1;
      continue;
    }
    consider(o.orderId, o.clientOrderId, o.ticker, o.createdAtMs, false, !lane);
  }
  return out;
}
