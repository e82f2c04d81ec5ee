/**
 * The one place where domain direction {side: yes|no, action: buy|sell} meets Kalshi's V2 book vocabulary
 * {side: bid|ask, price in YES terms} (kalshi-api.md §4.5). Wire sides never leave the client.
 *
 *   buy  YES at p → bid at p
 *   buy  NO  at p → ask at 1 − p
 *   sell YES at p → ask at p
 *   sell NO  at p → bid at 1 − p
 *
 * `p` is always in the side's own terms (a NO price for side no).
 */
import { complement, formatDollars, isTradablePrice, Micros } from '../../domain/fixed';

export type Side = 'yes' | 'no';
export type Action = 'buy' | 'sell';
/** Wire-only. */
export type BookSide = 'bid' | 'ask';

export interface DomainDirection {
  side: Side;
  action: Action;
  /** Limit price in the side's own terms. */
  price: Micros;
}

export interface WireDirection {
  side: BookSide;
  /** YES price, as the exchange wants it ("0.5600"). */
  price: string;
  yesPrice: Micros;
}

export class DirectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DirectionError';
  }
}

/** Domain order direction → V2 wire side and YES price string. Throws on a price outside (0, 1). */
export function toWireDirection(d: DomainDirection): WireDirection {
  if (d.side !== 'yes' && d.side !== 'no') throw new DirectionError(`side must be yes or no, got ${String(d.side)}`);
  if (d.action !== 'buy' && d.action !== 'sell') throw new DirectionError(`action must be buy or sell, got ${String(d.action)}`);
  if (!isTradablePrice(d.price)) throw new DirectionError(`price must be strictly between $0 and $1, got ${d.price} micros`);
  const yesPrice = d.side === 'yes' ? d.price : complement(d.price);
  const buysYesExposure = (d.side === 'yes') === (d.action === 'buy');
  return { side: buysYesExposure ? 'bid' : 'ask', price: formatDollars(yesPrice, 4), yesPrice };
}

/**
 * Inverse mapping for orders/fills/trades read back from the exchange.
 * `book_side` alone cannot tell "buy YES" from "sell NO" (both are bids), so the deprecated legacy `side`/`action` are
 * used when present and consistent; otherwise the canonical reading is taken (bid → buy YES, ask → buy NO), which has the
 * same position effect under Kalshi's netting. Returns null when the fields are missing or contradict each other.
 */
export function fromWireDirection(w: {
  bookSide?: string | null;
  outcomeSide?: string | null;
  legacySide?: string | null;
  legacyAction?: string | null;
  yesPrice: Micros;
}): DomainDirection | null {
  let book: BookSide | null = w.bookSide === 'bid' || w.bookSide === 'ask' ? w.bookSide : null;
  if (book === null && (w.outcomeSide === 'yes' || w.outcomeSide === 'no')) book = w.outcomeSide === 'yes' ? 'bid' : 'ask';
  if (book !== null && (w.outcomeSide === 'yes' || w.outcomeSide === 'no')) {
    if ((book === 'bid') !== (w.outcomeSide === 'yes')) return null; // outcome_side and book_side disagree
  }
  const legacyOk =
    (w.legacySide === 'yes' || w.legacySide === 'no') && (w.legacyAction === 'buy' || w.legacyAction === 'sell');
  let side: Side;
  let action: Action;
  if (legacyOk) {
    side = w.legacySide as Side;
    action = w.legacyAction as Action;
    const legacyBook: BookSide = (side === 'yes') === (action === 'buy') ? 'bid' : 'ask';
    if (book !== null && legacyBook !== book) return null;
  } else if (book !== null) {
    side = book === 'bid' ? 'yes' : 'no';
    action = 'buy';
  } else {
    return null;
  }
  return { side, action, price: side === 'yes' ? w.yesPrice : complement(w.yesPrice) };
}
