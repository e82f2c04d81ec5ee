/** Public market-data routes: exchange status/schedule, markets, orderbooks, trades, events, series. */
import { errors } from './errors';
import { parseIntParam, parseLimit, paginate } from './query';
import { Ctx, Route, ok } from './router';
import type { MarketStatus, SimMarket, SimTrade } from './types';
import { eventJson, isoSec, marketJson, orderbookJson, seriesJson, tradeJson } from './wire';

const STATUS_FILTER: Record<string, (s: MarketStatus) => boolean> = {
  unopened: (s) => s === 'initialized',
  open: (s) => s === 'active',
  paused: (s) => s === 'inactive',
  closed: (s) => s === 'closed' || s === 'determined',
  settled: (s) => s === 'finalized',
};

function statusFilter(ctx: Ctx, op: string): ((s: MarketStatus) => boolean) | null {
  const raw = ctx.query.get('status');
  if (!raw) return null;
  const f = STATUS_FILTER[raw];
  if (!f) throw errors.queryValidation(`Parameter validation failed for ${op}: Key: '${op}Params.Status' Error:Field validation for 'Status' failed on the 'oneof' tag`);
  return f;
}

function filteredMarkets(ctx: Ctx): SimMarket[] {
  const ex = ctx.core.exchange;
  const q = ctx.query;
  const st = statusFilter(ctx, 'GetMarkets');
  const ev = q.get('event_ticker');
  const se = q.get('series_ticker');
  const tickers = q.get('tickers') ? new Set(q.get('tickers')!.split(',').map((s) => s.trim())) : null;
  const sec = (name: string) => parseIntParam(q, name);
  const minClose = sec('min_close_ts');
  const maxClose = sec('max_close_ts');
  const minCreated = sec('min_created_ts');
  const maxCreated = sec('max_created_ts');
  const minSettled = sec('min_settled_ts');
  const maxSettled = sec('max_settled_ts');
  return [...ex.markets.values()].filter((m) => {
    if (st && !st(m.status)) return false;
    if (ev && m.eventTicker !== ev) return false;
    if (se && ex.events.get(m.eventTicker)?.seriesTicker !== se) return false;
    if (tickers && !tickers.has(m.ticker)) return false;
    if (minClose !== undefined && m.closeMs < minClose * 1000) return false;
    if (maxClose !== undefined && m.closeMs > maxClose * 1000) return false;
    if (minCreated !== undefined && m.createdMs < minCreated * 1000) return false;
    if (maxCreated !== undefined && m.createdMs > maxCreated * 1000) return false;
    if (minSettled !== undefined && (m.settledMs === undefined || m.settledMs < minSettled * 1000)) return false;
    if (maxSettled !== undefined && (m.settledMs === undefined || m.settledMs > maxSettled * 1000)) return false;
    return true;
  });
}

function market(ctx: Ctx): SimMarket {
  const m = ctx.core.exchange.market(ctx.params.ticker);
  if (!m) throw errors.notFound();
  return m;
}

/**
 * Newest first (by the exchange-wide trade sequence). The cursor anchors on the last trade returned ("t:<seq>"), so
 * trades printed between two page requests never shift a page (no duplicates, no gaps); a garbage cursor = page 1.
 */
