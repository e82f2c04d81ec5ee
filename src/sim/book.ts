/**
 * One market's order book: YES bids and NO bids, each a price-ascending list of FIFO levels (best = last).
 * A V2 `bid` at YES price p rests in the YES book at p; an `ask` at YES price p is a NO bid at 1 − p.
 */
import { Centis, Micros, ONE_DOLLAR } from '../domain/fixed';
import type { SimOrder } from './types';

export interface Level { price: Micros; orders: SimOrder[] }

export class OrderBook {
  /** Bids to buy YES, keyed by YES price. */
  readonly yes: Level[] = [];
  /** Bids to buy NO, keyed by NO price. */
  readonly no: Level[] = [];

  static bookPrice(o: SimOrder): Micros {
    return o.side === 'bid' ? o.priceYes : ONE_DOLLAR - o.priceYes;
  }

  private sideOf(o: SimOrder): Level[] {
    return o.side === 'bid' ? this.yes : this.no;
  }

  add(o: SimOrder): void {
    const levels = this.sideOf(o);
    const price = OrderBook.bookPrice(o);
    let i = 0;
    while (i < levels.length && levels[i].price < price) i++;
    if (i < levels.length && levels[i].price === price) {
      // Keep FIFO by seq (an amended order gets a fresh seq and goes to the back).
      const q = levels[i].orders;
      let j = q.length;
      while (j > 0 && q[j - 1].seq > o.seq) j--;
      q.splice(j, 0, o);
    } else {
      levels.splice(i, 0, { price, orders: [o] });
    }
  }

  remove(o: SimOrder): void {
    const levels = this.sideOf(o);
    const price = OrderBook.bookPrice(o);
    const i = levels.findIndex((l) => l.price === price);
    if (i < 0) return;
    const q = levels[i].orders;
    const j = q.indexOf(o);
    if (j >= 0) q.splice(j, 1);
    if (q.length === 0) levels.splice(i, 1);
  }

  /** Levels an incoming order can match, best first: for a bid, NO bids with 1 − q ≤ p; for an ask, YES bids ≥ p. */
  crossing(side: 'bid' | 'ask', priceYes: Micros): Level[] {
    const out: Level[] = [];
    if (side === 'bid') {
      for (let i = this.no.length - 1; i >= 0; i--) if (ONE_DOLLAR - this.no[i].price <= priceYes) out.push(this.no[i]);
    } else {
      for (let i = this.yes.length - 1; i >= 0; i--) if (this.yes[i].price >= priceYes) out.push(this.yes[i]);
    }
    return out;
  }

  static levelSize(l: Level): Centis {
    return l.orders.reduce((s, o) => s + o.remaining, 0);
  }

  best(side: 'yes' | 'no'): { price: Micros; size: Centis } | null {
    const levels = side === 'yes' ? this.yes : this.no;
    const l = levels[levels.length - 1];
    return l ? { price: l.price, size: OrderBook.levelSize(l) } : null;
  }

  /** Snapshot as [price, size] ascending; `depth` > 0 keeps only the best `depth` levels. */
  snapshot(side: 'yes' | 'no', depth = 0): Array<[Micros, Centis]> {
    const levels = side === 'yes' ? this.yes : this.no;
    const rows = levels.map((l): [Micros, Centis] => [l.price, OrderBook.levelSize(l)]).filter(([, s]) => s > 0);
    return depth > 0 ? rows.slice(Math.max(0, rows.length - depth)) : rows;
  }

  allOrders(): SimOrder[] {
    return [...this.yes, ...this.no].flatMap((l) => l.orders);
  }
}
