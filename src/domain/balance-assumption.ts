/**
 * The one explicit place for the assumption about Kalshi's `balance` and resting orders (issue 9; kalshi-api.md §4.1:
 * UNVERIFIED on Kalshi). Pure: no I/O. Used by the reconciliation plan's cash comparison (src/domain/reconcile.ts).
 */
import type { Centis, Micros } from './fixed';
import { notionalCeil } from './fixed';

/** The parts of an exchange order the collateral needs. */
export interface RestingOrderLike {
  status: string;
  action: 'buy' | 'sell';
  /** Limit in the side's own terms. */
  price: Micros;
  remainingCount: Centis;
}

/**
 * THE assumption about Kalshi's `balance` (kalshi-api.md §4.1: UNVERIFIED): it is NOT reduced by the collateral of
 * resting orders — only fills and settlements move it. This flag is the one place: the cash comparison reads the
 * balance through `unreservedBalanceMicros`, which adds the account's resting buy orders' cost back when it is true.
 * Checked against the simulator (test/execution/balance-assumption.test.ts: a resting order leaves its balance
 * unchanged) and, on demo, by `checkBalanceAssumption` (src/execution/balance-assumption.ts), which `preflight`
 * reports: a disagreement means this flag (and the docs) must change before real money.
 */
export const BALANCE_RESERVES_RESTING_COLLATERAL = false;

/**
 * The collateral the exchange would hold for resting orders: Σ limit × remaining count of resting BUY orders (a sell
 * of held contracts reserves no cash), in micros (rounded up per order, as a reservation would be).
 */
export function restingCollateralMicros(orders: readonly RestingOrderLike[]): Micros {
  return orders.filter((o) => o.status === 'resting' && o.action === 'buy').reduce((a, o) => a + notionalCeil(o.price, o.remainingCount), 0);
}

/** The balance as if nothing were reserved for resting orders (equal to `balance` under the current assumption). */
export function unreservedBalanceMicros(
  balance: Micros, orders: readonly RestingOrderLike[], reserves: boolean = BALANCE_RESERVES_RESTING_COLLATERAL,
): Micros {
  return reserves ? balance + restingCollateralMicros(orders) : balance;
}

