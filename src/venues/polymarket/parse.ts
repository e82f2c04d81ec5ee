/**
 * Wire → domain for Polymarket public reads. Strict: an element that cannot be read fails the whole call with a
 * PolymarketParseError naming the element and field — a list is never silently shortened (origin B25: a broken
 * Polymarket parser). Tolerant only of optional fields that are absent or null.
 *
 * - `outcomes`, `outcomePrices`, `clobTokenIds` are JSON-ENCODED STRINGS (`"[\"Yes\",\"No\"]"`): decoded with
 *   JSON.parse and checked to be arrays of strings of the same length.
 * - Token ids are decimal uint256 strings; condition ids 0x + 64 hex.
 * - Prices → micros through their decimal text (a JSON number via its shortest round-trip text; an exponent form or
 *   more than 6 decimals is refused, never rounded). Sizes → micro-shares the same way.
 * - Book levels arrive best-last (bids ascending, asks descending); they are SORTED best-first here (whatever order
 *   the wire used), and a price outside (0, 1) or a duplicate price level is an error.
 */
import { z } from 'zod';
import { FixedPointError, Micros, ONE_DOLLAR, parseDollars, parseScaledDecimal } from '../../domain/fixed';
import { PolymarketParseError } from './errors';
import * as W from './wire-schemas';
import type * as T from './types';

export const CONDITION_ID = /^0x[0-9a-fA-F]{64}$/;
/** A uint256 in decimal: at most 78 digits, no leading zero. */
export const TOKEN_ID = /^(0|[1-9]\d{0,77})$/;

class FieldError extends Error {}

function decimalText(v: number | string, field: string): string {
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new FieldError(`${field}: not a finite number`);
    const s = String(v);
    if (/e/i.test(s)) throw new FieldError(`${field}: ${s} cannot be held exactly (more than 6 decimals)`);
    return s;
  }
  return v.trim();
}

function micros(v: number | string, field: string): Micros {
  try {
    return parseDollars(decimalText(v, field), field);
  } catch (e) {
    if (e instanceof FixedPointError) throw new FieldError(e.message);
    throw e;
  }
}
const optMicros = (v: number | string | null | undefined, field: string): Micros | null => (v == null || v === '' ? null : micros(v, field));

function shares(v: number | string, field: string): T.MicroShares {
  try {
    return parseScaledDecimal(decimalText(v, field), field, 6, 'share');
  } catch (e) {
    if (e instanceof FixedPointError) throw new FieldError(e.message);
    throw e;
  }
}
const optShares = (v: number | string | null | undefined, field: string): T.MicroShares | null => (v == null || v === '' ? null : shares(v, field));

/** Display amounts (volume, liquidity) carry many decimals on Gamma: truncated toward zero to whole micros. */
function displayMicros(v: number | string | null | undefined, field: string): Micros | null {
  if (v == null || v === '') return null;
  const text = decimalText(v, field);
  const m = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!m) throw new FieldError(`${field}: not a non-negative decimal (got ${JSON.stringify(text.slice(0, 40))})`);
  return micros(`${m[1]}.${(m[2] ?? '').slice(0, 6) || '0'}`, field);
}

function price(v: number | string, field: string): Micros {
  const p = micros(v, field);
  if (p < 0 || p > ONE_DOLLAR) throw new FieldError(`${field}: must be between 0 and 1 (got ${JSON.stringify(v)})`);
  return p;
}

/** A JSON-encoded array of strings (`"[\"Yes\",\"No\"]"`); null when the field is absent. */
export function decodeStringArray(v: string | null | undefined, field: string): string[] | null {
  if (v == null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    throw new FieldError(`${field}: not a JSON-encoded array (got ${JSON.stringify(v.slice(0, 60))})`);
  }
  if (!Array.isArray(parsed)) throw new FieldError(`${field}: the decoded value is not an array`);
  parsed.forEach((x, i) => {
    if (typeof x !== 'string') throw new FieldError(`${field}[${i}]: must be a string (got ${typeof x})`);
  });
  return parsed as string[];
}

function zodWhere(err: z.ZodError): string {
  const i = err.issues[0];
  return `${i.path.join('.') || 'body'}: ${i.message}`;
}

function isoMs(v: string | null | undefined, field: string): number | null {
  if (v == null || v === '') return null;
  // A date alone is UTC midnight; a time needs its zone (Date.parse would read a zoneless time as local time).
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) ? Date.parse(v) : NaN;
  if (!Number.isFinite(ms)) throw new FieldError(`${field}: not an ISO-8601 time (got ${JSON.stringify(v.slice(0, 40))})`);
  return ms;
}

