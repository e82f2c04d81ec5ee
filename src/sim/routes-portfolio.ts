/** Authenticated read routes: balance, positions, fills, settlements, orders, account limits, order groups. */
import { parseCount } from '../domain/fixed';
import { errors } from './errors';
import { ORDER_GROUP_WINDOW_MS, wouldTriggerNow } from './order-groups';
import { checkTypes, decodeBody } from './order-request';
import { parseIntParam, parseLimit, paginate } from './query';
import { BASIC_TIER, ENDPOINT_COSTS_BODY } from './rate-limit';
import { inLiveTier } from './historical';
import { accountAt } from './read-lag';
import { Ctx, Route, ok } from './router';
import type { SimOrder } from './types';
import { balanceJson, eventPositionsJson, fillJson, groupJson, isoMicro, orderJson, positionJson, settlementJson } from './wire';

const acct = (ctx: Ctx) => ctx.core.exchange.account(ctx.accountId!);
const lag = (ctx: Ctx) => ctx.core.faults.faults.readLagMs;
/** Balance and positions as the (possibly lagged) read surface shows them. */
const acctView = (ctx: Ctx) => accountAt(acct(ctx), lag(ctx), ctx.core.exchange.nowMs);
/** Exchange time up to which reads are complete (read-lag.ts). */
const cutoff = (ctx: Ctx) => ctx.core.exchange.nowMs - lag(ctx);

function tsFilter(ctx: Ctx): (ms: number) => boolean {
  const min = parseIntParam(ctx.query, 'min_ts');
  const max = parseIntParam(ctx.query, 'max_ts');
  return (ms) => (min === undefined || ms >= min * 1000) && (max === undefined || ms <= max * 1000);
}

function userOrders(ctx: Ctx): SimOrder[] {
  const ex = ctx.core.exchange;
  const out: SimOrder[] = [];
  for (const o of ex.orders.values()) {
    if (o.accountId !== ctx.accountId) continue;
    const view = ex.readView(o, lag(ctx));
    if (view) out.push(view);
  }
  return out.sort((a, b) => b.createdMs - a.createdMs || b.seq - a.seq);
}

function parseLimitBody(ctx: Ctx, S: string): number {
  const body = ctx.rawBody.trim() === '' ? {} : decodeBody(ctx.rawBody);
  checkTypes(body, { contracts_limit: 'int64', contracts_limit_fp: 'string', subaccount: 'int', exchange_index: 'int' }, S);
  let limit: number | undefined;
  if (typeof body.contracts_limit_fp === 'string') {
    try {
      limit = parseCount(body.contracts_limit_fp, 'contracts_limit_fp');
    } catch {
      throw errors.invalidParameters('contracts_limit_fp must be a fixed-point count');
    }
  } else if (typeof body.contracts_limit === 'number') limit = body.contracts_limit * 100;
  if (limit === undefined || limit < 100) throw errors.invalidParameters(`Key: '${S}.ContractsLimit' Error:Field validation for 'ContractsLimit' failed on the 'gte' tag`);
  return limit;
}

