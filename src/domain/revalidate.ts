/**
 * Revalidation right before a create (issue 9 "The order activity", seed phase 3). Pure, integers only (importable by
 * workflow code). The activity fetches a FRESH book and calls `revalidate`; only an `ok` answer may be journaled and
 * sent, with exactly its `limitPriceMicros`.
 *
 * Entries (action buy) are priced against the side's own ASK, read from the right side of the book (kalshi-api.md
 * §3.6: the book holds bids only, NO levels in NO terms):
 *   YES ask = 1 − best NO bid        NO ask = 1 − best YES bid
 * "Best" is the highest valid level whatever the order of the list (origin B5 read the lowest one): a level counts
 * when its size is > 0 and its price strictly inside ($0, $1).
 *
 * Checks, in order (the first that fails is the skip):
 *   stale_intent_guard  now − decidedAt > order_ttl_seconds (the intent is dropped, the book is not read)
 *   no_quote_guard      no valid level on the side that makes the ask
 *   price_drift_guard   |ask − decided| > max_price_drift
 *   slippage_guard      ask − decided > max_submit_slippage (paying more than decided)
 *   edge_decay_guard    net edge < min_edge_at_execution, the edge recomputed with the ROUNDED fee of the real count
 *                       at the real price (edge.ts `orderFee` / `netEdgePerContract`)
 * The limit is the revalidated ask, never above fair − min_edge_at_execution − fee/contract (the fee per contract
 * rounded up), floored to the tick grid in the side's terms, never $0 or $1; edge and fee are recomputed at the final
 * limit and must still pass.
 *
 * Exits (action sell, reduce-only) mirror this against the held side's BID (YES: best YES bid; NO: best NO bid):
 *   drift |bid − decided| > max_price_drift; slippage decided − bid > max_submit_slippage (receiving less);
 *   edge  (count·(bid − fair) − saleFee) / count < min_edge_at_execution, where saleFee (exits.ts) is what the balance
 *         gives up on a one-fill taker sale: the trade fee plus the cent flooring of the proceeds;
 *   limit the bid, never below fair + min_edge_at_execution + fee/contract, ceiled to the grid.
 */
import { orderFee, netEdgePerContract, DEFAULT_FEE_MULTIPLIER_PPM } from './edge';
import { Centis, CENTIS_PER_CONTRACT, complement, formatCount, formatDollarsExact, isTradablePrice, Micros } from './fixed';
import { ceilDiv, toSafeNumber as safe } from './int';
import { saleEdgePerContract, saleFee } from './exits';
import { REASON } from './reason-codes';
import { ceilToGrid, floorToGrid, isOnGridFor, PriceRange } from './tick-grid';
import type { Action, Side } from './trading-types';

/** One book level in that side's own terms (src/venues/kalshi KalshiOrderbook levels fit). */
export interface BookLevel {
  price: Micros;
  size: Centis;
}

/** The fresh book: bids only, each side in its own terms (KalshiOrderbook fits). */
export interface FreshBook {
  yesBids: readonly BookLevel[];
  noBids: readonly BookLevel[];
}

export interface RevalidationIntent {
  side: Side;
  /** buy = entry (priced at the side's ask); sell = reduce-only exit (priced at the held side's bid). */
  action: Action;
  /** The price the decision used (the side's ask for an entry, the held side's bid for an exit). */
  decidedPriceMicros: Micros;
  /** Fair value of the side (ppm = micros per contract). */
  fairMicros: Micros;
  countCentis: Centis;
  /** When the intent was decided (same clock as `nowMs`). */
  decidedAtMs: number;
}

export interface RevalidationRules {
  minEdgeAtExecution: Micros;
  maxPriceDrift: Micros;
  maxSubmitSlippage: Micros;
  orderTtlSeconds: number;
  feeMultiplierPpm?: number;
  /** The market's tick grid (YES terms; empty = linear 1¢). */
  priceRanges: readonly PriceRange[];
}

