/**
 * decideCycle with the model bench (issue 13, docs/scoring.md), pure: an estimate of a benched {model, series} opens
 * nothing (model_underperforms_market_guard); a model-wide entry covers every series; exits and other models trade.
 * Fixtures as in decide-exits.test.ts (H held, exit at 0.70; N an entry in series KXE) plus F, an entry in series KXF.
 */
import { capitalSnapshot } from '../../src/domain/capital';
import { initialControlState, type ControlState } from '../../src/domain/control';
import { initialDailyLossState } from '../../src/domain/daily-loss';
import { decideCycle, type DecideInput } from '../../src/domain/decide';
import { initialDrawdownState } from '../../src/domain/drawdown';
import { initialFailureCooldownState } from '../../src/domain/failure-cooldown';
import type { Estimate } from '../../src/domain/trading-types';
import { snapshot } from './market-fixture';

const H = snapshot({ ticker: 'KXT-26JAN01-A', eventTicker: 'KXT-26JAN01', seriesTicker: 'KXT', yesBid: { price: 700_000, size: 2_000 }, yesAsk: { price: 720_000, size: 500 } });
const N = snapshot({ ticker: 'KXE-26FEB01-B', eventTicker: 'KXE-26FEB01', seriesTicker: 'KXE' });
const F = snapshot({ ticker: 'KXF-26FEB01-C', eventTicker: 'KXF-26FEB01', seriesTicker: 'KXF' });
const est = (ticker: string, probabilityPpm: number, source = 'test'): Estimate => ({ ticker, probabilityPpm, confidencePpm: 900_000, source, asOfMs: 1_000, reasoning: 'test' });
const HELD = { ticker: H.ticker, eventTicker: H.eventTicker, side: 'yes' as const, countCentis: 1_000, costMicros: 5_380_000 };
const EXIT = {
  ticker: H.ticker, eventTicker: H.eventTicker, side: 'yes', action: 'sell', priceMicros: 700_000, countCentis: 1_000, fairPpm: 550_000,
  edgeMicros: 135_000, confidencePpm: 900_000, reduceOnly: true, feeMicros: 150_000,
};

function input(over: Partial<DecideInput> = {}, control: Partial<ControlState> = {}): DecideInput {
  return {
    cycle: 7,
    nowMs: 1_000,
    mode: 'dry-run',
    scope: { marketIds: [], eventTickers: [], seriesTickers: ['KXT', 'KXE', 'KXF'] },
    markets: [H, N, F],
    estimates: [est(H.ticker, 550_000), est(N.ticker, 800_000), est(F.ticker, 800_000)],
    positions: [HELD],
    exitPolicy: 'take_profit',
    rules: {
      minEdge: 100_000, minConfidencePpm: 750_000, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: 150_000,
      heavyFavoriteBuyNoMinConfidencePpm: 850_000, allowFeeMultipliers: [], maxKellyFractionPpm: 250_000, maxPositionSize: 1_000_000_000,
      minTimeToCloseMs: 0,
    },
    capital: capitalSnapshot({
      bankrollMicros: 10_000_000_000, realisedPnlMicros: 0, positions: [{ costMicros: 5_380_000, markMicros: 7_000_000 }], restingOrders: [],
      accountEquityMicros: null, todaysNewExposureMicros: 5_380_000, maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 800_000,
    }),
    marketExposure: { [H.ticker]: 5_380_000 },
    exposure: { markets: [H.ticker], events: [H.eventTicker] },
    caps: { maxOrdersPerCycle: 10, maxNotionalPerCycleMicros: 10_000_000_000, maxTradesPerMarketPerDay: 3 },
    tradesToday: { [H.ticker]: 1 },
    guard: {
      control: { ...initialControlState(), ...control },
      dailyLoss: initialDailyLossState(), drawdown: initialDrawdownState(), failureCooldown: initialFailureCooldownState(),
      limits: { dailyLossLimitFractionPpm: 100_000, maxDrawdownFractionPpm: null, failureStreakCooldownThreshold: 0, failureCooldownCycles: 0 },
    },
    ...over,
  };
}

const entries = (r: ReturnType<typeof decideCycle>) => r.intents.filter((i) => !i.reduceOnly).map((i) => i.ticker);
const benchSkips = (r: ReturnType<typeof decideCycle>) => r.decisions.filter((d) => d.reason === 'model_underperforms_market_guard').map((d) => d.ticker);

describe('decideCycle: the model bench', () => {
  it('no bench: the exit and both entries', () => {
    const r = decideCycle(input());
    expect(entries(r)).toEqual([N.ticker, F.ticker]);
    expect(r.intents.filter((i) => i.reduceOnly)).toHaveLength(1);
  });

  it('{test, KXE} benched: the KXE entry is refused, the KXF entry and the exit go', () => {
    const r = decideCycle(input({ benched: [{ model: 'test', series: 'KXE' }] }));
    expect(entries(r)).toEqual([F.ticker]);
    expect(r.intents.filter((i) => i.reduceOnly).map((i) => i.ticker)).toEqual([H.ticker]);
    expect(benchSkips(r)).toEqual([N.ticker]);
    const d = r.decisions.find((x) => x.reason === 'model_underperforms_market_guard')!;
    expect(d).toMatchObject({ side: 'yes', decision: 'skip', countCentis: 0 });
    expect(d.detail).toContain('--model test --series KXE');
    expect(r.counts.opportunities).toBe(2); // H's NO side and F; N was refused before sizing
    expect(r.counts.skipped.model_underperforms_market_guard).toBe(1);
  });

  it('the whole model benched: no entry at all, the exit still goes, and the one-line reason says why', () => {
    const r = decideCycle(input({ benched: [{ model: 'test', series: null }], positions: [], exitPolicy: 'hold' }));
    expect(r.intents).toEqual([]);
    expect(benchSkips(r).sort()).toEqual([F.ticker, H.ticker, N.ticker].sort());
    expect(r.whyNoTrade).toMatch(/model is benched \(model_underperforms_market_guard × 3\)/);
    const withExit = decideCycle(input({ benched: [{ model: 'test', series: null }] }));
    expect(withExit.intents.map((i) => [i.ticker, i.reduceOnly])).toEqual([[H.ticker, true]]);
  });

  it("another model's estimates are not touched by a bench entry of 'test'", () => {
    const r = decideCycle(input({
      benched: [{ model: 'test', series: null }],
      estimates: [est(H.ticker, 550_000), est(N.ticker, 800_000, 'other'), est(F.ticker, 800_000)],
    }));
    expect(entries(r)).toEqual([N.ticker]);
  });
});
