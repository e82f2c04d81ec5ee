/**
 * Decoding V2 order request bodies the way the exchange's Go decoder does: JSON numbers where strings are expected
 * (and the like) fail the whole body with a flat 400 `bad_request`; then field validation (nested errors).
 */
import { Centis, Micros, parseCount, parseDollars } from '../domain/fixed';
import { errors } from './errors';
import type { CreateInput } from './exchange';
import type { BookSide, StpType, TimeInForce } from './types';

type GoType = 'string' | 'bool' | 'int64' | 'int';
const CREATE_FIELDS: Record<string, GoType> = {
  ticker: 'string', side: 'string', count: 'string', price: 'string', time_in_force: 'string',
  self_trade_prevention_type: 'string', client_order_id: 'string', expiration_time: 'int64', post_only: 'bool',
  reduce_only: 'bool', cancel_order_on_pause: 'bool', subaccount: 'int', order_group_id: 'string', exchange_index: 'int',
};
const AMEND_FIELDS: Record<string, GoType> = {
  ticker: 'string', side: 'string', price: 'string', count: 'string', client_order_id: 'string',
  updated_client_order_id: 'string', exchange_index: 'int',
};
const DECREASE_FIELDS: Record<string, GoType> = { reduce_by: 'string', reduce_to: 'string', exchange_index: 'int' };

function jsonKind(v: unknown): string {
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v;
}

/** Parse a raw body into an object or throw the flat decode error. */
export function decodeBody(raw: string): Record<string, unknown> {
  if (raw.trim() === '') throw errors.decode('EOF');
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw errors.decode('invalid character in request body looking for beginning of value');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw errors.decode(`json: cannot unmarshal ${jsonKind(v)} into Go value of type map`);
  return v as Record<string, unknown>;
}

/** Go-style field type check in document order. */
export function checkTypes(obj: Record<string, unknown>, fields: Record<string, GoType>, goStruct: string): void {
  for (const [k, v] of Object.entries(obj)) {
    const t = fields[k];
    if (!t || v === null) continue;
    const kind = jsonKind(v);
    const ok = t === 'string' ? kind === 'string' : t === 'bool' ? kind === 'bool' : kind === 'number' && Number.isInteger(v);
    if (!ok) {
      const what = kind === 'number' && (t === 'int' || t === 'int64') ? `number ${String(v)}` : kind;
      throw errors.decode(`json: cannot unmarshal ${what} into Go struct field ${goStruct}.${k} of type ${t}`);
    }
  }
}

function required(obj: Record<string, unknown>, goStruct: string, fields: string[]): void {
  for (const f of fields) {
    if (obj[f] === undefined || obj[f] === null || obj[f] === '') {
      const field = f.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
      throw errors.invalidParameters(`Key: '${goStruct}.${field}' Error:Field validation for '${field}' failed on the 'required' tag`);
    }
  }
}

function oneOf<T extends string>(obj: Record<string, unknown>, goStruct: string, f: string, values: readonly T[]): T {
  const v = obj[f] as string;
  if (!values.includes(v as T)) {
    const field = f.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('');
    throw errors.invalidParameters(`Key: '${goStruct}.${field}' Error:Field validation for '${field}' failed on the 'oneof' tag`);
  }
  return v as T;
}

export function priceOf(v: unknown): Micros {
  try {
    return parseDollars(v, 'price');
  } catch {
    throw errors.invalidPrice();
  }
}

export function countOf(v: unknown): Centis {
  try {
    return parseCount(v, 'count');
  } catch {
    throw errors.invalidOrderSize();
  }
}

/** Subaccounts 0 (primary) … 63 (kalshi-api.md §4.1); the simulator treats every one as existing. */
export const MAX_SUBACCOUNT = 63;

const TIFS = ['good_till_canceled', 'immediate_or_cancel', 'fill_or_kill'] as const;
const STPS = ['taker_at_cross', 'maker'] as const;
const SIDES = ['bid', 'ask'] as const;