export interface RevalidationOk {
  ok: true;
  /** The limit to send (side's terms, on the grid, never 0 or 1). */
  limitPriceMicros: Micros;
  /** Net edge per contract at the limit after the rounded fee (floored). */
  edgeMicros: Micros;
  /** The rounded fee of the whole order at the limit (orderFee for entries, saleFee for exits). */
  feeMicros: Micros;
  /** The fresh ask (entry) or bid (exit) of the side. */
  quoteMicros: Micros;
}

export interface RevalidationSkip {
  ok: false;
  /** A registered reason code. */
  code: string;
  /** One short line naming the rule and the numbers. */
  detail: string;
  quoteMicros: Micros | null;
  edgeMicros: Micros | null;
  feeMicros: Micros | null;
}

export type Revalidation = RevalidationOk | RevalidationSkip;

const C100 = BigInt(CENTIS_PER_CONTRACT);
const $ = formatDollarsExact;

function checkInt(x: number, what: string, min: number): void {
  if (!Number.isSafeInteger(x) || x < min) throw new RangeError(`${what} must be an integer ≥ ${min} (got ${x})`);
}

/** The highest valid level's price (size > 0, strictly inside $0…$1), whatever the list order; null if none. */
export function bestBid(levels: readonly BookLevel[]): Micros | null {
  let best: Micros | null = null;
  for (const l of levels) {
    if (!Number.isSafeInteger(l.size) || l.size <= 0 || !isTradablePrice(l.price)) continue;
    if (best === null || l.price > best) best = l.price;
  }
  return best;
}

/** The side's ask from the other side's best bid: YES ask = 1 − best NO bid; NO ask = 1 − best YES bid. */
export function sideAskFromBook(book: FreshBook, side: Side): Micros | null {
  const other = bestBid(side === 'yes' ? book.noBids : book.yesBids);
  return other === null ? null : complement(other);
}

/** The held side's bid: YES → best YES bid; NO → best NO bid (NO terms). */
export function sideBidFromBook(book: FreshBook, side: Side): Micros | null {
  return bestBid(side === 'yes' ? book.yesBids : book.noBids);
}

/** The highest price ≤ `price` valid for `side` (a NO price is on the grid when 1 − price is). */
export function floorToGridFor(side: Side, price: Micros, ranges: readonly PriceRange[]): Micros | null {
  if (side === 'yes') return floorToGrid(price, ranges);
  const yes = ceilToGrid(complement(price), ranges);
  return yes === null ? null : complement(yes);
}

/** The lowest price ≥ `price` valid for `side`. */
export function ceilToGridFor(side: Side, price: Micros, ranges: readonly PriceRange[]): Micros | null {
  if (side === 'yes') return ceilToGrid(price, ranges);
  const yes = floorToGrid(complement(price), ranges);
  return yes === null ? null : complement(yes);
}

/** The sale fee and edge of exits.ts (one definition): what a one-fill taker sale gives up, and its edge per contract. */
export const saleFeeMicros = saleFee;
export const saleEdgePerContractMicros = saleEdgePerContract;

/** fee·100/count rounded up: the fee each contract carries (micros). */
function feePerContractCeil(fee: Micros, count: Centis): Micros {
  return safe(ceilDiv(BigInt(fee) * C100, BigInt(count)), 'fee per contract');
}

