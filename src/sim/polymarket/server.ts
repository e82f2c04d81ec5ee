/**
 * The Polymarket simulator's HTTP routes (loopback). Gamma under /gamma, the CLOB under /clob, in Polymarket's wire
 * encodings: `outcomes`/`outcomePrices`/`clobTokenIds` as JSON-encoded strings, token ids as decimal strings, prices
 * and sizes as decimal strings ("0.62"), Gamma's numeric fields as JSON numbers, and book levels BEST-LAST (bids
 * ascending, asks descending) as the live API sends them. Errors are `{"error": "…"}`.
 *
 *   GET  /gamma/markets?condition_ids=…&clob_token_ids=…&slug=…&active=…&closed=…&limit=…&offset=…   (closed=false implied)
 *   GET  /clob/book?token_id=…   POST /clob/books [{token_id}]   GET /clob/price?token_id=…&side=BUY|SELL
 *   GET  /clob/midpoint?token_id=…   GET /clob/prices-history?market=…&startTs=…&endTs=…&fidelity=…
 *   GET  /__sim/mapping.jsonl (the cross-venue mapping of these markets)   POST /__sim/faults (admin only)
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { formatDollars, Micros } from '../../domain/fixed';
import type { PolymarketSimState } from './state';

type Answer = { status: number; body: unknown; text?: string };

/** Polymarket's price text: no trailing zeros ("0.62", "0.5", "0.055"). */
export function pmDecimal(micros: Micros): string {
  return formatDollars(micros, 6).replace(/\.?0+$/, '') || '0';
}
const pmNumber = (micros: Micros): number => Number(pmDecimal(micros));
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const err = (status: number, message: string): Answer => ({ status, body: { error: message } });

function gammaMarkets(s: PolymarketSimState, q: URLSearchParams): Answer {
  const list = (k: string) => q.getAll(k).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const ids = list('condition_ids').map((x) => x.toLowerCase());
  const tokens = list('clob_token_ids');
  const slug = q.get('slug');
  const closedQ = q.get('closed');
  const activeQ = q.get('active');
  const limit = q.has('limit') ? Number(q.get('limit')) : 100;
  const offset = q.has('offset') ? Number(q.get('offset')) : 0;
  if (!Number.isSafeInteger(limit) || limit < 0 || !Number.isSafeInteger(offset) || offset < 0) return err(400, 'invalid limit or offset');
  const rows = s.views().filter((v) => {
    if (ids.length && !ids.includes(v.m.conditionId)) return false;
    if (tokens.length && !tokens.includes(v.m.yesToken) && !tokens.includes(v.m.noToken)) return false;
    if (slug && v.m.slug !== slug) return false;
    if (closedQ !== 'true' && v.closed) return false; // Gamma's implicit closed=false
    if (closedQ === 'true' && !v.closed) return false;
    if (activeQ !== null && String(v.active) !== activeQ) return false;
    return true;
  });
  const body = rows.slice(offset, offset + limit).map((v) => ({
    id: v.m.gammaId,
    question: v.m.question,
    conditionId: v.m.conditionId,
    slug: v.m.slug,
    endDate: iso(v.m.closeMs),
    outcomes: JSON.stringify(['Yes', 'No']),
    outcomePrices: JSON.stringify([pmDecimal(v.mid), pmDecimal(1_000_000 - v.mid)]),
    clobTokenIds: JSON.stringify([v.m.yesToken, v.m.noToken]),
    active: v.active,
    closed: v.closed,
    archived: false,
    acceptingOrders: v.acceptingOrders,
    enableOrderBook: true,
    volume: `${v.volumeShares}.${String(v.volumeCents).padStart(2, '0')}`,
    volumeNum: Number(`${v.volumeShares}.${String(v.volumeCents).padStart(2, '0')}`),
    liquidity: '25000.5',
    bestBid: pmNumber(v.mid - 10_000),
    bestAsk: pmNumber(v.mid + 10_000),
    spread: 0.02,
    lastTradePrice: pmNumber(v.mid),
    negRisk: false,
    orderPriceMinTickSize: 0.01,
    orderMinSize: 5,
  }));
  return { status: 200, body };
}

