/**
 * Price-time-priority matching of one incoming order against a book. Pure with respect to accounts: it reports
 * matches (resting order, count, YES price = the resting order's price) and self-trade-prevention actions; the
 * exchange applies them (fees, balances, positions).
 */
import { Centis, Micros, ONE_DOLLAR } from '../domain/fixed';
import { OrderBook } from './book';
import type { SimOrder } from './types';

export interface Match { maker: SimOrder; count: Centis; priceYes: Micros }

export interface MatchResult {
  matches: Match[];
  /** Resting orders of the same account cancelled by STP `maker`. */
  stpCanceledMakers: SimOrder[];
  /** STP `taker_at_cross` stopped the incoming order. */
  stpStoppedTaker: boolean;
}

/** Crossable volume from other accounts (for fill-or-kill pre-checks). */
export function crossableVolume(book: OrderBook, taker: Pick<SimOrder, 'side' | 'priceYes' | 'accountId'>): Centis {
  let v = 0;
  for (const level of book.crossing(taker.side, taker.priceYes)) {
    for (const o of level.orders) if (o.accountId !== taker.accountId) v += o.remaining;
  }
  return v;
}

export function wouldCross(book: OrderBook, side: 'bid' | 'ask', priceYes: Micros): boolean {
  return book.crossing(side, priceYes).length > 0;
}

/** Match `taker` (remaining > 0) against `book`. Mutates resting orders' remaining and removes emptied ones. */
export function match(book: OrderBook, taker: SimOrder, maxIterations = 100_000): MatchResult {
  const res: MatchResult = { matches: [], stpCanceledMakers: [], stpStoppedTaker: false };
  let guard = 0;
  outer: for (const level of book.crossing(taker.side, taker.priceYes)) {
    const fillPriceYes = taker.side === 'bid' ? ONE_DOLLAR - level.price : level.price;
    for (const maker of [...level.orders]) {
      if (++guard > maxIterations) break outer;
      if (taker.remaining <= 0) break outer;
      if (maker.accountId === taker.accountId) {
        if (taker.stp === 'taker_at_cross') {
          res.stpStoppedTaker = true;
          break outer;
        }
        book.remove(maker);
        res.stpCanceledMakers.push(maker);
        continue;
      }
      const n = Math.min(maker.remaining, taker.remaining);
      maker.remaining -= n;
      maker.filled += n;
      taker.remaining -= n;
      taker.filled += n;
      res.matches.push({ maker, count: n, priceYes: fillPriceYes });
      if (maker.remaining === 0) book.remove(maker);
    }
    if (taker.remaining <= 0) break;
  }
  return res;
}
