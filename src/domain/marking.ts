/**
 * The one marking rule (issue 8), used by sizing, guards, status and reports alike:
 *   - a determined market (result `yes`/`no`): its settlement value, $1 per contract of the winning side, $0 otherwise;
 *   - else the best bid of the held side (YES: best YES bid; NO: 1 − best YES ask, i.e. the best NO bid);
 *   - else min(last trade of the held side, cost) — never above what was paid when nobody bids;
 *   - with neither bid nor trade: at cost (no information, no gain, no loss).
 * Values are floored to the micro (a mark never overstates). Pure, integers only.
 */
import { Centis, complement, isTradablePrice, Micros, notional, ONE_DOLLAR } from './fixed';
import type { MarketSnapshot, Side } from './trading-types';

export interface HeldPosition {
  side: Side;
  countCentis: Centis;
  /** What the position cost (micros, total). */
  costMicros: Micros;
}

export type MarkBasis = 'settlement' | 'bid' | 'last' | 'cost';

export interface Mark {
  valueMicros: Micros;
  basis: MarkBasis;
  /** The per-contract price used (null when marked at cost). */
  priceMicros: Micros | null;
}

export type MarkableMarket = Pick<MarketSnapshot, 'yesBid' | 'yesAsk' | 'lastPrice' | 'result'>;

function check(p: HeldPosition): void {
  if (p.side !== 'yes' && p.side !== 'no') throw new RangeError(`side must be yes or no (got ${String(p.side)})`);
  if (!Number.isSafeInteger(p.countCentis) || p.countCentis < 0) throw new RangeError(`count must be a non-negative integer (got ${p.countCentis})`);
  if (!Number.isSafeInteger(p.costMicros)) throw new RangeError(`cost must be an integer (got ${p.costMicros})`);
}

/** The best bid of the held side, if quoted (size > 0, strictly between $0 and $1). */
export function heldSideBid(market: MarkableMarket, side: Side): Micros | null {
  const q = side === 'yes' ? market.yesBid : market.yesAsk;
  if (!q || !Number.isSafeInteger(q.size) || q.size <= 0 || !isTradablePrice(q.price)) return null;
  return side === 'yes' ? q.price : complement(q.price);
}

export function markPositionWithBasis(position: HeldPosition, market: MarkableMarket): Mark {
  check(position);
  const { side, countCentis: n, costMicros: cost } = position;
  if (market.result === 'yes' || market.result === 'no') {
    const price = market.result === side ? ONE_DOLLAR : 0;
    return { valueMicros: notional(price, n), basis: 'settlement', priceMicros: price };
  }
  const bid = heldSideBid(market, side);
  if (bid !== null) return { valueMicros: notional(bid, n), basis: 'bid', priceMicros: bid };
  const last = market.lastPrice;
  if (last !== null && Number.isSafeInteger(last) && last >= 0 && last <= ONE_DOLLAR) {
    const price = side === 'yes' ? last : complement(last);
    const atLast = notional(price, n);
    if (atLast < cost) return { valueMicros: atLast, basis: 'last', priceMicros: price };
  }
  return { valueMicros: cost, basis: 'cost', priceMicros: null };
}

/** The mark value of a held side (micros). */
export function markPosition(position: HeldPosition, market: MarkableMarket): Micros {
  return markPositionWithBasis(position, market).valueMicros;
}

/** mark − cost (micros; negative is a loss not yet realised). */
export function unrealisedPnl(position: HeldPosition, market: MarkableMarket): Micros {
  return markPosition(position, market) - position.costMicros;
}
