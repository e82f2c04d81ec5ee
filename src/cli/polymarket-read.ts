/**
 * `markets --venue polymarket` and `orderbook --venue polymarket TOKEN_ID`: Polymarket public market data (read-only,
 * no credentials) through src/venues/polymarket. The hosts come from --gamma-base-url / --clob-base-url, else the
 * config's model.cross_venue.gamma_base_url / clob_base_url, else Polymarket's (gamma-api.polymarket.com,
 * clob.polymarket.com); for the Polymarket simulator (`kalshi-autopilot sim --polymarket`) they are
 * http://127.0.0.1:8788/gamma and /clob.
 *
 * --json uses Polymarket's own field names: a market as Gamma names it (outcomes / outcomePrices / clobTokenIds given
 * as real arrays, decoded from Gamma's JSON-encoded strings), a book as the CLOB sends it (bids and asks in the wire's
 * order, best LAST) plus the derived best_bid, best_ask, mid and spread. Prices and sizes are decimal strings.
 */
import type { Logger } from 'pino';
import { loadConfig } from '../config';
import { formatDollars, formatDollarsExact, Micros } from '../domain/fixed';
import {
  PolymarketApiError, PolymarketBook, PolymarketClient, PolymarketMarket, PolymarketTransportError, TOKEN_ID,
} from '../venues/polymarket';
import { CliUsageError, renderTable } from './read-commands';

export interface PolymarketReadOpts {
  gammaBaseUrl?: string;
  clobBaseUrl?: string;
  config?: string;
  json?: boolean;
}

export interface PolymarketReadDeps {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  logger?: Logger;
  fetchImpl?: typeof fetch;
}

/** Polymarket's decimal text: "0.62", "219.217767", "5". */
export const pmText = (micros: Micros): string => formatDollars(micros, 6).replace(/\.?0+$/, '') || '0';
const opt = (m: Micros | null) => (m === null ? null : pmText(m));

export function polymarketClientFor(o: PolymarketReadOpts, d: PolymarketReadDeps): PolymarketClient {
  let cv: { gamma_base_url: string; clob_base_url: string } | null = null;
  if (!o.gammaBaseUrl || !o.clobBaseUrl) cv = loadConfig({ configPath: o.config, env: d.env, cwd: d.cwd }).config.model.cross_venue;
  try {
    return new PolymarketClient({ gammaBaseUrl: o.gammaBaseUrl ?? cv!.gamma_base_url, clobBaseUrl: o.clobBaseUrl ?? cv!.clob_base_url, logger: d.logger, fetchImpl: d.fetchImpl });
  } catch (e) {
    throw new CliUsageError(`--gamma-base-url/--clob-base-url: ${(e as Error).message}`);
  }
}

export function gammaMarketJson(m: PolymarketMarket): Record<string, unknown> {
  return {
    id: m.id,
    question: m.question,
    conditionId: m.conditionId,
    slug: m.slug,
    outcomes: m.outcomes.map((o) => o.name),
    outcomePrices: m.outcomes.some((o) => o.price !== null) ? m.outcomes.map((o) => opt(o.price)) : null,
    clobTokenIds: m.outcomes.some((o) => o.tokenId !== null) ? m.outcomes.map((o) => o.tokenId) : null,
    active: m.active,
    closed: m.closed,
    archived: m.archived,
    acceptingOrders: m.acceptingOrders,
    enableOrderBook: m.enableOrderBook,
    endDate: m.endDate,
    volume: opt(m.volume),
    liquidity: opt(m.liquidity),
    bestBid: opt(m.bestBid),
    bestAsk: opt(m.bestAsk),
    spread: opt(m.spread),
    lastTradePrice: opt(m.lastTradePrice),
    negRisk: m.negRisk,
    orderPriceMinTickSize: opt(m.orderPriceMinTickSize),
    orderMinSize: opt(m.orderMinSize),
  };
}