/** One Gamma market. Throws FieldError (wrapped by the list caller). */
function toGammaMarket(raw: unknown): T.PolymarketMarket {
  const r = W.GammaMarketWire.safeParse(raw);
  if (!r.success) throw new FieldError(zodWhere(r.error));
  const w = r.data;
  const id = String(w.id);
  if (!/^\d+$/.test(id)) throw new FieldError(`id: must be a numeric string (got ${JSON.stringify(id.slice(0, 40))})`);
  if (!CONDITION_ID.test(w.conditionId)) throw new FieldError(`conditionId: must be 0x + 64 hex (got ${JSON.stringify(w.conditionId.slice(0, 70))})`);
  const names = decodeStringArray(w.outcomes, 'outcomes') ?? [];
  const prices = decodeStringArray(w.outcomePrices, 'outcomePrices');
  const tokens = decodeStringArray(w.clobTokenIds, 'clobTokenIds');
  if (prices && prices.length !== names.length) throw new FieldError(`outcomePrices: ${prices.length} entries for ${names.length} outcomes`);
  if (tokens && tokens.length !== names.length) throw new FieldError(`clobTokenIds: ${tokens.length} entries for ${names.length} outcomes`);
  tokens?.forEach((t, i) => {
    if (!TOKEN_ID.test(t)) throw new FieldError(`clobTokenIds[${i}]: must be a decimal token id (got ${JSON.stringify(t.slice(0, 80))})`);
  });
  return {
    id,
    question: w.question,
    conditionId: w.conditionId.toLowerCase(),
    slug: w.slug ?? null,
    outcomes: names.map((name, i) => ({ name, tokenId: tokens ? tokens[i] : null, price: prices ? price(prices[i], `outcomePrices[${i}]`) : null })),
    active: w.active ?? null,
    closed: w.closed ?? null,
    archived: w.archived ?? null,
    acceptingOrders: w.acceptingOrders ?? null,
    enableOrderBook: w.enableOrderBook ?? null,
    endDate: w.endDate ?? null,
    endDateMs: isoMs(w.endDate, 'endDate'),
    volume: displayMicros(w.volume, 'volume'),
    liquidity: displayMicros(w.liquidity, 'liquidity'),
    bestBid: w.bestBid == null ? null : price(w.bestBid, 'bestBid'),
    bestAsk: w.bestAsk == null ? null : price(w.bestAsk, 'bestAsk'),
    spread: optMicros(w.spread, 'spread'),
    lastTradePrice: w.lastTradePrice == null ? null : price(w.lastTradePrice, 'lastTradePrice'),
    negRisk: w.negRisk ?? null,
    orderPriceMinTickSize: optMicros(w.orderPriceMinTickSize, 'orderPriceMinTickSize'),
    orderMinSize: optShares(w.orderMinSize, 'orderMinSize'),
  };
}

/** Gamma `GET /markets`: a bare JSON array. Any unreadable element fails the whole list. */
export function parseGammaMarkets(body: unknown, endpoint = 'GET /markets'): T.PolymarketMarket[] {
  if (!Array.isArray(body)) throw new PolymarketParseError(endpoint, 'the answer is not a JSON array of markets; refusing to read it as empty');
  return body.map((el, i) => {
    try {
      return toGammaMarket(el);
    } catch (e) {
      if (e instanceof FieldError) throw new PolymarketParseError(endpoint, `market [${i}]${idOf(el)} unreadable; refusing a partial list: ${e.message}`);
      throw e;
    }
  });
}

function idOf(el: unknown): string {
  const o = el && typeof el === 'object' ? (el as Record<string, unknown>) : {};
  const id = typeof o.conditionId === 'string' ? o.conditionId : typeof o.id === 'string' || typeof o.id === 'number' ? String(o.id) : null;
  return id ? ` (${id.slice(0, 70)})` : '';
}

function levels(ls: { price: number | string; size: number | string }[], side: 'bids' | 'asks'): T.BookLevel[] {
  const out = ls.map((l, i) => {
    const p = micros(l.price, `${side}[${i}].price`);
    if (p <= 0 || p >= ONE_DOLLAR) throw new FieldError(`${side}[${i}].price: must be strictly between 0 and 1 (got ${JSON.stringify(l.price)})`);
    const s = shares(l.size, `${side}[${i}].size`);
    if (s <= 0) throw new FieldError(`${side}[${i}].size: must be positive (got ${JSON.stringify(l.size)})`);
    return { price: p, size: s };
  });
  // The wire is best-last; sort best-first regardless of the order it used.
  out.sort((a, b) => (side === 'bids' ? b.price - a.price : a.price - b.price));
  for (let i = 1; i < out.length; i++) {
    if (out[i].price === out[i - 1].price) throw new FieldError(`${side}: two levels at price ${out[i].price / ONE_DOLLAR}`);
  }
  return out;
}

