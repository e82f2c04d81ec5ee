/**
 * The paper fill model (pure: no I/O, no clock). What a paper order may fill, and at what price, is decided only by
 * what the exchange showed:
 *
 *   taker  walks the visible opposite depth of the book it is given, best level first, never past its limit:
 *          buy YES ← YES asks (1 − NO bids) · buy NO ← NO asks (1 − YES bids) · sell YES → YES bids · sell NO → NO bids;
 *          one fill per level, taker fee per fill.
 *   maker  the rest rests at its limit and fills only from trades printed AFTER it was placed and no later than its
 *          expiry, strictly THROUGH its price (buy YES at 0.40 ← a print at yes_price < 0.40; sell YES at 0.60 ← a print
 *          at yes_price > 0.60; NO orders against no_price), up to each trade's count, each trade's count used once
 *          across all resting orders; maker fee by the series' fee type.
 *   cash   per fill as the exchange books it (kalshi-api.md §8): floor_$0.01(revenue − fee), the difference a rounding
 *          fee in the order's accumulator, a 1¢ rebate when that accumulator exceeds $0.01.
 */
import { BALANCE_STEP, FeeType, balanceChange, makerFee, takerFee } from '../domain/fees';
import { Centis, Micros, ONE_DOLLAR, complement, isTradablePrice, notional } from '../domain/fixed';
import type { Action, Side } from '../domain/trading-types';
import type { KalshiTrade, OrderbookLevel } from '../venues/kalshi/types';

export const FEE_TYPES: readonly FeeType[] = ['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat'];

export class PaperFillError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaperFillError';
  }
}

export interface PaperBook {
  ticker: string;
  /** YES bids / NO bids in their own terms, as served (any order; sorted here). */
  yesBids: OrderbookLevel[];
  noBids: OrderbookLevel[];
}

export interface TakerOrder {
  side: Side;
  action: Action;
  limitPriceMicros: Micros;
  countCentis: Centis;
  feeMultiplierPpm: number;
}

export interface BookFill {
  /** Price in the order side's own terms. */
  priceMicros: Micros;
  countCentis: Centis;
  feeMicros: Micros;
  /** Index of the level in the sorted taker levels (0 = best). */
  level: number;
}

function checkLevel(l: OrderbookLevel, where: string): void {
  if (!isTradablePrice(l.price)) throw new PaperFillError(`${where}: price ${String(l.price)} is not a tradable integer price`);
  if (!Number.isSafeInteger(l.size) || l.size <= 0) throw new PaperFillError(`${where}: size ${String(l.size)} is not a positive integer count`);
}

/** The levels an order on `side`/`action` takes, in that side's terms, best first. */
export function takerLevels(book: PaperBook, side: Side, action: Action): OrderbookLevel[] {
  book.yesBids.forEach((l, i) => checkLevel(l, `${book.ticker} yes bid ${i}`));
  book.noBids.forEach((l, i) => checkLevel(l, `${book.ticker} no bid ${i}`));
  if (action === 'buy') {
    const opposite = side === 'yes' ? book.noBids : book.yesBids;
    return opposite.map((l) => ({ price: complement(l.price), size: l.size })).sort((a, b) => a.price - b.price);
  }
  const own = side === 'yes' ? book.yesBids : book.noBids;
  return own.map((l) => ({ price: l.price, size: l.size })).sort((a, b) => b.price - a.price);
}

function checkOrder(o: TakerOrder): void {
  if (!isTradablePrice(o.limitPriceMicros)) throw new PaperFillError(`limit price ${String(o.limitPriceMicros)} is not a tradable integer price`);
  if (!Number.isSafeInteger(o.countCentis) || o.countCentis <= 0) throw new PaperFillError(`count ${String(o.countCentis)} is not a positive integer count`);
}

/** Walk the book level by level at or better than the limit. */
export function walkBook(book: PaperBook, o: TakerOrder): { fills: BookFill[]; filledCentis: Centis; remainingCentis: Centis } {
  checkOrder(o);
  const fills: BookFill[] = [];
  let remaining = o.countCentis;
  const levels = takerLevels(book, o.side, o.action);
  for (let i = 0; i < levels.length && remaining > 0; i++) {
    const l = levels[i];
    const ok = o.action === 'buy' ? l.price <= o.limitPriceMicros : l.price >= o.limitPriceMicros;
    if (!ok) break;
    const count = Math.min(remaining, l.size);
    fills.push({ priceMicros: l.price, countCentis: count, feeMicros: takerFee(count, l.price, o.feeMultiplierPpm), level: i });
    remaining -= count;
  }
  return { fills, filledCentis: o.countCentis - remaining, remainingCentis: remaining };
}

export interface RestingView {
  id: number;
  ticker: string;
  side: Side;
  action: Action;
  limitPriceMicros: Micros;
  remainingCentis: Centis;
  placedAtMs: number;
  expiresAtMs: number;
  feeType: string;
  feeMultiplierPpm: number;
}