function bookJson(s: PolymarketSimState, token: string): unknown | null {
  const b = s.book(token);
  if (!b) return null;
  const lvl = (l: { price: Micros; size: Micros }) => ({ price: pmDecimal(l.price), size: pmDecimal(l.size) });
  return {
    market: b.conditionId,
    asset_id: token,
    timestamp: String(b.timestampMs),
    hash: b.hash,
    // best-LAST, as the live API sends them
    bids: [...b.bids].reverse().map(lvl),
    asks: [...b.asks].reverse().map(lvl),
    min_order_size: '5',
    tick_size: '0.01',
    neg_risk: false,
    last_trade_price: pmDecimal(b.lastTradePrice),
  };
}

function clob(s: PolymarketSimState, method: string, route: string, q: URLSearchParams, raw: string): Answer {
  const token = q.get('token_id') ?? '';
  if (method === 'GET' && route === '/book') {
    const b = bookJson(s, token);
    return b ? { status: 200, body: b } : err(404, 'No orderbook exists for the requested token id');
  }
  if (method === 'POST' && route === '/books') {
    let req: unknown;
    try {
      req = JSON.parse(raw);
    } catch {
      return err(400, 'invalid body');
    }
    if (!Array.isArray(req) || req.length > 500 || !req.every((x) => x && typeof x.token_id === 'string')) return err(400, 'body must be an array of at most 500 {token_id}');
    return { status: 200, body: req.map((x: { token_id: string }) => bookJson(s, x.token_id)).filter((b) => b !== null) };
  }
  if (method === 'GET' && route === '/price') {
    const side = q.get('side');
    if (side !== 'BUY' && side !== 'SELL') return err(400, 'side must be BUY or SELL');
    const live = s.liveQuote(token);
    if (!live) return err(404, 'No orderbook exists for the requested token id');
    return { status: 200, body: { price: pmDecimal(side === 'BUY' ? live.bid : live.ask) } };
  }
  if (method === 'GET' && route === '/midpoint') {
    const live = s.liveQuote(token);
    if (!live) return err(404, 'No orderbook exists for the requested token id');
    return { status: 200, body: { mid: pmDecimal((live.bid + live.ask) / 2) } };
  }
  if (method === 'GET' && route === '/prices-history') {
    const market = q.get('market') ?? '';
    const h = s.history(market, Number(q.get('startTs') ?? NaN), Number(q.get('endTs') ?? NaN), Number(q.get('fidelity') ?? 60));
    if (!h) return err(400, 'invalid market or range');
    return { status: 200, body: { history: h.map((p) => ({ t: p.t, p: pmNumber(p.p) })) } };
  }
  return err(404, 'not found');
}

export function handle(s: PolymarketSimState, req: IncomingMessage, res: ServerResponse, raw: string): void {
  const u = new URL(req.url ?? '/', 'http://sim');
  const method = req.method ?? 'GET';
  let a: Answer;
  if (u.pathname === '/__sim/mapping.jsonl' && method === 'GET') a = { status: 200, body: null, text: s.mapping() };
  else if (u.pathname === '/__sim/faults' && method === 'POST') {
    if (!s.admin) a = err(404, 'not found');
    else {
      try {
        a = { status: 200, body: s.faults.set(JSON.parse(raw || '{}')) };
      } catch (e) {
        a = err(400, (e as Error).message);
      }
    }
  } else if (s.faults.fail5xx()) a = err(500, 'Internal Server Error');
  else if (u.pathname === '/gamma/markets' && method === 'GET') a = gammaMarkets(s, u.searchParams);
  else if (u.pathname.startsWith('/clob/')) a = clob(s, method, u.pathname.slice('/clob'.length), u.searchParams, raw);
  else a = err(404, 'not found');
  const text = a.text ?? JSON.stringify(a.body);
  res.writeHead(a.status, { 'content-type': a.text ? 'application/x-ndjson' : 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
