/**
 * Resolve an `unknown` / `already_exists` create by its client_order_id (kalshi-api.md §4.4, §5): there is no
 * server-side client_order_id filter and fills carry no client id, so walk GET /portfolio/orders?ticker=&min_ts= to the
 * last page and match client-side.
 *
 * Three answers, because "not in the list" is not "not placed": the read surface lags the matching engine (§4.4).
 * - found: the order (it exists, whatever the freshness).
 * - absent: not in a complete walk of data the exchange says is fresh as of `asOfTime`, and that time is after the
 *   caller's `sentAtMs`. GET /portfolio/orders carries no freshness timestamp of its own; the documented source is
 *   GET /exchange/user_data_timestamp (`as_of_time`: "when the data from GetBalance, GetOrder(s), GetFills,
 *   GetPositions was last validated"). It is read BEFORE the walk, so the pages that follow are at least that fresh.
 * - cannot_tell: the exchange's data time has not passed `sentAtMs` (the order could still appear), the walk was cut
 *   short (page limit), the timestamp was unreadable, or the order was first sent before Kalshi's historical order
 *   cutoff (GET /historical/cutoff `orders_updated_ts`: a canceled/executed order older than it is only in
 *   /historical/orders — origin B11). Never treat this as absent.
 * Read errors (HTTP/transport) propagate as thrown errors, never as an answer.
 */
import type { Logger } from 'pino';
import { KalshiPaginationLimitError, PaginationOptions } from './pagination';
import type { OrderFilters } from './filters';
import type { KalshiOrder } from './types';

export interface FindOrderQuery {
  ticker: string;
  clientOrderId: string;
  /** Unix seconds: only orders created at or after this (the GET /portfolio/orders `min_ts` filter). */
  minTs: number;
  /**
   * Exchange-clock ms (the venue clock) at which the create was sent. Pass the time the attempt ENDED (response or
   * timeout) to also cover a request the exchange processed while it was in flight.
   */
  sentAtMs: number;
  /** When the order was FIRST sent (exchange-clock ms): compared with the historical cutoff. Defaults to sentAtMs. */
  firstSentAtMs?: number;
  /** The lane's subaccount: only its orders are walked (omitted = every subaccount). */
  subaccount?: number;
}

export type OrderLookup =
  | { status: 'found'; order: KalshiOrder }
  | { status: 'absent'; asOfTime: string; asOfMs: number }
  | { status: 'cannot_tell'; reason: string; asOfTime: string | null };

export interface FindOrderPorts {
  getUserDataTimestamp(): Promise<{ asOfTime: string }>;
  listOrders(f: OrderFilters, pages?: PaginationOptions): Promise<KalshiOrder[]>;
  /** GET /historical/cutoff (read before concluding absent; a read error propagates). */
  getHistoricalCutoff(): Promise<{ ordersUpdatedTime: string; ordersUpdatedMs: number }>;
  logger: Logger;
}

export async function findOrderByClientOrderId(
  ports: FindOrderPorts, q: FindOrderQuery, pages?: Omit<PaginationOptions, 'maxItems'>,
): Promise<OrderLookup> {
  if (!q.ticker || !q.clientOrderId) throw new Error('findOrderByClientOrderId needs ticker and clientOrderId');
  if (!Number.isSafeInteger(q.minTs) || q.minTs < 0) throw new RangeError('minTs must be Unix seconds');
  if (!Number.isSafeInteger(q.sentAtMs) || q.sentAtMs < 0) throw new RangeError('sentAtMs must be Unix milliseconds');
  const { asOfTime } = await ports.getUserDataTimestamp();
  let orders: KalshiOrder[];
  try {
    orders = await ports.listOrders({ ticker: q.ticker, minTs: q.minTs, limit: 1000, ...(q.subaccount !== undefined ? { subaccount: q.subaccount } : {}) }, pages);
  } catch (e) {
    if (e instanceof KalshiPaginationLimitError) return { status: 'cannot_tell', reason: `partial walk: ${e.message}`, asOfTime };
    throw e;
  }
  const hits = orders.filter((o) => o.clientOrderId === q.clientOrderId);
  if (hits.length > 1) ports.logger.warn({ ticker: q.ticker, count: hits.length }, 'several orders share one client_order_id; returning the first');
  if (hits[0]) return { status: 'found', order: hits[0] };
  const asOfMs = Date.parse(asOfTime);
  if (!Number.isFinite(asOfMs)) return { status: 'cannot_tell', reason: `unreadable user_data_timestamp ${JSON.stringify(asOfTime)}`, asOfTime };
  if (asOfMs <= q.sentAtMs) {
    return { status: 'cannot_tell', reason: `exchange data as of ${asOfTime} has not passed the send time ${new Date(q.sentAtMs).toISOString()}`, asOfTime };
  }
  const cutoff = await ports.getHistoricalCutoff();
  const first = q.firstSentAtMs ?? q.sentAtMs;
  if (first < cutoff.ordersUpdatedMs) {
    ports.logger.warn({ ticker: q.ticker, clientOrderId: q.clientOrderId, cutoff: cutoff.ordersUpdatedTime }, 'order first sent before the historical cutoff: absence from /portfolio/orders proves nothing; it stays unknown (look it up in /historical/orders)');
    return { status: 'cannot_tell', reason: `first sent ${new Date(first).toISOString()}, before the historical order cutoff ${cutoff.ordersUpdatedTime}: a canceled/executed order is only in /historical/orders`, asOfTime };
  }
  return { status: 'absent', asOfTime, asOfMs };
}
