/**
 * Batch order books: `GET /markets/orderbooks?tickers=A&tickers=B…` (kalshi-api.md §3.6; OpenAPI GetMarketOrderbooks:
 * 1–100 tickers of ≤ 200 characters, one `{ticker, orderbook_fp}` per market found).
 *
 * Strict: a malformed book, a ticker we did not ask for or a ticker answered twice fails the whole call
 * (KalshiParseError) — a dropped or mixed-up book would price an order off the wrong market. A requested ticker that
 * is absent from the answer is absent from the result map (the caller decides: no book is never an empty book).
 */
import { KalshiParseError } from './errors';
import { parseOne, toOrderbook } from './parse';
import * as W from './wire-schemas';
import type * as T from './types';

/** Tickers per request (OpenAPI `maxItems: 100`). */
export const ORDERBOOKS_BATCH_MAX = 100;
export const MAX_TICKER_LENGTH = 200;

/** The distinct tickers in request order, in chunks of ≤ 100; throws RangeError naming a bad ticker. */
export function orderbookBatches(tickers: readonly string[]): string[][] {
  const seen = new Set<string>();
  const out: string[][] = [];
  tickers.forEach((t, i) => {
    if (typeof t !== 'string' || t === '' || t.length > MAX_TICKER_LENGTH) {
      throw new RangeError(`tickers[${i}] must be a non-empty string of at most ${MAX_TICKER_LENGTH} characters`);
    }
    if (seen.has(t)) return;
    seen.add(t);
    if (out.length === 0 || out[out.length - 1].length === ORDERBOOKS_BATCH_MAX) out.push([]);
    out[out.length - 1].push(t);
  });
  return out;
}

/** One response of the batch endpoint → books by ticker, strictly (see the file comment). */
export function toOrderbooks(requested: readonly string[], raw: unknown): Map<string, T.KalshiOrderbook> {
  const op = 'GET /markets/orderbooks';
  const wire = parseOne(raw, W.OrderbooksWire, (w) => w, op);
  const asked = new Set(requested);
  const out = new Map<string, T.KalshiOrderbook>();
  wire.orderbooks.forEach((b, i) => {
    if (!asked.has(b.ticker)) throw new KalshiParseError(`${op}: orderbooks[${i}].ticker ${JSON.stringify(b.ticker.slice(0, 80))} was not requested`);
    if (out.has(b.ticker)) throw new KalshiParseError(`${op}: orderbooks[${i}].ticker ${b.ticker} answered twice`);
    out.set(b.ticker, parseOne(b, W.OrderbookWire, (w) => toOrderbook(b.ticker, w), `${op} orderbooks[${i}]`));
  });
  return out;
}
