/**
 * Background liquidity, seeded and deterministic per (seed, market, tick): a house maker quotes a small ladder around
 * a noisy view of the market probability (market-drift.ts: the scenario's `market_probability`, default the true
 * probability, drifting by a seeded walk) and re-quotes periodically; background takers ("other traders") hit the
 * house quotes with IOC orders, leaning toward the market probability — they know no more than the market, so a
 * mispriced market stays mispriced. Their fills print on the public trades feed (GET /markets/trades). House orders
 * trade with user orders like anyone else.
 */
import { ONE_DOLLAR } from '../domain/fixed';
import { Exchange, HOUSE_MAKER, HOUSE_TAKER } from './exchange';
import { marketProbabilityAt } from './market-drift';
import { snap } from './price-grid';
import { rngFor } from './prng';
import type { SimMarket } from './types';

export interface LiquidityOptions {
  tickMs: number;
  /** Re-quote every N ticks. */
  requoteEvery: number;
  /** Chance per tick (ppm) of a house taker trade. */
  takerChancePpm: number;
  levels: number;
}

export const DEFAULT_LIQUIDITY: LiquidityOptions = { tickMs: 60_000, requoteEvery: 5, takerChancePpm: 350_000, levels: 3 };

const CENT = 10_000;

export function liquidityTick(ex: Exchange, seed: number, m: SimMarket, tick: number, opts: LiquidityOptions): void {
  if (m.status !== 'active' || ex.tradingPaused()) return;
  const rng = rngFor(seed, 'liq', m.ticker, tick);
  const book = ex.books.get(m.ticker)!;
  const houseResting = book.allOrders().filter((o) => o.accountId === HOUSE_MAKER);
  const centre = marketProbabilityAt(seed, m, tick * opts.tickMs);
  if (tick % opts.requoteEvery === 0 || houseResting.length === 0) {
    for (const o of houseResting) ex.cancelResting(o);
    const fair = clamp(centre + rng.range(-20_000, 20_000), 20_000, ONE_DOLLAR - 20_000);
    const half = rng.range(1, 3) * CENT;
    for (let i = 0; i < opts.levels; i++) {
      const bid = snap(fair - half - i * CENT, m.priceRanges, 'down');
      const ask = snap(fair + half + i * CENT, m.priceRanges, 'up');
      if (bid > 0 && bid < ask) {
        ex.houseOrder(HOUSE_MAKER, m.ticker, 'bid', bid, rng.range(5, 40) * 100, 'good_till_canceled');
        ex.houseOrder(HOUSE_MAKER, m.ticker, 'ask', ask, rng.range(5, 40) * 100, 'good_till_canceled');
      }
    }
  }
  if (rng.chancePpm(opts.takerChancePpm)) {
    const yesAsk = book.best('no');
    const yesBid = book.best('yes');
    const mid = yesAsk && yesBid ? Math.floor((ONE_DOLLAR - yesAsk.price + yesBid.price) / 2) : centre;
    // Lean toward the market probability: buy YES more often when it is above the mid.
    const buyPpm = clamp(500_000 + (centre - mid) * 4, 100_000, 900_000);
    const size = rng.range(1, 15) * 100;
    if (rng.chancePpm(buyPpm)) {
      if (yesAsk) ex.houseOrder(HOUSE_TAKER, m.ticker, 'bid', snap(ONE_DOLLAR - yesAsk.price + CENT, m.priceRanges, 'up'), size, 'immediate_or_cancel');
    } else if (yesBid) {
      ex.houseOrder(HOUSE_TAKER, m.ticker, 'ask', snap(yesBid.price - CENT, m.priceRanges, 'down'), size, 'immediate_or_cancel');
    }
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
