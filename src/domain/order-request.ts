/**
 * The exact V2 create body of an intent (issue 9 "The order"), built ONCE and journaled before the send; a resend
 * sends those same bytes. Pure (importable by workflow code).
 *
 * The bytes are `JSON.stringify(buildCreateOrderBody(input))` — the very expression KalshiClient.createOrder → http
 * sends — so the journal holds what goes on the wire. The key order is canonical because the builder's is fixed:
 *   ticker, side, price, count, time_in_force, self_trade_prevention_type, client_order_id, expiration_time,
 *   [order_group_id], cancel_order_on_pause, [subaccount], reduce_only
 * For a resend, `inputFromStoredBody` turns the stored bytes back into the CreateOrderInput and REFUSES (throws) if
 * rebuilding it would not give the identical bytes (a builder changed between versions): then the row is resolved by
 * the orders walk, never by a different body.
 *
 * Fields: good_till_canceled; expiration_time = min(now + TTL, close − 60 s) in Unix seconds (floored, so never
 * later) from the EXCHANGE clock in ms (the venue-clock port); cancel_order_on_pause true; self_trade_prevention_type
 * taker_at_cross; reduce_only true on exits (false on entries); client_order_id. A market closing within 60 s (the
 * expiration would not be in the future) is refused with min_time_to_close_guard.
 */
import type { Centis, Micros } from './fixed';
import { formatDollarsExact } from './fixed';
import { REASON } from './reason-codes';
import type { Action, Side } from './trading-types';
import { buildCreateOrderBody, CreateOrderInput } from '../venues/kalshi/requests';

/** An order must be dead on the exchange this long before its market closes. */
export const CLOSE_MARGIN_MS = 60_000;

export interface OrderRequestParams {
  clientOrderId: string;
  ticker: string;
  side: Side;
  action: Action;
  /** The revalidated limit, side's terms. */
  priceMicros: Micros;
  countCentis: Centis;
  /** Exits. */
  reduceOnly: boolean;
  /** Exchange-clock now (ms), from the venue-clock port — never an activity input a retry may have made old. */
  nowMs: number;
  orderTtlSeconds: number;
  /** The market's close (exchange ms); null = unknown (TTL only). */
  closeTimeMs: number | null;
  subaccount?: number;
  orderGroupId?: string;
}

export interface OrderRequest {
  input: CreateOrderInput;
  /** The exact bytes to journal and send. */
  body: string;
  /** Unix seconds. */
  expirationTime: number;
}

export interface OrderRequestRefusal {
  refused: true;
  code: string;
  detail: string;
}

/** expiration_time in Unix seconds: floor(min(now + TTL, close − 60 s) / 1000). */
export function expirationSeconds(nowMs: number, orderTtlSeconds: number, closeTimeMs: number | null): number {
  if (!Number.isSafeInteger(nowMs) || nowMs < 0) throw new RangeError(`nowMs must be epoch ms (got ${nowMs})`);
  if (!Number.isSafeInteger(orderTtlSeconds) || orderTtlSeconds < 1) throw new RangeError(`order_ttl_seconds must be an integer ≥ 1 (got ${orderTtlSeconds})`);
  if (closeTimeMs !== null && !Number.isSafeInteger(closeTimeMs)) throw new RangeError(`closeTimeMs must be epoch ms or null`);
  const ttlEnd = nowMs + orderTtlSeconds * 1000;
  const end = closeTimeMs === null ? ttlEnd : Math.min(ttlEnd, closeTimeMs - CLOSE_MARGIN_MS);
  return Math.floor(end / 1000);
}

export function buildOrderRequest(p: OrderRequestParams): OrderRequest | OrderRequestRefusal {
  const expirationTime = expirationSeconds(p.nowMs, p.orderTtlSeconds, p.closeTimeMs);
  if (expirationTime * 1000 <= p.nowMs) {
    return {
      refused: true, code: REASON.min_time_to_close_guard,
      detail: `market closes at ${p.closeTimeMs === null ? '?' : new Date(p.closeTimeMs).toISOString()}: an order must expire ${CLOSE_MARGIN_MS / 1000} s before, which is not after now ${new Date(p.nowMs).toISOString()}`,
    };
  }
  const input: CreateOrderInput = {
    ticker: p.ticker,
    side: p.side,
    action: p.action,
    price: p.priceMicros,
    count: p.countCentis,
    timeInForce: 'good_till_canceled',
    selfTradePrevention: 'taker_at_cross',
    clientOrderId: p.clientOrderId,
    expirationTime,
    cancelOrderOnPause: true,
    reduceOnly: p.reduceOnly,
    ...(p.orderGroupId !== undefined ? { orderGroupId: p.orderGroupId } : {}),
    ...(p.subaccount !== undefined ? { subaccount: p.subaccount } : {}),
  };
  return { input, body: serializeCreate(input), expirationTime };
}

/** The bytes KalshiClient.createOrder sends for `input`. */
export function serializeCreate(input: CreateOrderInput): string {
  return JSON.stringify(buildCreateOrderBody(input));
}

export function isRefusal(x: OrderRequest | OrderRequestRefusal): x is OrderRequestRefusal {
  return (x as OrderRequestRefusal).refused === true;
}

export class StoredBodyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredBodyError';
  }
}

const str = (v: unknown, k: string): string => {
  if (typeof v !== 'string' || v === '') throw new StoredBodyError(`stored body: ${k} is not a string`);
  return v;
};

/**
 * The CreateOrderInput that re-sends `body` byte for byte, given the journal row's domain direction (the wire keeps
 * only bid/ask + YES price; the row says which of buy YES / sell NO it was). Throws StoredBodyError when the bytes
 * cannot be reproduced exactly: never resend anything else.
 */
export function inputFromStoredBody(body: string, row: { side: Side; action: Action; priceMicros: Micros; countCentis: Centis }): CreateOrderInput {
  let w: Record<string, unknown>;
  try {
    w = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new StoredBodyError('stored body is not JSON');
  }
  if (!w || typeof w !== 'object' || Array.isArray(w)) throw new StoredBodyError('stored body is not an object');
  const input: CreateOrderInput = {
    ticker: str(w.ticker, 'ticker'),
    side: row.side,
    action: row.action,
    price: row.priceMicros,
    count: row.countCentis,
    timeInForce: str(w.time_in_force, 'time_in_force') as CreateOrderInput['timeInForce'],
    selfTradePrevention: str(w.self_trade_prevention_type, 'self_trade_prevention_type') as CreateOrderInput['selfTradePrevention'],
    clientOrderId: str(w.client_order_id, 'client_order_id'),
    ...(w.expiration_time !== undefined ? { expirationTime: w.expiration_time as number } : {}),
    ...(w.order_group_id !== undefined ? { orderGroupId: w.order_group_id as string } : {}),
    ...(w.cancel_order_on_pause !== undefined ? { cancelOrderOnPause: w.cancel_order_on_pause as boolean } : {}),
    ...(w.subaccount !== undefined ? { subaccount: w.subaccount as number } : {}),
    ...(w.post_only !== undefined ? { postOnly: w.post_only as boolean } : {}),
    ...(w.reduce_only !== undefined ? { reduceOnly: w.reduce_only as boolean } : {}),
  };
  let again: string;
  try {
    again = serializeCreate(input);
  } catch (e) {
    throw new StoredBodyError(`stored body cannot be rebuilt: ${(e as Error).message}`);
  }
  if (again !== body) {
    throw new StoredBodyError(`stored body would not be re-sent byte-identical (price ${formatDollarsExact(row.priceMicros)}, count ${row.countCentis} centis): resolve it by the orders walk`);
  }
  return input;
}
