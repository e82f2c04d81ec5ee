/**
 * The exchange-side order group's limit, derived from the risk config (issue 9 "Exchange-side backstops"). Pure.
 *
 * Only entries go in the group (a tripped group must never stop an exit). One cycle's entries cost at most
 * `risk.max_notional_per_cycle`, and no contract costs less than the smallest tick ($0.01), so the entries of one
 * cycle can never legitimately match more than max_notional_per_cycle / $0.01 contracts: that is the limit. Matching
 * more inside the exchange's window means orders the bot did not mean to send (a duplicate-send bug, a runaway loop):
 * the exchange cancels the group and refuses its new orders, and the lane latches order_group_tripped_guard.
 */
import type { Centis, Micros } from './fixed';

/** The smallest price a contract trades at (the tick of the cent grid). */
export const MIN_CONTRACT_PRICE_MICROS: Micros = 10_000;

/** The group's contracts limit (centi-contracts, whole contracts, ≥ 1 contract) from risk.max_notional_per_cycle. */
export function orderGroupContractsLimit(maxNotionalPerCycle: Micros): Centis {
  if (!Number.isSafeInteger(maxNotionalPerCycle) || maxNotionalPerCycle <= 0) throw new RangeError(`risk.max_notional_per_cycle must be a positive amount (got ${maxNotionalPerCycle})`);
  return Math.max(1, Math.ceil(maxNotionalPerCycle / MIN_CONTRACT_PRICE_MICROS)) * 100;
}

/** The exchange's refusal of an order in a group whose limit was reached (the simulator's guess of Kalshi's code). */
export const ORDER_GROUP_LIMIT_REACHED = 'order_group_limit_reached';
