/**
 * A market's price grid (Kalshi `price_ranges`, kalshi-api.md §3.5): the valid order prices are `start + k·step`
 * within `[start, end]` of some range, and never $0 or $1. An empty list means the linear 1¢ grid 0.01 … 0.99.
 *
 * Grids are given in YES terms. A NO order at price q is valid when its YES equivalent 1 − q is (the book is one book;
 * every Kalshi structure is symmetric around 0.50, so the two agree in practice): use `isOnGridFor(side, …)`.
 *
 * A malformed range (non-integer, step ≤ 0, end < start, outside [$0, $1]) contributes no price at all: fail closed, never guess.
 * Pure, integers only.
 */
import { complement, Micros, ONE_DOLLAR } from './fixed';
import type { Side } from './trading-types';

export interface PriceRange {
  start: Micros;
  end: Micros;
  step: Micros;
}

/** One cent in micros: the step of the default (linear_cent) grid. */
export const CENT: Micros = 10_000;
/** The grid used when a market lists no `price_ranges`. */
export const LINEAR_CENT: readonly PriceRange[] = Object.freeze([Object.freeze({ start: 0, end: ONE_DOLLAR, step: CENT })]);

/** Highest and lowest prices that can ever be traded (exclusive of $0 and $1). */
const MIN_TRADABLE: Micros = 1;
const MAX_TRADABLE: Micros = ONE_DOLLAR - 1;

function wellFormed(r: PriceRange): boolean {
  return Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && Number.isSafeInteger(r.step) && r.step > 0 && r.step <= ONE_DOLLAR && r.start >= 0 && r.end >= r.start && r.end <= ONE_DOLLAR;
}

function rangesOf(ranges: readonly PriceRange[]): readonly PriceRange[] {
  return ranges.length === 0 ? LINEAR_CENT : ranges.filter(wellFormed);
}

/** Is `price` (YES terms) a valid order price on this grid? $0 and $1 never are. */
export function isOnGrid(price: Micros, ranges: readonly PriceRange[]): boolean {
  if (!Number.isSafeInteger(price) || price < MIN_TRADABLE || price > MAX_TRADABLE) return false;
  // rangesOf(ranges).some(...) without the filtered copy and the closure (called per side per market per cycle).
  if (ranges.length === 0) return (price - LINEAR_CENT[0].start) % CENT === 0;
  for (const r of ranges) if (wellFormed(r) && price >= r.start && price <= r.end && (price - r.start) % r.step === 0) return true;
  return false;
}

/** Is `price` of `side` a valid order price (a NO price is checked through its YES equivalent)? */
export function isOnGridFor(side: Side, price: Micros, ranges: readonly PriceRange[]): boolean {
  if (!Number.isSafeInteger(price)) return false;
  return isOnGrid(side === 'yes' ? price : complement(price), ranges);
}

/** The highest valid price ≤ `price`, or null if there is none (e.g. `price` below the grid's first tick). */
export function floorToGrid(price: Micros, ranges: readonly PriceRange[]): Micros | null {
  if (!Number.isSafeInteger(price)) return null;
  const p = Math.min(price, MAX_TRADABLE);
  let best: Micros | null = null;
  for (const r of rangesOf(ranges)) {
    if (p < r.start) continue;
    const top = Math.min(p, r.end);
    const cand = top - ((top - r.start) % r.step);
    if (cand >= MIN_TRADABLE && (best === null || cand > best)) best = cand;
  }
  return best;
}

/** The lowest valid price ≥ `price`, or null if there is none. */
export function ceilToGrid(price: Micros, ranges: readonly PriceRange[]): Micros | null {
  if (!Number.isSafeInteger(price)) return null;
  const p = Math.max(price, MIN_TRADABLE);
  let best: Micros | null = null;
  for (const r of rangesOf(ranges)) {
    if (p > r.end) continue;
    const rem = p <= r.start ? 0 : (p - r.start) % r.step;
    const cand = p <= r.start ? r.start : rem === 0 ? p : p + (r.step - rem);
    if (cand < MIN_TRADABLE || cand > r.end || cand > MAX_TRADABLE) continue;
    if (best === null || cand < best) best = cand;
  }
  return best;
}