export function revalidate(intent: RevalidationIntent, book: FreshBook, rules: RevalidationRules, nowMs: number): Revalidation {
  const { side, action, decidedPriceMicros: decided, fairMicros: fair, countCentis: count } = intent;
  checkInt(count, 'count', 1);
  checkInt(decided, 'decided price', 1);
  checkInt(fair, 'fair value', 0);
  for (const k of ['minEdgeAtExecution', 'maxPriceDrift', 'maxSubmitSlippage'] as const) {
    if (!Number.isSafeInteger(rules[k])) throw new RangeError(`${k} must be an integer (micros)`);
  }
  checkInt(rules.orderTtlSeconds, 'order_ttl_seconds', 1);
  if (!Number.isFinite(nowMs) || !Number.isFinite(intent.decidedAtMs)) throw new RangeError('nowMs and decidedAtMs must be times');
  if (action !== 'buy' && action !== 'sell') throw new RangeError(`action must be buy or sell (got ${String(action)})`);
  const m = rules.feeMultiplierPpm ?? DEFAULT_FEE_MULTIPLIER_PPM;
  const minEdge = rules.minEdgeAtExecution;
  const skip = (code: string, detail: string, quote: Micros | null = null, edge: Micros | null = null, fee: Micros | null = null): RevalidationSkip =>
    ({ ok: false, code, detail, quoteMicros: quote, edgeMicros: edge, feeMicros: fee });

  const ageMs = nowMs - intent.decidedAtMs;
  if (ageMs > rules.orderTtlSeconds * 1000) {
    return skip(REASON.stale_intent_guard, `intent decided ${ageMs} ms ago > order_ttl_seconds ${rules.orderTtlSeconds}`);
  }

  const buy = action === 'buy';
  const quote = buy ? sideAskFromBook(book, side) : sideBidFromBook(book, side);
  const what = buy ? `${side} ask` : `${side} bid`;
  if (quote === null) return skip(REASON.no_quote_guard, `no ${what} in the fresh book`);
  const drift = Math.abs(quote - decided);
  if (drift > rules.maxPriceDrift) {
    return skip(REASON.price_drift_guard, `${what} ${$(quote)} drifted ${$(drift)} from the decided ${$(decided)} > max_price_drift ${$(rules.maxPriceDrift)}`, quote);
  }
  const slip = buy ? quote - decided : decided - quote;
  if (slip > rules.maxSubmitSlippage) {
    return skip(REASON.slippage_guard, `${what} ${$(quote)} slips ${$(slip)} against the decided ${$(decided)} > max_submit_slippage ${$(rules.maxSubmitSlippage)}`, quote);
  }

  const feeAt = (p: Micros) => (buy ? orderFee(count, p, m) : saleFeeMicros(count, p, m));
  const edgeAt = (p: Micros) => (buy ? netEdgePerContract(count, fair, p, m) : saleEdgePerContractMicros(count, fair, p, m));
  const quoteFee = feeAt(quote);
  const quoteEdge = edgeAt(quote);
  if (quoteEdge < minEdge) {
    return skip(REASON.edge_decay_guard, `edge at the ${what} ${$(quote)} is ${$(quoteEdge)} (fee ${$(quoteFee)} for ${formatCount(count)} contracts) < min_edge_at_execution ${$(minEdge)}`, quote, quoteEdge, quoteFee);
  }

  // The cap: an entry never pays more than fair − minEdge − fee/contract; an exit never sells below fair + minEdge + fee/contract.
  const perContract = feePerContractCeil(quoteFee, count);
  const raw = buy ? Math.min(quote, fair - minEdge - perContract) : Math.max(quote, fair + minEdge + perContract);
  const limit = buy ? floorToGridFor(side, raw, rules.priceRanges) : ceilToGridFor(side, raw, rules.priceRanges);
  if (limit === null || !isTradablePrice(limit) || !isOnGridFor(side, limit, rules.priceRanges)) {
    return skip(REASON.no_quote_guard, `no valid ${side} price on the tick grid ${buy ? 'at or below' : 'at or above'} ${$(raw)}`, quote, quoteEdge, quoteFee);
  }
  if (limit === quote) return { ok: true, limitPriceMicros: limit, edgeMicros: quoteEdge, feeMicros: quoteFee, quoteMicros: quote };
  const fee = feeAt(limit);
  const edge = edgeAt(limit);
  if (edge < minEdge) {
    return skip(REASON.edge_decay_guard, `edge at the grid limit ${$(limit)} is ${$(edge)} (fee ${$(fee)}) < min_edge_at_execution ${$(minEdge)}`, quote, edge, fee);
  }
  return { ok: true, limitPriceMicros: limit, edgeMicros: edge, feeMicros: fee, quoteMicros: quote };
}