function timestampMs(v: string | number): number {
  const s = String(v);
  if (!/^\d{1,16}$/.test(s)) throw new FieldError(`timestamp: must be a millisecond timestamp (got ${JSON.stringify(s.slice(0, 40))})`);
  return Number(s);
}

function toBook(raw: unknown): T.PolymarketBook {
  const r = W.BookWire.safeParse(raw);
  if (!r.success) throw new FieldError(zodWhere(r.error));
  const w = r.data;
  if (!TOKEN_ID.test(w.asset_id)) throw new FieldError(`asset_id: must be a decimal token id (got ${JSON.stringify(w.asset_id.slice(0, 80))})`);
  if (!CONDITION_ID.test(w.market)) throw new FieldError(`market: must be 0x + 64 hex (got ${JSON.stringify(w.market.slice(0, 70))})`);
  return {
    market: w.market.toLowerCase(),
    assetId: w.asset_id,
    timestampMs: timestampMs(w.timestamp),
    hash: w.hash ?? null,
    bids: levels(w.bids, 'bids'),
    asks: levels(w.asks, 'asks'),
    minOrderSize: optShares(w.min_order_size, 'min_order_size'),
    tickSize: optMicros(w.tick_size, 'tick_size'),
    negRisk: w.neg_risk ?? null,
    lastTradePrice: w.last_trade_price == null || w.last_trade_price === '' ? null : price(w.last_trade_price, 'last_trade_price'),
  };
}

/** CLOB `GET /book`. */
export function parseBook(body: unknown, endpoint = 'GET /book'): T.PolymarketBook {
  try {
    return toBook(body);
  } catch (e) {
    if (e instanceof FieldError) throw new PolymarketParseError(endpoint, `book unreadable: ${e.message}`);
    throw e;
  }
}

/** CLOB `POST /books`: an array of books; any unreadable one fails the call. */
export function parseBooks(body: unknown, endpoint = 'POST /books'): T.PolymarketBook[] {
  if (!Array.isArray(body)) throw new PolymarketParseError(endpoint, 'the answer is not a JSON array of books');
  return body.map((el, i) => {
    try {
      return toBook(el);
    } catch (e) {
      if (e instanceof FieldError) throw new PolymarketParseError(endpoint, `book [${i}] unreadable; refusing a partial list: ${e.message}`);
      throw e;
    }
  });
}

function single<T>(endpoint: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof FieldError) throw new PolymarketParseError(endpoint, e.message);
    throw e;
  }
}

/** CLOB `GET /price` → `{"price": "…"}`. */
export function parsePrice(body: unknown, endpoint = 'GET /price'): Micros {
  const r = W.PriceWire.safeParse(body);
  if (!r.success) throw new PolymarketParseError(endpoint, zodWhere(r.error));
  return single(endpoint, () => price(r.data.price, 'price'));
}

/** CLOB `GET /midpoint` → `{"mid": "…"}` or `{"mid_price": "…"}`. */
export function parseMidpoint(body: unknown, endpoint = 'GET /midpoint'): Micros {
  const r = W.MidpointWire.safeParse(body);
  if (!r.success) throw new PolymarketParseError(endpoint, zodWhere(r.error));
  return single(endpoint, () => {
    const a = r.data.mid == null ? null : price(r.data.mid, 'mid');
    const b = r.data.mid_price == null ? null : price(r.data.mid_price, 'mid_price');
    if (a === null && b === null) throw new FieldError('neither mid nor mid_price is present');
    if (a !== null && b !== null && a !== b) throw new FieldError(`mid ${r.data.mid} and mid_price ${r.data.mid_price} disagree`);
    return (a ?? b)!;
  });
}

/** CLOB `GET /prices-history` → `{"history": [{t, p}]}`, in the wire's order. */
export function parsePricesHistory(body: unknown, endpoint = 'GET /prices-history'): T.PricePoint[] {
  const r = W.PricesHistoryWire.safeParse(body);
  if (!r.success) throw new PolymarketParseError(endpoint, zodWhere(r.error));
  return r.data.history.map((h, i) => single(endpoint, () => ({ t: h.t, p: price(h.p, `history[${i}].p`) })));
}
