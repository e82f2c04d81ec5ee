/**
 * Moves the exchange's market time forward deterministically: liquidity ticks on a fixed grid of market time,
 * lifecycle transitions and expirations at their own times, then "now". Bounded work per call.
 */
import type { Exchange } from './exchange';
import { runLifecycle } from './lifecycle';
import { LiquidityOptions, liquidityTick } from './liquidity';

export interface MarketTime {
  lastTickIndex: number;
}

export const MAX_TICKS_PER_SYNC = 50_000;

export function syncTo(ex: Exchange, seed: number, mt: MarketTime, target: number, liq: LiquidityOptions | null): void {
  if (target < ex.nowMs) return;
  if (liq) {
    let first = mt.lastTickIndex + 1;
    const last = Math.floor(target / liq.tickMs);
    // Bound: beyond MAX_TICKS_PER_SYNC, older ticks are skipped (lifecycle still runs at its own times).
    if (last - first + 1 > MAX_TICKS_PER_SYNC) {
      runLifecycle(ex, seed, (last - MAX_TICKS_PER_SYNC) * liq.tickMs, ex.nowMs);
      ex.nowMs = Math.max(ex.nowMs, (last - MAX_TICKS_PER_SYNC) * liq.tickMs);
      first = last - MAX_TICKS_PER_SYNC + 1;
    }
    for (let t = first; t <= last; t++) {
      const ms = t * liq.tickMs;
      runLifecycle(ex, seed, ms, ex.nowMs);
      ex.nowMs = Math.max(ex.nowMs, ms);
      for (const m of ex.markets.values()) liquidityTick(ex, seed, m, t, liq);
    }
    mt.lastTickIndex = Math.max(mt.lastTickIndex, last);
  }
  runLifecycle(ex, seed, target, ex.nowMs);
  ex.nowMs = target;
}
