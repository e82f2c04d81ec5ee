/**
 * Accounts: cash balance, netted signed positions (+YES / −NO), fills and settlements. Balance changes per fill are
 * floored to the cent (balanceChange in domain/fees.ts) with the per-order rounding rebate of kalshi-api.md §8 step 3
 * (fillCash); positions net YES against NO at $1 a pair.
 */
import { Centis, Micros, ONE_DOLLAR, notional, complement } from '../domain/fixed';
import { balanceChange, BALANCE_STEP } from '../domain/fees';
import { mulDivFloor } from './int-math';
import { AccountSnapshot, recordAccount } from './read-lag';
import type { BookSide, SimFill, SimSettlement } from './types';

export interface Position {
  ticker: string;
  eventTicker: string;
  /** Signed centi-contracts: + YES, − NO. */
  position: Centis;
  /** Cost of the contracts currently held (in their own outcome's price). */
  costBasis: Micros;
  totalTraded: Micros;
  realizedPnl: Micros;
  feesPaid: Micros;
  lastUpdatedMs: number;
}

export interface Account {
  id: string;
  balance: Micros;
  positions: Map<string, Position>;
  fills: SimFill[];
  settlements: SimSettlement[];
  /** Every client_order_id ever accepted: ids are never freed (kalshi-api.md §5). */
  clientOrderIds: Set<string>;
  /** Latest activity (balance `updated_ts`). */
  updatedMs: number;
  /** Snapshots for the read-lag fault (read-lag.ts); the first is the opening state. */
  history: AccountSnapshot[];
}

export function newAccount(id: string, balance: Micros, nowMs: number): Account {
  const a: Account = { id, balance, positions: new Map(), fills: [], settlements: [], clientOrderIds: new Set(), updatedMs: nowMs, history: [] };
  recordAccount(a, Number.NEGATIVE_INFINITY);
  return a;
}

/** Price paid per contract of the outcome bought by a fill on `side` at YES price p. */
export function outcomePrice(side: BookSide, priceYes: Micros): Micros {
  return side === 'bid' ? priceYes : complement(priceYes);
}

/** Contracts of an order on `side` that would open (not net against) the current position. */
export function openingCount(pos: Centis, side: BookSide, count: Centis): Centis {
  const closable = side === 'bid' ? Math.max(0, -pos) : Math.max(0, pos);
  return count - Math.min(count, closable);
}

export interface FillCash {
  /** What the balance moves by: floor_$0.01(revenue − trade fee) + rebate. */
  change: Micros;
  /** floor's adjustment, in [0, $0.01). */
  roundingFee: Micros;
  /** $0.01 when the order's accumulator passed $0.01 on this fill, else 0. */
  rebate: Micros;
  /** The order's accumulator after this fill. */
  accumulator: Micros;
}

/**
 * Cash of one fill per kalshi-api.md §8 (docs getting_started/fee_rounding): balance_change = revenue − trade_fee,
 * floored toward −∞ to the cent; the difference is the rounding fee, added to the order's accumulator (kept across all
 * of the order's fills, taker and maker alike); once the accumulator EXCEEDS $0.01 a 1¢ rebate is credited and the
 * accumulator drops by $0.01. Exact integers (micros).
 */
export function fillCash(revenue: Micros, tradeFee: Micros, accumulator: Micros): FillCash {
  const floored = balanceChange(revenue, tradeFee);
  const roundingFee = revenue - tradeFee - floored;
  let acc = accumulator + roundingFee;
  let rebate = 0;
  if (acc > BALANCE_STEP) {
    rebate = BALANCE_STEP;
    acc -= BALANCE_STEP;
  }
  return { change: floored + rebate, roundingFee, rebate, accumulator: acc };
}

/**
 * Apply one fill of `order` to an account; returns the cash change (cent-aligned, rebate included). Updates the
 * order's rounding accumulator.
 */
export function applyFill(
  acct: Account, ticker: string, eventTicker: string, side: BookSide, count: Centis, priceYes: Micros, fee: Micros, nowMs: number,
  order: { roundingAccumulator: Micros },
): Micros {
  let p = acct.positions.get(ticker);
  if (!p) {
    p = { ticker, eventTicker, position: 0, costBasis: 0, totalTraded: 0, realizedPnl: 0, feesPaid: 0, lastUpdatedMs: nowMs };
    acct.positions.set(ticker, p);
  }
  const price = outcomePrice(side, priceYes);
  const cost = notional(price, count);
  const closing = count - openingCount(p.position, side, count);
  const opening = count - closing;
  let revenue = -cost;
  if (closing > 0) {
    // Each closing contract pairs with one held contract of the other outcome and releases $1.
    const released = notional(ONE_DOLLAR, closing);
    revenue += released;
    const held = Math.abs(p.position);
    const removedCost = mulDivFloor(p.costBasis, closing, held);
    p.costBasis -= removedCost;
    p.realizedPnl += released - notional(price, closing) - removedCost;
  }
  if (opening > 0) p.costBasis += notional(price, opening);
  p.position += side === 'bid' ? count : -count;
  if (p.position === 0) p.costBasis = 0;
  p.totalTraded += cost;
  p.feesPaid += fee;
  p.lastUpdatedMs = nowMs;
  const cash = fillCash(revenue, fee, order.roundingAccumulator);
  order.roundingAccumulator = cash.accumulator;
  const change = cash.change;
  acct.balance += change;
  acct.updatedMs = nowMs;
  recordAccount(acct, nowMs);
  return change;
}
