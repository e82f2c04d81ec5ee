/**
 * The decision core's optimisations (issue 14 P2) change no decision: a seeded 2,000-market cycle (quotes on both
 * sides or none, sub-grid prices, non-default fee multipliers, markets closing soon, missing estimates, budget skips,
 * held positions with take-profit exits, a cap that binds) gives byte-for-byte the result the code gave before the
 * optimisation — its SHA-256 and a few counts were recorded from that code (commit 55b1d02).
 */
import { createHash } from 'node:crypto';
import { capitalSnapshot } from '../../src/domain/capital';
import { initialControlState } from '../../src/domain/control';
import { initialDailyLossState } from '../../src/domain/daily-loss';
import { decideCycle, type DecideInput } from '../../src/domain/decide';
import { initialDrawdownState } from '../../src/domain/drawdown';
import { initialFailureCooldownState } from '../../src/domain/failure-cooldown';
import type { Estimate, MarketSnapshot } from '../../src/domain/trading-types';
import { snapshot } from './market-fixture';

/** A small deterministic generator (mulberry32): the same seed, the same markets on every machine. */
function rng(seed: number): (n: number) => number {
  let a = seed >>> 0;
  return (n) => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) % n);
  };
}

function seededInput(seed: number, n: number): DecideInput {
  const r = rng(seed);
  const nowMs = 1_800_000_000_000;
  const markets: MarketSnapshot[] = [];
  const estimates: Estimate[] = [];
  const budgetSkips: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const series = `KXS${i % 37}`;
    const event = `${series}-E${i % 211}`;
    const ticker = `${event}-M${i}`;
    const bid = 10_000 * (1 + r(98));
    const spread = 10_000 * r(6);
    const quote = r(10);
    const subGrid = r(40) === 0 ? 5_000 : 0;
    markets.push(snapshot({
      ticker, eventTicker: event, seriesTicker: r(50) === 0 ? null : series,
      closeTimeMs: r(30) === 0 ? nowMs + 30_000 : nowMs + 86_400_000 * (1 + r(30)),
      yesBid: quote === 0 ? null : { price: bid, size: 100 * r(500) },
      yesAsk: quote === 1 ? null : { price: Math.min(990_000, bid + spread + subGrid), size: 100 * r(500) },
      feeMultiplierPpm: r(25) === 0 ? 500_000 : 1_000_000, feeUnverified: r(60) === 0,
    }));
    const e = r(12);
    if (e === 0) continue;
    if (e === 1) {
      budgetSkips[ticker] = 'budget reached';
      continue;
    }
    estimates.push({ ticker, probabilityPpm: 1 + r(999_998), confidencePpm: 500_000 + r(500_001), source: r(3) === 0 ? 'llm' : 'test', asOfMs: nowMs, reasoning: '' });
  }
  const held = markets.filter((_, i) => i % 97 === 0);
  return {
    cycle: 3, nowMs, mode: 'dry-run',
    scope: { marketIds: [], eventTickers: [], seriesTickers: Array.from({ length: 30 }, (_, i) => `KXS${i}`) },
    markets, estimates, budgetSkips,
    positions: held.map((m) => ({ ticker: m.ticker, eventTicker: m.eventTicker, side: 'yes' as const, countCentis: 1_000, costMicros: 4_000_000 })),
    exitPolicy: 'take_profit',
    rules: {
      minEdge: 30_000, minConfidencePpm: 700_000, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: 150_000,
      heavyFavoriteBuyNoMinConfidencePpm: 850_000, allowFeeMultipliers: ['KXS3'], maxKellyFractionPpm: 250_000, maxPositionSize: 50_000_000,
      minTimeToCloseMs: 60_000, countStepCentis: 100,
    },
    capital: capitalSnapshot({
      bankrollMicros: 1_000_000_000, realisedPnlMicros: 0, positions: held.map(() => ({ costMicros: 4_000_000, markMicros: 4_500_000 })), restingOrders: [],
      accountEquityMicros: null, todaysNewExposureMicros: 10_000_000, maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 500_000,
    }),
    marketExposure: Object.fromEntries(held.map((m) => [m.ticker, 4_000_000])),
    exposure: { markets: held.map((m) => m.ticker), events: held.map((m) => m.eventTicker) },
    caps: { maxOrdersPerCycle: 25, maxNotionalPerCycleMicros: 200_000_000, maxTradesPerMarketPerDay: 2, maxPositions: 40 },
    tradesToday: {},
    guard: {
      control: initialControlState(), dailyLoss: initialDailyLossState(), drawdown: initialDrawdownState(), failureCooldown: initialFailureCooldownState(),
      limits: { dailyLossLimitFractionPpm: 100_000, maxDrawdownFractionPpm: null, failureStreakCooldownThreshold: 3, failureCooldownCycles: 2 },
    },
  };
}

test('a seeded 2,000-market cycle decides exactly as before the optimisation', () => {
  const out = decideCycle(seededInput(20261202, 2_000));
  const digest = createHash('sha256').update(JSON.stringify(out)).digest('hex');
  expect({ intents: out.intents.length, decisions: out.decisions.length, skipped: out.counts.skipped, opportunities: out.counts.opportunities, exits: out.counts.exits }).toEqual(GOLDEN.counts);
  expect(digest).toBe(GOLDEN.sha256);
});

const GOLDEN = {
  counts: {
    intents: 8, decisions: 2021, opportunities: 613, exits: 6,
    skipped: {
      heavy_favorite_guard: 76, no_estimate_guard: 173, min_edge_guard: 204, llm_budget_guard: 162, min_confidence_guard: 629, fee_unverified_guard: 77,
      min_time_to_close_guard: 77, no_quote_guard: 4, duplicate_exposure_guard: 3, max_notional_per_cycle_guard: 606, final_scope_guard: 2,
    },
  },
  sha256: '1095779e17b21f6db8818aecd11303f91301455103fd0b81400710e60f01953a',
};