export interface TradeFill {
  orderId: number;
  tradeId: string;
  /** The order's limit (a maker fills at its own price). */
  priceMicros: Micros;
  countCentis: Centis;
  feeMicros: Micros;
  atMs: number;
}

export function asFeeType(feeType: string): FeeType {
  if (!(FEE_TYPES as readonly string[]).includes(feeType)) throw new PaperFillError(`fee type ${JSON.stringify(feeType)} is not one the paper model knows`);
  return feeType as FeeType;
}

/** The trade's price in `side`'s terms. */
export function tradePrice(t: KalshiTrade, side: Side): Micros {
  return side === 'yes' ? t.yesPrice : t.noPrice;
}

/** Does a print at this trade go strictly through the order's limit? */
export function tradesThrough(o: Pick<RestingView, 'side' | 'action' | 'limitPriceMicros'>, t: KalshiTrade): boolean {
  const p = tradePrice(t, o.side);
  return o.action === 'buy' ? p < o.limitPriceMicros : p > o.limitPriceMicros;
}

/**
 * Fills of resting orders from printed trades. Trades are taken oldest first (then by id); each trade's unused count
 * (`used(tradeId)` already consumed) goes to the eligible orders most through the print first, then the oldest.
 * Block trades and trades without a time are never used.
 */
export function matchTrades(orders: RestingView[], trades: KalshiTrade[], used: (tradeId: string) => Centis): TradeFill[] {
  const remaining = new Map(orders.map((o) => [o.id, o.remainingCentis]));
  const timed = trades
    .map((t) => ({ t, ms: t.createdTime ? Date.parse(t.createdTime) : NaN }))
    .filter((x) => Number.isFinite(x.ms) && !x.t.isBlockTrade && Number.isSafeInteger(x.t.count) && x.t.count > 0)
    .sort((a, b) => a.ms - b.ms || (a.t.tradeId < b.t.tradeId ? -1 : a.t.tradeId > b.t.tradeId ? 1 : 0));
  const seen = new Set<string>();
  const out: TradeFill[] = [];
  for (const { t, ms } of timed) {
    if (seen.has(t.tradeId)) continue; // the same trade twice in one list (overlapping pages) counts once
    seen.add(t.tradeId);
    let left = t.count - used(t.tradeId);
    if (left <= 0) continue;
    const eligible = orders
      .filter((o) => o.ticker === t.ticker && (remaining.get(o.id) ?? 0) > 0 && ms > o.placedAtMs && ms <= o.expiresAtMs && tradesThrough(o, t))
      .sort((a, b) => improvement(b, t) - improvement(a, t) || a.placedAtMs - b.placedAtMs || a.id - b.id);
    for (const o of eligible) {
      if (left <= 0) break;
      const count = Math.min(left, remaining.get(o.id)!);
      out.push({
        orderId: o.id, tradeId: t.tradeId, priceMicros: o.limitPriceMicros, countCentis: count, atMs: ms,
        feeMicros: makerFee(asFeeType(o.feeType), count, o.limitPriceMicros, o.feeMultiplierPpm),
      });
      remaining.set(o.id, remaining.get(o.id)! - count);
      left -= count;
    }
  }
  return out;
}

function improvement(o: RestingView, t: KalshiTrade): number {
  const p = tradePrice(t, o.side);
  return o.action === 'buy' ? o.limitPriceMicros - p : p - o.limitPriceMicros;
}

export interface FillCash {
  /** −notional for a buy, +notional for a sell. */
  revenueMicros: Micros;
  feeMicros: Micros;
  /** floor_$0.01(revenue − fee) − (revenue − fee): ≤ 0. */
  roundingMicros: Micros;
  /** +$0.01 when the order's accumulator passed $0.01 on this fill, else 0. */
  rebateMicros: Micros;
  /** The order's rounding accumulator after this fill. */
  accumulatorMicros: Micros;
  /** The cash change: revenue − fee + rounding + rebate. */
  changeMicros: Micros;
}

/** The cash of one fill as the exchange books it (kalshi-api.md §8 steps 1–3). */
export function fillCash(action: Action, priceMicros: Micros, countCentis: Centis, feeMicros: Micros, accumulatorMicros: Micros): FillCash {
  const cost = notional(priceMicros, countCentis);
  const revenue = action === 'buy' ? -cost : cost;
  const floored = balanceChange(revenue, feeMicros);
  const roundingFee = revenue - feeMicros - floored;
  let acc = accumulatorMicros + roundingFee;
  let rebate = 0;
  if (acc > BALANCE_STEP) {
    rebate = BALANCE_STEP;
    acc -= BALANCE_STEP;
  }
  return { revenueMicros: revenue, feeMicros, roundingMicros: -roundingFee, rebateMicros: rebate, accumulatorMicros: acc, changeMicros: floored + rebate };
}

/** What a settled position pays: $1 per contract of the winning side, nothing for the other. */
export function settlementPayout(side: Side, countCentis: Centis, result: Side): Micros {
  return side === result ? notional(ONE_DOLLAR, countCentis) : 0;
}