export const portfolioRoutes: Route[] = [
  { method: 'GET', pattern: '/exchange/user_data_timestamp', auth: true, handler: (ctx) =>
    ok({ as_of_time: isoMicro(cutoff(ctx)) }) },
  { method: 'GET', pattern: '/portfolio/balance', auth: true, handler: (ctx) => ok(balanceJson(ctx.core.exchange, acctView(ctx))) },
  { method: 'GET', pattern: '/portfolio/positions', auth: true, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetPositions', 1000, 100);
    const ticker = ctx.query.get('ticker');
    const ev = ctx.query.get('event_ticker');
    const filters = (ctx.query.get('count_filter') ?? '').split(',').filter(Boolean);
    const all = [...acctView(ctx).positions.values()].filter((p) => {
      if (ticker && p.ticker !== ticker) return false;
      if (ev && p.eventTicker !== ev) return false;
      if (filters.includes('position') && p.position === 0) return false;
      if (filters.includes('total_traded') && p.totalTraded === 0) return false;
      return true;
    });
    const { page, cursor } = paginate(all, ctx.query, limit);
    return ok({ cursor, event_positions: eventPositionsJson(page), market_positions: page.map(positionJson) });
  } },
  { method: 'GET', pattern: '/portfolio/fills', auth: true, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetFills', 1000, 100);
    const ticker = ctx.query.get('ticker');
    const orderId = ctx.query.get('order_id');
    const inTs = tsFilter(ctx);
    const visible = cutoff(ctx);
    const sub = parseIntParam(ctx.query, 'subaccount');
    const all = acct(ctx).fills.filter((f) => f.createdMs <= visible && (!ticker || f.ticker === ticker) && (!orderId || f.orderId === orderId) &&
      (sub === undefined || f.subaccount === sub) && inTs(f.createdMs)).reverse();
    const { page, cursor } = paginate(all, ctx.query, limit);
    return ok({ cursor, fills: page.map(fillJson) });
  } },
  { method: 'GET', pattern: '/portfolio/settlements', auth: true, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetSettlements', 1000, 100);
    const ticker = ctx.query.get('ticker');
    const ev = ctx.query.get('event_ticker');
    const inTs = tsFilter(ctx);
    const all = acct(ctx).settlements.filter((s) => (!ticker || s.ticker === ticker) && (!ev || s.eventTicker === ev) && inTs(s.settledMs)).reverse();
    const { page, cursor } = paginate(all, ctx.query, limit);
    return ok({ cursor, settlements: page.map(settlementJson) });
  } },
  { method: 'GET', pattern: '/portfolio/orders', auth: true, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetOrders', 1000, 100);
    const ticker = ctx.query.get('ticker');
    const evs = ctx.query.get('event_ticker') ? new Set(ctx.query.get('event_ticker')!.split(',')) : null;
    const status = ctx.query.get('status');
    if (status && !['resting', 'canceled', 'executed'].includes(status)) {
      throw errors.queryValidation(`Parameter validation failed for GetOrders: Key: 'GetOrdersParams.Status' Error:Field validation for 'Status' failed on the 'oneof' tag`);
    }
    const inTs = tsFilter(ctx);
    const ex = ctx.core.exchange;
    // `subaccount` omitted = every subaccount's orders (kalshi-api.md §4.4); N = only N's.
    const sub = parseIntParam(ctx.query, 'subaccount');
    const all = userOrders(ctx).filter((o) => (!ticker || o.ticker === ticker) && (!status || o.status === status) && (sub === undefined || o.subaccount === sub) &&
      (!evs || evs.has(ex.markets.get(o.ticker)?.eventTicker ?? '')) && inTs(o.createdMs) && inLiveTier(ctx.core, o));
    const { page, cursor } = paginate(all, ctx.query, limit);
    return ok({ cursor, orders: page.map(orderJson) });
  } },
  { method: 'GET', pattern: '/portfolio/orders/:order_id', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const o = ex.orders.get(ctx.params.order_id);
    const view = o && o.accountId === ctx.accountId ? ex.readView(o, lag(ctx)) : null;
    if (!view) throw errors.notFound();
    return ok({ order: orderJson(view) });
  } },
  { method: 'GET', pattern: '/account/limits', auth: true, handler: (ctx) => {
    const rl = ctx.core.opts.rateLimit ?? BASIC_TIER;
    const b = (c?: { capacity: number; refillPerSec: number }) => ({ bucket_capacity: c?.capacity ?? 0, refill_rate: c?.refillPerSec ?? 0 });
    return ok({ grants: [], read: b(rl?.read), usage_tier: 'basic', write: b(rl?.write) });
  } },
  { method: 'GET', pattern: '/account/endpoint_costs', auth: true, handler: () => ok(ENDPOINT_COSTS_BODY) },
  // ---- order groups ----
  { method: 'GET', pattern: '/portfolio/order_groups', auth: true, handler: (ctx) => ok({
    order_groups: [...ctx.core.exchange.groups.values()].filter((g) => g.accountId === ctx.accountId).map(groupJson),
  }) },
  { method: 'POST', pattern: '/portfolio/order_groups/create', auth: true, handler: (ctx) => {
    const body = ctx.rawBody.trim() === '' ? {} : decodeBody(ctx.rawBody);
    const sub = typeof body.subaccount === 'number' ? body.subaccount : 0;
    const g = ctx.core.exchange.createGroup(ctx.accountId!, parseLimitBody(ctx, 'CreateOrderGroupRequest'), sub);
    return ok({ exchange_index: 0, order_group_id: g.id, subaccount: g.subaccount }, 201);
  } },
  { method: 'GET', pattern: '/portfolio/order_groups/:id', auth: true, handler: (ctx) => {
    const g = ctx.core.exchange.group(ctx.accountId!, ctx.params.id);
    return ok({ contracts_limit_fp: groupJson(g).contracts_limit_fp, exchange_index: 0, is_auto_cancel_enabled: true, orders: g.orderIds });
  } },
  { method: 'DELETE', pattern: '/portfolio/order_groups/:id', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const g = ex.group(ctx.accountId!, ctx.params.id);
    ex.cancelGroupOrders(g);
    ex.groups.delete(g.id);
    return ok({});
  } },
  { method: 'PUT', pattern: '/portfolio/order_groups/:id/reset', auth: true, handler: (ctx) => {
    const g = ctx.core.exchange.group(ctx.accountId!, ctx.params.id);
    g.window = [];
    g.triggered = false;
    return ok({});
  } },
  { method: 'PUT', pattern: '/portfolio/order_groups/:id/trigger', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const g = ex.group(ctx.accountId!, ctx.params.id);
    g.triggered = true;
    ex.cancelGroupOrders(g);
    return ok({});
  } },
  { method: 'PUT', pattern: '/portfolio/order_groups/:id/limit', auth: true, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const g = ex.group(ctx.accountId!, ctx.params.id);
    g.limit = parseLimitBody(ctx, 'UpdateOrderGroupLimitRequest');
    if (!g.triggered && wouldTriggerNow(g, ex.nowMs)) {
      g.triggered = true;
      ex.cancelGroupOrders(g);
    }
    return ok({});
  } },
];

export { ORDER_GROUP_WINDOW_MS };
