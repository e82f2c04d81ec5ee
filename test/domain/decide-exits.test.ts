/**
 * decideCycle with exits (strategy.exit_policy take_profit), pure. The held market H: 10 YES bought earlier, now YES
 * bid 0.70 × 20, fair 0.55 → exit: sell 10 YES @ 0.70, fee 0.15, edge 0.135 (hand-computed in exits.test.ts). The
 * entry market N: YES ask 0.52, p 0.80 → a YES entry. Exits pass pause, reduce-only and the per-cycle caps; the kill
 * switch and the final scope check stop them.
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
const est = (ticker: string, probabilityPpm: number): Estimate => ({ ticker, probabilityPpm, confidencePpm: 900_000, source: 'test', asOfMs: 1_000, reasoning: 'test' });
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
    scope: { marketIds: [], eventTickers: [], seriesTickers: ['KXT', 'KXE'] },
    markets: [H, N],
    estimates: [est(H.ticker, 550_000), est(N.ticker, 800_000)],
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

const exitRecord = { cycle: 7, ticker: H.ticker, side: 'yes', fairValuePpm: 550_000, priceMicros: 700_000, edgeMicros: 135_000, confidencePpm: 900_000, countCentis: 1_000 };

describe('decideCycle: exits', () => {
  it('take_profit: the exit and the entry are both ordered; an entry on the held market is de-duplicated, the exit is not', () => {
    const r = decideCycle(input());
    expect(r.intents.map((i) => [i.ticker, i.action, i.reduceOnly])).toEqual([[H.ticker, 'sell', true], [N.ticker, 'buy', false]]);
    expect(r.intents[0]).toEqual(EXIT);
    expect(r.counts).toMatchObject({ opportunities: 2, exits: 1 });
    const orders = r.decisions.filter((d) => d.decision === 'order');
    expect(orders[0]).toEqual({ ...exitRecord, decision: 'order', reason: null, detail: null });
    // The entry side of H (buy NO at 0.30 against fair 0.45) is a real opportunity, refused: already exposed.
    expect(r.decisions.filter((d) => d.ticker === H.ticker && d.decision === 'skip').map((d) => [d.side, d.reason])).toEqual([['no', 'duplicate_exposure_guard']]);
    expect(r.whyNoTrade).toBeNull();
  });

  it('paused: entries refused (paused_guard), the exit still passes', () => {
    const r = decideCycle(input({}, { paused: true }));
    expect(r.intents).toEqual([EXIT]);
    expect(r.verdict).toMatchObject({ entriesAllowed: false, exitsAllowed: true, blockedBy: 'paused_guard', exitsBlockedBy: null });
    expect(r.decisions.filter((d) => d.decision === 'order')).toEqual([{ ...exitRecord, decision: 'order', reason: null, detail: null }]);
    expect(r.decisions.filter((d) => d.reason === 'paused_guard').map((d) => [d.ticker, d.side])).toEqual([[N.ticker, 'yes'], [H.ticker, 'no']]);
    expect(r.counts.skipped).toEqual({ paused_guard: 2 });
  });

  it('reduce_only_guard latched: entries refused, the exit passes', () => {
    const r = decideCycle(input({}, { latchedHalts: [{ code: 'reduce_only_guard', reason: 'operator', atMs: 0, expiresAtMs: null }] }));
    expect(r.intents).toEqual([EXIT]);
    expect(r.counts.skipped).toEqual({ reduce_only_guard: 2 });
  });

  it('the kill switch refuses the exit too', () => {
    const r = decideCycle(input({}, { killSwitch: { engaged: true, reason: 'test', source: 'cli', atMs: 0, cancelResting: false } }));
    expect(r.intents).toEqual([]);
    expect(r.decisions.find((d) => d.ticker === H.ticker && d.side === 'yes')).toMatchObject({ decision: 'skip', reason: 'kill_switch_guard', countCentis: 1_000 });
  });

  it('exits never count toward the per-cycle caps', () => {
    const r = decideCycle(input({ caps: { maxOrdersPerCycle: 1, maxNotionalPerCycleMicros: 2_000_000_000, maxTradesPerMarketPerDay: 1 } }));
    expect(r.intents.map((i) => [i.ticker, i.action])).toEqual([[H.ticker, 'sell'], [N.ticker, 'buy']]);
  });

  it('hold (the default): no exit and no exit record', () => {
    const r = decideCycle(input({ exitPolicy: undefined }));
    expect(r.intents.map((i) => i.ticker)).toEqual([N.ticker]);
    expect(r.counts.exits).toBe(0);
    expect(r.decisions.some((d) => d.ticker === H.ticker && d.side === 'yes')).toBe(false);
  });

  it('bid too low or no estimate: the position holds, with a registered code on record', () => {
    const low = decideCycle(input({ markets: [{ ...H, yesBid: { price: 660_000, size: 2_000 } }, N] }));
    expect(low.intents.map((i) => i.action)).toEqual(['buy']);
    expect(low.decisions.find((d) => d.ticker === H.ticker && d.side === 'yes')).toMatchObject({ decision: 'skip', reason: 'min_edge_guard', edgeMicros: 94_000 });
    const none = decideCycle(input({ estimates: [est(N.ticker, 800_000)] }));
    expect(none.intents.map((i) => i.action)).toEqual(['buy']);
    expect(none.decisions.filter((d) => d.ticker === H.ticker).map((d) => [d.side, d.reason])).toEqual([[null, 'no_estimate_guard'], ['yes', 'no_estimate_guard']]);
  });

  it('a held market outside the scan (heldMarkets) exits only if it passes the final scope check', () => {
    const inScope = decideCycle(input({ markets: [N], heldMarkets: [H] }));
    expect(inScope.intents.map((i) => [i.ticker, i.action])).toEqual([[H.ticker, 'sell'], [N.ticker, 'buy']]);
    // Never an entry from a held-only market: no entry record for H at all.
    expect(inScope.decisions.filter((d) => d.ticker === H.ticker).map((d) => d.decision)).toEqual(['order']);
    const outside = decideCycle(input({ markets: [N], heldMarkets: [H], scope: { marketIds: [], eventTickers: [], seriesTickers: ['KXE'] } }));
    expect(outside.intents.map((i) => i.ticker)).toEqual([N.ticker]);
    expect(outside.decisions.find((d) => d.ticker === H.ticker)).toMatchObject({ decision: 'skip', reason: 'final_scope_guard', side: 'yes' });
  });
});
