/**
 * Kalshi's live/historical partition, the part the bot relies on (kalshi-api.md §4.4: "Canceled/executed orders older
 * than the historical cutoff only via GET /historical/orders; resting orders always listed").
 *
 *   GET /historical/cutoff → { market_settled_ts, trades_created_ts, orders_updated_ts } (ISO times). The simulator
 *   moves only ORDERS: one canceled/executed before `orders_updated_ts` (by its last update) leaves GET
 *   /portfolio/orders. /historical/orders itself is not simulated (the bot does not read it: such an order's journal
 *   row stays unknown and alerts, docs/reconciliation.md). The two other cutoffs are reported, not applied.
 *
 * The cutoff: SimCore.historicalCutoffMs (sim.setHistoricalCutoff(ms)); null (the default) = one year before the
 * simulator's clock, which a simulated week never reaches.
 */
import type { SimCore } from './core';
import { Route, ok } from './router';
import type { SimOrder } from './types';
import { isoMicro } from './wire';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export function historicalCutoffMs(core: SimCore): number {
  return core.historicalCutoffMs ?? core.exchange.nowMs - YEAR_MS;
}

/** Is the order still in the live tier (GET /portfolio/orders)? */
export function inLiveTier(core: SimCore, o: SimOrder): boolean {
  return o.status === 'resting' || o.lastUpdateMs >= historicalCutoffMs(core);
}

export const historicalRoutes: Route[] = [
  { method: 'GET', pattern: '/historical/cutoff', auth: false, handler: (ctx) => {
    const t = isoMicro(historicalCutoffMs(ctx.core));
    return ok({ market_settled_ts: t, trades_created_ts: t, orders_updated_ts: t });
  } },
];
