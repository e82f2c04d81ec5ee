/**
 * Read-only Polymarket client: Gamma discovery and CLOB public market data (kalshi-api.md §11). No credentials, no
 * writes. Reads retry on 408/425/429/5xx and transport errors (bounded, backoff + jitter from injected ports); every
 * other failure throws. Answers are parsed strictly (parse.ts): never a silently shorter list.
 *
 *   const pm = new PolymarketClient({ gammaBaseUrl?, clobBaseUrl?, fetchImpl?, timeoutMs?, maxReadAttempts? })
 *   pm.listMarkets({ limit, offset, active, closed, conditionIds, clobTokenIds, slug })   Gamma GET /markets (one page)
 *   pm.getMarketsByConditionIds(ids)      Gamma GET /markets?condition_ids=…  (batched, closed markets included)
 *   pm.getBook(tokenId)  pm.getBooks(tokenIds)   CLOB GET /book · POST /books (≤ 500 per request)
 *   pm.getPrice(tokenId, 'BUY'|'SELL')   BUY = the best bid, SELL = the best ask (§11)
 *   pm.getMidpoint(tokenId)  pm.getPricesHistory({ market, interval | startTs+endTs, fidelity })
 */
import type { Logger } from 'pino';
import type { Micros } from '../../domain/fixed';
import { silentLogger } from '../../observability/logger';
import { safeErrorMessage } from '../../observability/redact';
import { isRetryable, PolymarketApiError, PolymarketParseError, PolymarketTransportError } from './errors';
import { parseBook, parseBooks, parseGammaMarkets, parseMidpoint, parsePrice, parsePricesHistory, TOKEN_ID } from './parse';
import type * as T from './types';

export const DEFAULT_GAMMA_BASE_URL = 'https://gamma-api.polymarket.com';
export const DEFAULT_CLOB_BASE_URL = 'https://clob.polymarket.com';
/** `POST /books` takes at most this many token ids. */
export const MAX_BOOKS_PER_REQUEST = 500;
/** Condition ids per Gamma request (keeps the URL short). */
export const CONDITION_IDS_PER_REQUEST = 50;

export interface PolymarketClientOptions {
  gammaBaseUrl?: string;
  clobBaseUrl?: string;
  fetchImpl?: typeof fetch;
  timeoutMs?: number;
  /** Total attempts per read (first included); default 3. */
  maxReadAttempts?: number;
  backoffBaseMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  logger?: Logger;
}

type Query = Record<string, string | number | boolean | readonly string[] | undefined>;

function queryString(q: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) p.append(k, x);
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

function assertToken(tokenId: string): void {
  if (!TOKEN_ID.test(tokenId)) throw new RangeError(`token id must be a decimal uint256 string (got ${JSON.stringify(String(tokenId).slice(0, 80))})`);
}

export class PolymarketClient {
  readonly gammaBaseUrl: string;
  readonly clobBaseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly logger: Logger;

  constructor(private readonly o: PolymarketClientOptions = {}) {
    this.gammaBaseUrl = (o.gammaBaseUrl ?? DEFAULT_GAMMA_BASE_URL).replace(/\/+$/, '');
    this.clobBaseUrl = (o.clobBaseUrl ?? DEFAULT_CLOB_BASE_URL).replace(/\/+$/, '');
    for (const [name, u] of [['gammaBaseUrl', this.gammaBaseUrl], ['clobBaseUrl', this.clobBaseUrl]] as const) {
      if (!/^https?:\/\/[^/]+/i.test(u)) throw new RangeError(`${name} must be an http(s) URL (got ${JSON.stringify(u.slice(0, 80))})`);
    }
    this.fetchImpl = o.fetchImpl ?? fetch;
    this.logger = o.logger ?? silentLogger();
  }

  async listMarkets(f: T.GammaMarketFilters = {}): Promise<T.PolymarketMarket[]> {
    const q: Query = {
      limit: f.limit, offset: f.offset, active: f.active, closed: f.closed, archived: f.archived, slug: f.slug, order: f.order,
      ascending: f.ascending, condition_ids: f.conditionIds, clob_token_ids: f.clobTokenIds,
    };
    return parseGammaMarkets(await this.read('GET /markets', `${this.gammaBaseUrl}/markets${queryString(q)}`));
  }

  /** Markets by condition id, open or closed (Gamma hides closed markets unless asked: both are requested). */
  async getMarketsByConditionIds(ids: readonly string[]): Promise<T.PolymarketMarket[]> {
    const unique = [...new Set(ids.map((x) => x.toLowerCase()))];
    const out: T.PolymarketMarket[] = [];
    for (let i = 0; i < unique.length; i += CONDITION_IDS_PER_REQUEST) {
      const batch = unique.slice(i, i + CONDITION_IDS_PER_REQUEST);
      for (const closed of [false, true]) out.push(...(await this.listMarkets({ conditionIds: batch, closed, limit: batch.length * 2 })));
    }
    const seen = new Set<string>();
    return out.filter((m) => (seen.has(m.conditionId) ? false : (seen.add(m.conditionId), true)));
  }