/** Validate one decoded create body (types already checked). */
export function toCreateInput(obj: Record<string, unknown>): CreateInput {
  const S = 'CreateOrderV2Request';
  required(obj, S, ['ticker', 'side', 'count', 'price', 'time_in_force', 'self_trade_prevention_type']);
  const side = oneOf<BookSide>(obj, S, 'side', SIDES);
  const tif = oneOf<TimeInForce>(obj, S, 'time_in_force', TIFS);
  const stp = oneOf<StpType>(obj, S, 'self_trade_prevention_type', STPS);
  const sub = obj.subaccount ?? 0;
  if (typeof sub !== 'number' || !Number.isInteger(sub) || sub < 0 || sub > MAX_SUBACCOUNT) throw errors.invalidParameters('subaccount not found');
  return {
    ticker: obj.ticker as string,
    side,
    priceYes: priceOf(obj.price),
    count: countOf(obj.count),
    tif,
    stp,
    clientOrderId: typeof obj.client_order_id === 'string' && obj.client_order_id !== '' ? obj.client_order_id : undefined,
    subaccount: sub,
    expirationSec: typeof obj.expiration_time === 'number' ? obj.expiration_time : undefined,
    postOnly: obj.post_only === true,
    reduceOnly: obj.reduce_only === true,
    cancelOnPause: obj.cancel_order_on_pause === true,
    orderGroupId: typeof obj.order_group_id === 'string' && obj.order_group_id !== '' ? obj.order_group_id : undefined,
  };
}

export function decodeCreate(raw: string): CreateInput {
  const obj = decodeBody(raw);
  checkTypes(obj, CREATE_FIELDS, 'CreateOrderV2Request');
  return toCreateInput(obj);
}

export function decodeBatchCreate(raw: string): Array<Record<string, unknown>> {
  const obj = decodeBody(raw);
  const orders = obj.orders;
  if (!Array.isArray(orders)) {
    if (orders === undefined || orders === null) throw errors.invalidParameters(`Key: 'BatchCreateOrdersV2Request.Orders' Error:Field validation for 'Orders' failed on the 'required' tag`);
    throw errors.decode(`json: cannot unmarshal ${jsonKind(orders)} into Go struct field BatchCreateOrdersV2Request.orders of type []CreateOrderV2Request`);
  }
  orders.forEach((o) => {
    if (typeof o !== 'object' || o === null || Array.isArray(o)) throw errors.decode(`json: cannot unmarshal ${jsonKind(o)} into Go struct field BatchCreateOrdersV2Request.orders of type CreateOrderV2Request`);
    checkTypes(o as Record<string, unknown>, CREATE_FIELDS, 'BatchCreateOrdersV2Request.orders');
  });
  return orders as Array<Record<string, unknown>>;
}

export function decodeAmend(raw: string) {
  const obj = decodeBody(raw);
  const S = 'AmendOrderV2Request';
  checkTypes(obj, AMEND_FIELDS, S);
  required(obj, S, ['ticker', 'side', 'price', 'count']);
  return {
    ticker: obj.ticker as string,
    side: oneOf<BookSide>(obj, S, 'side', SIDES),
    priceYes: priceOf(obj.price),
    count: countOf(obj.count),
    clientOrderId: obj.client_order_id as string | undefined,
    updatedClientOrderId: obj.updated_client_order_id as string | undefined,
  };
}

export function decodeDecrease(raw: string): { reduceBy?: Centis; reduceTo?: Centis } {
  const obj = decodeBody(raw);
  checkTypes(obj, DECREASE_FIELDS, 'DecreaseOrderV2Request');
  const by = obj.reduce_by ?? undefined;
  const to = obj.reduce_to ?? undefined;
  if ((by === undefined) === (to === undefined)) throw errors.invalidParameters('exactly one of reduce_by or reduce_to must be provided');
  return { reduceBy: by !== undefined ? countOf(by) : undefined, reduceTo: to !== undefined ? countOf(to) : undefined };
}
