/** V2 order writes (create, cancel, amend, decrease, batched) and the switched-off legacy endpoints (410). */
import { formatCount } from '../domain/fixed';
import { ApiError, errors } from './errors';
import type { CreateInput } from './exchange';
import { decodeAmend, decodeBatchCreate, decodeBody, decodeCreate, decodeDecrease, toCreateInput } from './order-request';
import { parseIntParam } from './query';
import { Ctx, Route, ok } from './router';
import { fillSummaryJson, sortKeys } from './wire';

function logReceived(ctx: Ctx, endpoint: string, body: Record<string, unknown> | null, status: number, errorCode: string | null, orderId: string | null) {
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  ctx.received.push(ctx.core.recordReceived({
    key_id: ctx.keyId!, endpoint, client_order_id: str(body?.client_order_id), ticker: str(body?.ticker), side: str(body?.side),
    price: body?.price ?? null, count: body?.count ?? null, time_in_force: str(body?.time_in_force),
    received_at_ms: ctx.core.exchange.nowMs, wall_ms: ctx.core.opts.wallNow(), status,
    outcome: orderId ? 'created' : 'rejected', error_code: errorCode, order_id: orderId,
  }));
}

function errorCode(e: ApiError): string {
  const b = e.body as { error?: { code?: string } | string; code?: string };
  if (b && typeof b.error === 'object') return b.error.code ?? 'error';
  return b?.code ?? 'error';
}

function safeBody(raw: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(raw);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

function createOne(ctx: Ctx, inp: CreateInput) {
  const { order, fills } = ctx.core.exchange.createOrder(ctx.accountId!, inp);
  return sortKeys({
    ...fillSummaryJson(fills.fillCount, fills.fillCost, fills.fees),
    client_order_id: order.clientOrderId,
    fill_count: formatCount(fills.fillCount),
    order_id: order.orderId,
    remaining_count: formatCount(order.remaining),
    ts_ms: ctx.core.exchange.nowMs,
  });
}

const legacy = (method: string, pattern: string): Route => ({ method, pattern, auth: true, handler: () => { throw errors.deprecatedV1(); } });

export const orderRoutes: Route[] = [
  { method: 'POST', pattern: '/portfolio/events/orders', auth: true, create: true, handler: (ctx) => {
    const body = safeBody(ctx.rawBody);
    try {
      const ack = createOne(ctx, decodeCreate(ctx.rawBody));
      logReceived(ctx, 'create', body, 201, null, ack.order_id as string);
      return ok(ack, 201);
    } catch (e) {
      if (e instanceof ApiError) logReceived(ctx, 'create', body, e.status, errorCode(e), null);
      throw e;
    }
  } },
  { method: 'POST', pattern: '/portfolio/events/orders/batched', auth: true, create: true, handler: (ctx) => {
    const items = decodeBatchCreate(ctx.rawBody);
    const out = items.map((item) => {
      try {
        const ack = createOne(ctx, toCreateInput(item));
        logReceived(ctx, 'batch_create', item, 201, null, ack.order_id as string);
        return ack;
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        logReceived(ctx, 'batch_create', item, e.status, errorCode(e), null);
        const b = e.body as { error?: unknown };
        const error = b && typeof b.error === 'object' ? b.error : b;
        return { client_order_id: typeof item.client_order_id === 'string' ? item.client_order_id : null, error, fill_count: null, order_id: '', remaining_count: null, ts_ms: null };
      }
    });
    return ok({ orders: out }, 201);
  } },
  { method: 'DELETE', pattern: '/portfolio/events/orders/batched', auth: true, handler: (ctx) => {
    const body = decodeBody(ctx.rawBody);
    const list = Array.isArray(body.orders) ? body.orders : Array.isArray(body.ids) ? body.ids.map((id: unknown) => ({ order_id: id })) : null;
    if (!list) throw errors.invalidParameters(`Key: 'BatchCancelOrdersV2Request.Orders' Error:Field validation for 'Orders' failed on the 'required' tag`);
    const ex = ctx.core.exchange;
    return ok({ orders: list.map((it: { order_id?: unknown; subaccount?: unknown }) => {
      const id = String(it?.order_id ?? '');
      try {
        const { order, reducedBy } = ex.cancelOrder(ctx.accountId!, id, typeof it?.subaccount === 'number' ? it.subaccount : 0);
        return sortKeys({ client_order_id: order.clientOrderId, order_id: id, reduced_by: formatCount(reducedBy), ts_ms: ex.nowMs });
      } catch (e) {
        if (!(e instanceof ApiError)) throw e;
        return { error: (e.body as { error: unknown }).error, order_id: id, reduced_by: '0.00' };
      }
    }) });
  } },
  { method: 'DELETE', pattern: '/portfolio/events/orders/:order_id', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    // `subaccount` omitted = the primary (0): an order of another subaccount answers 404 (docs/simulator.md).
    const { reducedBy } = ex.cancelOrder(ctx.accountId!, ctx.params.order_id, parseIntParam(ctx.query, 'subaccount') ?? 0);
    // The recorded ack omits client_order_id.
    return ok({ order_id: ctx.params.order_id, reduced_by: formatCount(reducedBy), ts_ms: ex.nowMs });
  } },
  { method: 'POST', pattern: '/portfolio/events/orders/:order_id/amend', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const a = decodeAmend(ctx.rawBody);
    const { order, fills, changed } = ex.amendOrder(ctx.accountId!, ctx.params.order_id, a);
    const extra = changed || fills.fillCount > 0 ? { fill_count: formatCount(fills.fillCount), remaining_count: formatCount(order.remaining) } : {};
    return ok(sortKeys({ ...fillSummaryJson(fills.fillCount, fills.fillCost, fills.fees), ...extra, client_order_id: order.clientOrderId, order_id: order.orderId, ts_ms: ex.nowMs }));
  } },
  { method: 'POST', pattern: '/portfolio/events/orders/:order_id/decrease', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const d = decodeDecrease(ctx.rawBody);
    const o = ex.decreaseOrder(ctx.accountId!, ctx.params.order_id, d.reduceBy, d.reduceTo);
    return ok(sortKeys({ client_order_id: o.clientOrderId, order_id: o.orderId, remaining_count: formatCount(o.remaining), ts_ms: ex.nowMs }));
  } },
  legacy('POST', '/portfolio/orders'),
  legacy('POST', '/portfolio/orders/batched'),
  legacy('DELETE', '/portfolio/orders/batched'),
  legacy('DELETE', '/portfolio/orders/:order_id'),
  legacy('POST', '/portfolio/orders/:order_id/amend'),
  legacy('POST', '/portfolio/orders/:order_id/decrease'),
];
