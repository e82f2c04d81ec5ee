/** Price structures and grid checks. `price_ranges` is the source of truth for valid order prices. */
import { Micros, ONE_DOLLAR } from '../domain/fixed';
import type { PriceRange } from './types';

const C = 10_000; // one cent in micros

export const PRICE_STRUCTURES: Record<string, PriceRange[]> = {
  linear_cent: [{ start: 0, end: ONE_DOLLAR, step: C }],
  deci_cent: [{ start: 0, end: ONE_DOLLAR, step: 1_000 }],
  tapered_deci_cent: [
    { start: 0, end: 100_000, step: 1_000 },
    { start: 100_000, end: 900_000, step: C },
    { start: 900_000, end: ONE_DOLLAR, step: 1_000 },
  ],
};

/** Is `price` an order price on this grid? 0 and 1 never are. */
export function isOnGrid(price: Micros, ranges: PriceRange[]): boolean {
  if (!Number.isSafeInteger(price) || price <= 0 || price >= ONE_DOLLAR) return false;
  return ranges.some((r) => price >= r.start && price <= r.end && (price - r.start) % r.step === 0);
}

/** The coarsest step that applies at `price` (used to snap house quotes onto the grid). */
export function stepAt(price: Micros, ranges: PriceRange[]): Micros {
  let step = 0;
  for (const r of ranges) if (price >= r.start && price <= r.end) step = Math.max(step, r.step);
  return step || C;
}

/** Snap a price down (or up) onto the grid, clamped into the open interval (0, 1). */
export function snap(price: Micros, ranges: PriceRange[], dir: 'down' | 'up'): Micros {
  const step = stepAt(Math.min(Math.max(price, 1), ONE_DOLLAR - 1), ranges);
  let p = dir === 'down' ? Math.floor(price / step) * step : Math.ceil(price / step) * step;
  if (p <= 0) p = step;
  if (p >= ONE_DOLLAR) p = ONE_DOLLAR - step;
  return p;
}
