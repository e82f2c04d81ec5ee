/**
 * Batch create/cancel acks → per-item results (kalshi-api.md §4.7). A batch create answers one item per order sent,
 * in order; each item is an ack or an `error` object without an HTTP status.
 *
 * Only a KNOWN refusal code makes an item `rejected` (errors.ts classifyItemError); a missing code, an internal error,
 * an unfamiliar code or an error-free item without an order id is `unknown`. A response whose item count (or
 * client_order_id sequence) does not match what was sent cannot be mapped to our orders at all: it throws
 * KalshiParseError, which the client reports as an `unknown` call (any of the orders may exist).
 */
import type { z } from 'zod';
import { parseCount } from '../../domain/fixed';
import { classifyItemError, KalshiParseError } from './errors';
import { toCreateAck } from './parse';
import type * as T from './types';
import type * as W from './wire-schemas';

type ItemErrorWire = { code?: string | null; message?: string | null; details?: unknown } | null | undefined;

function itemError(e: ItemErrorWire): T.BatchItemError | null {
  if (!e) return null;
  const code = e.code || 'unknown_error';
  return { code, message: e.message || code, details: e.details == null ? null : typeof e.details === 'string' ? e.details : JSON.stringify(e.details) };
}

/** `sentClientOrderIds[i]` is the client_order_id of the i-th order in the request body. */
export function toBatchCreate(w: z.infer<typeof W.BatchCreateAckWire>, sentClientOrderIds: readonly string[]): T.BatchCreateItem[] {
  if (w.orders.length !== sentClientOrderIds.length) {
    throw new KalshiParseError(`batch create answered ${w.orders.length} items for ${sentClientOrderIds.length} orders sent; cannot tell which orders exist`);
  }
  return w.orders.map((o, i) => {
    const sent = sentClientOrderIds[i];
    if (o.client_order_id && o.client_order_id !== sent) {
      throw new KalshiParseError(`batch create item ${i} names client_order_id ${JSON.stringify(o.client_order_id)}, sent ${JSON.stringify(sent)}; cannot map items to orders`);
    }
    const error = itemError(o.error);
    if (error) return { clientOrderId: sent, ack: null, error, outcome: classifyItemError(o.error?.code) };
    if (!o.order_id || o.fill_count == null || o.remaining_count == null) {
      const missing = { code: 'unreadable_item', message: 'batch create item without error lacks order_id/fill_count/remaining_count', details: null };
      return { clientOrderId: sent, ack: null, error: missing, outcome: 'unknown' };
    }
    const ack = toCreateAck({ ...o, order_id: o.order_id, fill_count: o.fill_count, remaining_count: o.remaining_count });
    return { clientOrderId: sent, ack, error: null, outcome: 'ok' };
  });
}

export function toBatchCancel(w: z.infer<typeof W.BatchCancelAckWire>): T.BatchCancelItem[] {
  return w.orders.map((o) => ({
    orderId: o.order_id,
    clientOrderId: o.client_order_id ? o.client_order_id : null,
    reducedBy: o.reduced_by == null || o.reduced_by === '' ? 0 : parseCount(o.reduced_by, 'reduced_by'),
    tsMs: o.ts_ms ?? null,
    error: itemError(o.error),
  }));
}