export function tradesPage(trades: SimTrade[], minTs: number | undefined, maxTs: number | undefined, rawCursor: string | null, limit: number): { page: SimTrade[]; cursor: string } {
  const m = rawCursor ? /^t:(\d+)$/.exec(Buffer.from(rawCursor, 'base64url').toString('utf8')) : null;
  const before = m ? Number(m[1]) : Infinity;
  const all = trades
    .filter((t) => t.seq < before && (minTs === undefined || t.createdMs >= minTs * 1000) && (maxTs === undefined || t.createdMs <= maxTs * 1000))
    .sort((a, b) => b.seq - a.seq);
  const page = all.slice(0, limit);
  const cursor = all.length > limit ? Buffer.from(`t:${page[page.length - 1].seq}`).toString('base64url') : '';
  return { page, cursor };
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

export const publicRoutes: Route[] = [
  { method: 'GET', pattern: '/exchange/status', auth: false, handler: (ctx) => {
    const ex = ctx.core.exchange;
    return ok({ exchange_active: ex.exchangeActive, trading_active: ex.exchangeActive && !ex.tradingPaused() });
  } },
  { method: 'GET', pattern: '/exchange/schedule', auth: false, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const week: Record<string, unknown> = { start_time: '2020-01-01T00:00:00Z', end_time: '2100-01-01T00:00:00Z' };
    for (const d of DAYS) week[d] = [{ open_time: '00:00', close_time: '23:59' }];
    return ok({ schedule: {
      maintenance_windows: ex.maintenance.map((w) => ({ end_datetime: isoSec(w.endMs), start_datetime: isoSec(w.startMs) })),
      standard_hours: [week],
    } });
  } },
  { method: 'GET', pattern: '/exchange/announcements', auth: false, handler: () => ok({ announcements: [] }) },
  { method: 'GET', pattern: '/series/fee_changes', auth: false, handler: () => ok({ series_fee_change_arr: [] }) },
  { method: 'GET', pattern: '/markets', auth: false, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetMarkets', 1000, 100);
    const { page, cursor } = paginate(filteredMarkets(ctx), ctx.query, limit);
    return ok({ cursor, markets: page.map((m) => marketJson(ctx.core.exchange, m)) });
  } },
  { method: 'GET', pattern: '/markets/trades', auth: false, handler: (ctx) => {
    const limit = parseLimit(ctx.query, 'GetTrades', 1000, 100);
    const ticker = ctx.query.get('ticker');
    const minTs = parseIntParam(ctx.query, 'min_ts');
    const maxTs = parseIntParam(ctx.query, 'max_ts');
    const ex = ctx.core.exchange;
    const { page, cursor } = tradesPage(ticker ? ex.trades.get(ticker) ?? [] : [...ex.trades.values()].flat(), minTs, maxTs, ctx.query.get('cursor'), limit);
    return ok({ cursor, trades: page.map(tradeJson) });
  } },
  { method: 'GET', pattern: '/markets/orderbooks', auth: false, handler: (ctx) => {
    // OpenAPI GetMarketOrderbooks: `tickers` repeated (form, explode), 1–100 of ≤ 200 characters; a comma list is
    // split too (tolerance: the live parser is UNVERIFIED). Unknown tickers are left out of the answer.
    const tickers = [...new Set(ctx.query.getAll('tickers').flatMap((v) => v.split(',')).filter(Boolean))];
    const bad = tickers.length < 1 ? 'min' : tickers.length > 100 ? 'max' : tickers.some((t) => t.length > 200) ? 'max' : null;
    if (bad) throw errors.queryValidation(`Parameter validation failed for GetMarketOrderbooks: Key: 'GetMarketOrderbooksParams.Tickers' Error:Field validation for 'Tickers' failed on the '${bad}' tag`);
    const ex = ctx.core.exchange;
    return ok({ orderbooks: tickers.filter((t) => ex.books.has(t)).map((t) => ({ ticker: t, ...orderbookJson(ex.books.get(t)!, 0) })) });
  } },
  { method: 'GET', pattern: '/markets/:ticker', auth: false, handler: (ctx) => ok({ market: marketJson(ctx.core.exchange, market(ctx)) }) },
  { method: 'GET', pattern: '/markets/:ticker/orderbook', auth: false, handler: (ctx) => {
    const m = market(ctx);
    const depth = parseIntParam(ctx.query, 'depth') ?? 0;
    if (depth < 0 || depth > 100) throw errors.queryValidation(`Parameter validation failed for GetMarketOrderbook: Key: 'GetMarketOrderbookParams.Depth' Error:Field validation for 'Depth' failed on the '${depth < 0 ? 'gte' : 'lte'}' tag`);
    return ok(orderbookJson(ctx.core.exchange.books.get(m.ticker)!, depth));
  } },
  { method: 'GET', pattern: '/events', auth: false, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const limit = parseLimit(ctx.query, 'GetEvents', 200, 200);
    const st = statusFilter(ctx, 'GetEvents');
    const se = ctx.query.get('series_ticker');
    const tickers = ctx.query.get('tickers') ? new Set(ctx.query.get('tickers')!.split(',')) : null;
    const nested = ctx.query.get('with_nested_markets') === 'true';
    // Markets by event, once per request (the status filter and each event's JSON scanned every market: O(n²) a page).
    const byEvent = new Map<string, SimMarket[]>();
    for (const m of ex.markets.values()) {
      const list = byEvent.get(m.eventTicker);
      if (list) list.push(m);
      else byEvent.set(m.eventTicker, [m]);
    }
    const events = [...ex.events.values()].filter((e) => {
      if (se && e.seriesTicker !== se) return false;
      if (tickers && !tickers.has(e.eventTicker)) return false;
      if (st && !(byEvent.get(e.eventTicker) ?? []).some((m) => st(m.status))) return false;
      return true;
    });
    const { page, cursor } = paginate(events, ctx.query, limit);
    return ok({ cursor, events: page.map((e) => eventJson(ex, e, nested, byEvent.get(e.eventTicker) ?? [])) });
  } },
  { method: 'GET', pattern: '/events/:event_ticker', auth: false, handler: (ctx) => {
    const ex = ctx.core.exchange;
    const e = ex.events.get(ctx.params.event_ticker);
    if (!e) throw errors.notFound();
    const nested = ctx.query.get('with_nested_markets') === 'true';
    const markets = [...ex.markets.values()].filter((m) => m.eventTicker === e.eventTicker).map((m) => marketJson(ex, m));
    return ok({ event: eventJson(ex, e, nested), markets });
  } },
  { method: 'GET', pattern: '/series', auth: false, handler: (ctx) => {
    const cat = ctx.query.get('category');
    return ok({ series: [...ctx.core.exchange.series.values()].filter((s) => !cat || s.category === cat).map(seriesJson) });
  } },
  { method: 'GET', pattern: '/series/:series_ticker', auth: false, handler: (ctx) => {
    const s = ctx.core.exchange.series.get(ctx.params.series_ticker);
    if (!s) throw errors.notFound();
    return ok({ series: seriesJson(s) });
  } },
];