export function clobBookJson(b: PolymarketBook): Record<string, unknown> {
  const lvl = (l: { price: Micros; size: number }) => ({ price: pmText(l.price), size: pmText(l.size) });
  const bid = b.bids[0] ?? null;
  const ask = b.asks[0] ?? null;
  return {
    market: b.market,
    asset_id: b.assetId,
    timestamp: String(b.timestampMs),
    hash: b.hash,
    bids: [...b.bids].reverse().map(lvl),
    asks: [...b.asks].reverse().map(lvl),
    min_order_size: opt(b.minOrderSize),
    tick_size: opt(b.tickSize),
    neg_risk: b.negRisk,
    last_trade_price: opt(b.lastTradePrice),
    best_bid: bid ? pmText(bid.price) : null,
    best_ask: ask ? pmText(ask.price) : null,
    mid: bid && ask ? formatDollarsExact(Math.floor((bid.price + ask.price) / 2)) : null,
    spread: bid && ask ? pmText(ask.price - bid.price) : null,
  };
}

function explain(err: unknown, client: PolymarketClient, command: string): unknown {
  if (err instanceof PolymarketTransportError) {
    return new Error(`${command} --venue polymarket: ${err.message}; for the Polymarket simulator run \`kalshi-autopilot sim --polymarket\` and pass --gamma-base-url/--clob-base-url (or set model.cross_venue.gamma_base_url/clob_base_url)`);
  }
  if (err instanceof PolymarketApiError && err.status === 404 && err.endpoint === 'GET /book') {
    return new CliUsageError(`no order book for that token on ${new URL(client.clobBaseUrl).host} (HTTP 404): list token ids with \`kalshi-autopilot markets --venue polymarket\``);
  }
  return err;
}

const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export async function polymarketMarkets(o: PolymarketReadOpts & { limit?: number; status?: string; series?: string; event?: string }, d: PolymarketReadDeps): Promise<void> {
  if (o.series !== undefined || o.event !== undefined) throw new CliUsageError('--series/--event are Kalshi filters; with --venue polymarket use --status open|closed and --limit');
  let closed: boolean | undefined;
  if (o.status !== undefined) {
    if (o.status !== 'open' && o.status !== 'closed') throw new CliUsageError(`--status with --venue polymarket must be open or closed (got ${JSON.stringify(o.status)})`);
    closed = o.status === 'closed';
  }
  const client = polymarketClientFor(o, d);
  let markets: PolymarketMarket[];
  try {
    markets = await client.listMarkets({ limit: o.limit ?? 100, closed });
  } catch (e) {
    throw explain(e, client, 'markets');
  }
  if (o.json) return d.out(`${JSON.stringify(markets.map(gammaMarketJson), null, 2)}\n`);
  const rows = markets.flatMap((m) => m.outcomes.map((x, i) => [
    i === 0 ? m.conditionId : '', i === 0 ? short(m.question, 48) : '', `${x.name} ${x.price === null ? '-' : pmText(x.price)}`, x.tokenId ?? '-',
    i === 0 ? (m.closed ? 'closed' : m.acceptingOrders === false ? 'not accepting' : 'open') : '', i === 0 ? m.endDate : '',
  ]));
  d.out(renderTable(['CONDITION ID', 'QUESTION', 'OUTCOME', 'TOKEN ID', 'STATUS', 'END'], rows) + `${markets.length} market(s)\n`);
}

export async function polymarketOrderbook(tokenId: string, o: PolymarketReadOpts, d: PolymarketReadDeps): Promise<void> {
  if (!TOKEN_ID.test(tokenId)) throw new CliUsageError(`TOKEN_ID must be a Polymarket token id (a decimal number, as in clobTokenIds), got ${JSON.stringify(tokenId.slice(0, 80))}`);
  const client = polymarketClientFor(o, d);
  let b: PolymarketBook;
  try {
    b = await client.getBook(tokenId);
  } catch (e) {
    throw explain(e, client, 'orderbook');
  }
  const j = clobBookJson(b);
  if (o.json) return d.out(`${JSON.stringify(j, null, 2)}\n`);
  const depth = Math.max(b.bids.length, b.asks.length);
  const rows = Array.from({ length: depth }, (_, i) => [
    b.bids[i] ? pmText(b.bids[i].price) : null, b.bids[i] ? pmText(b.bids[i].size) : null, b.asks[i] ? pmText(b.asks[i].price) : null, b.asks[i] ? pmText(b.asks[i].size) : null,
  ]);
  const head = `${tokenId}\nmarket ${b.market}  book at ${new Date(b.timestampMs).toISOString()}  best bid ${j.best_bid ?? '-'}  best ask ${j.best_ask ?? '-'}  mid ${j.mid ?? '-'}\n\n`;
  d.out(head + renderTable(['BID', 'SIZE', 'ASK', 'SIZE'], rows, [true, true, true, true]));
}