  async getBook(tokenId: string): Promise<T.PolymarketBook> {
    assertToken(tokenId);
    return parseBook(await this.read('GET /book', `${this.clobBaseUrl}/book${queryString({ token_id: tokenId })}`));
  }

  /**
   * Books of several tokens (batched ≤ 500). `missing: 'throw'` (default): every token asked must come back, or the
   * call fails; `'omit'`: a token without a book (POST /books leaves it out) is simply absent from the answer.
   */
  async getBooks(tokenIds: readonly string[], opts: { missing?: 'throw' | 'omit' } = {}): Promise<T.PolymarketBook[]> {
    tokenIds.forEach(assertToken);
    const out: T.PolymarketBook[] = [];
    for (let i = 0; i < tokenIds.length; i += MAX_BOOKS_PER_REQUEST) {
      const batch = tokenIds.slice(i, i + MAX_BOOKS_PER_REQUEST);
      const books = parseBooks(await this.read('POST /books', `${this.clobBaseUrl}/books`, batch.map((token_id) => ({ token_id }))));
      const got = new Set(books.map((b) => b.assetId));
      const missing = batch.filter((t) => !got.has(t));
      if (missing.length && opts.missing !== 'omit') throw new PolymarketParseError('POST /books', `no book for ${missing.length} of ${batch.length} token ids asked (first: ${missing[0].slice(0, 80)})`);
      out.push(...books);
    }
    return out;
  }

  /** side BUY → the best bid; SELL → the best ask. */
  async getPrice(tokenId: string, side: T.PriceSide): Promise<Micros> {
    assertToken(tokenId);
    return parsePrice(await this.read('GET /price', `${this.clobBaseUrl}/price${queryString({ token_id: tokenId, side })}`));
  }

  async getMidpoint(tokenId: string): Promise<Micros> {
    assertToken(tokenId);
    return parseMidpoint(await this.read('GET /midpoint', `${this.clobBaseUrl}/midpoint${queryString({ token_id: tokenId })}`));
  }

  async getPricesHistory(q: T.PricesHistoryQuery): Promise<T.PricePoint[]> {
    assertToken(q.market);
    const query: Query = { market: q.market, interval: q.interval, startTs: q.startTs, endTs: q.endTs, fidelity: q.fidelity };
    return parsePricesHistory(await this.read('GET /prices-history', `${this.clobBaseUrl}/prices-history${queryString(query)}`));
  }

  private async read(endpoint: string, url: string, body?: unknown): Promise<unknown> {
    const attempts = Math.max(1, this.o.maxReadAttempts ?? 3);
    let last: unknown;
    for (let attempt = 0; attempt < attempts; attempt++) {
      if (attempt > 0) {
        const cap = (this.o.backoffBaseMs ?? 250) * 2 ** (attempt - 1);
        const delay = Math.round(cap / 2 + ((this.o.random ?? Math.random)() * cap) / 2);
        this.logger.warn({ endpoint, attempt, delayMs: delay, error: safeErrorMessage(last) }, 'retrying Polymarket read');
        await (this.o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(delay);
      }
      try {
        return await this.once(endpoint, url, body);
      } catch (e) {
        last = e;
        if (!isRetryable(e)) throw e;
      }
    }
    throw last;
  }

  private async once(endpoint: string, url: string, body?: unknown): Promise<unknown> {
    const timeoutMs = this.o.timeoutMs ?? 10_000;
    const init: RequestInit = { method: body === undefined ? 'GET' : 'POST', headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, signal: AbortSignal.timeout(timeoutMs) };
    if (body !== undefined) init.body = JSON.stringify(body);
    let res: Response;
    let text: string;
    try {
      res = await this.fetchImpl(url, init);
      text = await res.text();
    } catch (e) {
      const timedOut = (e as Error)?.name === 'TimeoutError' || (e as Error)?.name === 'AbortError';
      throw new PolymarketTransportError(timedOut ? 'timeout' : 'network', endpoint, timedOut ? `timed out after ${timeoutMs} ms (${new URL(url).host})` : `no answer from ${new URL(url).host}: ${safeErrorMessage(e)}`);
    }
    if (res.status < 200 || res.status >= 300) throw new PolymarketApiError(res.status, endpoint, text);
    try {
      return JSON.parse(text);
    } catch {
      throw new PolymarketParseError(endpoint, `HTTP ${res.status} answer is not JSON`);
    }
  }
}
