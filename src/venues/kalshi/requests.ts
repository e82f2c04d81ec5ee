/**
 * Domain order intents → V2 wire request bodies (kalshi-api.md §4.6–§4.7). Pure; validated locally so an obviously
 * invalid order never reaches the exchange. Prices and counts are strings, as V2 requires.
 */
import { Centis, formatCount, Micros } from '../../domain/fixed';
import { Action, Side, toWireDirection } from './direction';
import type { SelfTradePrevention, TimeInForce } from './types';

export interface CreateOrderInput {
  ticker: string;
  side: Side;
  action: Action;
  /** Limit price in the side's own terms. */
  price: Micros;
  count: Centis;
  timeInForce: TimeInForce;
  selfTradePrevention: SelfTradePrevention;
  /** Idempotency key. Required: a create without one could never be reconciled. */
  clientOrderId: string;
  /** Unix seconds; only with good_till_canceled. */
  expirationTime?: number;
  orderGroupId?: string;
  cancelOrderOnPause?: boolean;
  subaccount?: number;
  postOnly?: boolean;
  reduceOnly?: boolean;
}

export interface AmendOrderInput {
  orderId: string;
  ticker: string;
  side: Side;
  action: Action;
  price: Micros;
  /** Updated total = already filled + desired resting remainder. */
  count: Centis;
  clientOrderId?: string;
  updatedClientOrderId?: string;
  subaccount?: number;
}

export type DecreaseOrderInput = { orderId: string; subaccount?: number } & ({ reduceBy: Centis; reduceTo?: never } | { reduceTo: Centis; reduceBy?: never });

export class OrderRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderRequestError';
  }
}

const TIFS: readonly TimeInForce[] = ['good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'];
const STPS: readonly SelfTradePrevention[] = ['taker_at_cross', 'maker'];

function positiveCount(c: Centis, field: string): string {
  if (!Number.isSafeInteger(c) || c <= 0) throw new OrderRequestError(`${field} must be a positive whole number of centi-contracts, got ${c}`);
  return formatCount(c);
}

function nonNegativeInt(n: number, field: string): number {
  if (!Number.isSafeInteger(n) || n < 0) throw new OrderRequestError(`${field} must be a non-negative integer, got ${n}`);
  return n;
}

export function buildCreateOrderBody(i: CreateOrderInput): Record<string, unknown> {
  if (!i.ticker) throw new OrderRequestError('ticker is required');
  if (!i.clientOrderId) throw new OrderRequestError('clientOrderId is required (idempotency key)');
  if (!TIFS.includes(i.timeInForce)) throw new OrderRequestError(`timeInForce must be one of ${TIFS.join(', ')}`);
  if (!STPS.includes(i.selfTradePrevention)) throw new OrderRequestError(`selfTradePrevention must be one of ${STPS.join(', ')}`);
  const wire = toWireDirection({ side: i.side, action: i.action, price: i.price });
  const body: Record<string, unknown> = {
    ticker: i.ticker,
    side: wire.side,
    price: wire.price,
    count: positiveCount(i.count, 'count'),
    time_in_force: i.timeInForce,
    self_trade_prevention_type: i.selfTradePrevention,
    client_order_id: i.clientOrderId,
  };
  if (i.expirationTime !== undefined) {
    if (i.timeInForce !== 'good_till_canceled') throw new OrderRequestError('expirationTime is only valid with good_till_canceled');
    body.expiration_time = nonNegativeInt(i.expirationTime, 'expirationTime');
  }
  if (i.orderGroupId !== undefined) body.order_group_id = i.orderGroupId;
  if (i.cancelOrderOnPause !== undefined) body.cancel_order_on_pause = i.cancelOrderOnPause;
  if (i.subaccount !== undefined) body.subaccount = nonNegativeInt(i.subaccount, 'subaccount');
  if (i.postOnly !== undefined) body.post_only = i.postOnly;
  if (i.reduceOnly !== undefined) body.reduce_only = i.reduceOnly;
  return body;
}

export function buildAmendOrderBody(i: AmendOrderInput): Record<string, unknown> {
  if (!i.ticker) throw new OrderRequestError('ticker is required');
  const wire = toWireDirection({ side: i.side, action: i.action, price: i.price });
  const body: Record<string, unknown> = { ticker: i.ticker, side: wire.side, price: wire.price, count: positiveCount(i.count, 'count') };
  if (i.clientOrderId !== undefined) body.client_order_id = i.clientOrderId;
  if (i.updatedClientOrderId !== undefined) body.updated_client_order_id = i.updatedClientOrderId;
  return body;
}

export function buildDecreaseOrderBody(i: DecreaseOrderInput): Record<string, unknown> {
  const hasBy = i.reduceBy !== undefined;
  const hasTo = i.reduceTo !== undefined;
  if (hasBy === hasTo) throw new OrderRequestError('exactly one of reduceBy / reduceTo is required');
  if (hasBy) return { reduce_by: positiveCount(i.reduceBy!, 'reduceBy') };
  if (!Number.isSafeInteger(i.reduceTo!) || i.reduceTo! < 0) throw new OrderRequestError(`reduceTo must be >= 0 centi-contracts`);
  return { reduce_to: formatCount(i.reduceTo!) };
}

export function buildBatchCancelBody(orders: readonly { orderId: string; subaccount?: number }[]): Record<string, unknown> {
  if (orders.length === 0) throw new OrderRequestError('batch cancel needs at least one order');
  return {
    orders: orders.map((o) => {
      if (!o.orderId) throw new OrderRequestError('orderId is required');
      const item: Record<string, unknown> = { order_id: o.orderId };
      if (o.subaccount !== undefined) item.subaccount = nonNegativeInt(o.subaccount, 'subaccount');
      return item;
    }),
  };
}
