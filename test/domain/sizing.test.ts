import fc from 'fast-check';
import { evaluateEntry, isSkip, netEdgePerContract, orderFee, unroundedTakerFeePerContract } from '../../src/domain/edge';
import { notionalCeil } from '../../src/domain/fixed';
import { REASON } from '../../src/domain/reason-codes';
import { kellyCountCentis, sizeOrder, SizingInput, SizingRules } from '../../src/domain/sizing';
import { isOnGridFor } from '../../src/domain/tick-grid';
import type { Opportunity, OrderIntent } from '../../src/domain/trading-types';
import { snapshot } from './market-fixture';

const $ = (d: number) => d * 1_000_000;
const YES52: Opportunity = {
  ticker: 'KXT-26JAN01-A', eventTicker: 'KXT-26JAN01', side: 'yes', priceMicros: 520_000, askSizeCentis: 500,
  fairPpm: 600_000, edgeMicros: 62_528, confidencePpm: 900_000,
};
const RULES: SizingRules = { maxKellyFractionPpm: 250_000, maxPositionSize: $(1000), minEdge: 50_000 };
const input = (over: Partial<SizingInput> = {}): SizingInput => ({
  opportunity: YES52, market: { priceRanges: [], feeMultiplierPpm: 1_000_000 }, capitalBaseMicros: $(1000),
  marketExposureMicros: 0, exposureRoomMicros: $(800), dailyNewRoomMicros: $(800), ...over,
});

describe('kellyCountCentis', () => {
  it('f = 0.25 · (0.60 − 0.537472) / (1 − 0.537472) = 0.033797; × $1000 / 0.537472 = 62.88 contracts', () => {
    expect(unroundedTakerFeePerContract(520_000)).toBe(17_472);
    expect(kellyCountCentis(600_000, 537_472, 250_000, $(1000))).toBe(6_288);
  });
  it('zero when there is no edge over the cost, no capital or no Kelly fraction', () => {
    expect(kellyCountCentis(537_472, 537_472, 250_000, $(1000))).toBe(0);
    expect(kellyCountCentis(600_000, 537_472, 250_000, 0)).toBe(0);
    expect(kellyCountCentis(600_000, 537_472, 250_000, -$(5))).toBe(0);
    expect(kellyCountCentis(600_000, 537_472, 0, $(1000))).toBe(0);
    expect(kellyCountCentis(999_999, 1_000_000, 250_000, $(1000))).toBe(0);
  });
});

describe('sizeOrder', () => {
  it('Kelly-sized intent with the rounded fee of the final count', () => {
    // 62.88 @ 0.52: notional 32.6976; trade fee ceil4(0.07·62.88·0.2496 = 1.09866) = 1.0987; cash ceil2(33.7963) = 33.80
    // → fee 1.1024; edge (62.88 × 0.08 − 1.1024) / 62.88 = 0.062468…
    expect(sizeOrder(input(), RULES)).toEqual<OrderIntent>({
      ticker: 'KXT-26JAN01-A', eventTicker: 'KXT-26JAN01', side: 'yes', action: 'buy', priceMicros: 520_000, countCentis: 6_288,
      fairPpm: 600_000, edgeMicros: 62_468, confidencePpm: 900_000, reduceOnly: false, feeMicros: 1_102_400,
    });
  });
  it('whole-contract markets: the count goes down to the step', () => {
    expect(sizeOrder(input({ countStepCentis: 100 }), RULES)).toMatchObject({ countCentis: 6_200, feeMicros: 1_090_000, edgeMicros: 62_419 });
  });
  it('NO side: 0.70 fair at NO ask 0.55', () => {
    const no: Opportunity = { ...YES52, side: 'no', priceMicros: 550_000, fairPpm: 700_000, edgeMicros: 132_675 };
    expect(sizeOrder(input({ opportunity: no }), RULES)).toMatchObject({ side: 'no', priceMicros: 550_000, countCentis: 13_512, feeMicros: 2_344_000, edgeMicros: 132_652 });
  });
  it('max_position_size counts what the market already holds: $30 cap, $10 held → 38.46 contracts', () => {
    const r = sizeOrder(input(), { ...RULES, maxPositionSize: $(30) });
    expect(r).toMatchObject({ countCentis: 5_769 }); // floor($30 / 0.52) = 57.69
    expect(sizeOrder(input({ marketExposureMicros: $(10) }), { ...RULES, maxPositionSize: $(30) })).toMatchObject({ countCentis: 3_846, feeMicros: 680_800 });
    expect(sizeOrder(input({ marketExposureMicros: $(30) }), { ...RULES, maxPositionSize: $(30) }))
      .toMatchObject({ kind: 'skip', code: REASON.max_position_size_guard, countCentis: 0 });
  });
  it('exposure room caps the cash outlay, fee included: $10 room → 18.60 contracts (18.61 would cost $10.01)', () => {
    // 18.60: notional 9.672 + trade fee 0.3250 → $10.00 in cash; 18.61: 9.6772 + 0.3252 → $10.01
    expect(sizeOrder(input({ exposureRoomMicros: $(10) }), RULES)).toMatchObject({ countCentis: 1_860, feeMicros: 328_000 });
    expect(notionalCeil(520_000, 1_861) + orderFee(1_861, 520_000)).toBe(10_010_000);
  });
  it('the daily new-exposure room caps too, and each cap names itself at zero', () => {
    expect(sizeOrder(input({ dailyNewRoomMicros: $(5) }), RULES)).toMatchObject({ countCentis: 930, feeMicros: 164_000 });
    expect(sizeOrder(input({ exposureRoomMicros: 0 }), RULES)).toMatchObject({ kind: 'skip', code: REASON.exposure_guard });
    expect(sizeOrder(input({ exposureRoomMicros: -$(3) }), RULES)).toMatchObject({ kind: 'skip', code: REASON.exposure_guard });
    expect(sizeOrder(input({ dailyNewRoomMicros: 5_000 }), RULES)).toMatchObject({ kind: 'skip', code: REASON.daily_new_exposure_guard });
  });
  it('drops the intent when the rounded fee pulls the edge below min_edge', () => {
    // $3 capital → 0.18 contracts: cost 0.0936 + trade fee 0.0032 → $0.10 cash, fee 0.0064: (0.18·0.08 − 0.0064)/0.18 = 0.0444
    const r = sizeOrder(input({ capitalBaseMicros: $(3) }), RULES);
    expect(r).toMatchObject({ kind: 'skip', code: REASON.min_edge_guard, countCentis: 18, edgeMicros: 44_444 });
    // $5 → 0.31 contracts: fee 0.0088, edge 0.051612 ≥ 0.05: kept
    expect(sizeOrder(input({ capitalBaseMicros: $(5) }), RULES)).toMatchObject({ countCentis: 31, feeMicros: 8_800, edgeMicros: 51_612 });
  });
  it('size_zero_guard when Kelly rounds to nothing', () => {
    expect(sizeOrder(input({ capitalBaseMicros: 10_000 }), RULES)).toMatchObject({ kind: 'skip', code: REASON.size_zero_guard, countCentis: 0 });
    expect(sizeOrder(input({ capitalBaseMicros: -$(1) }), RULES)).toMatchObject({ code: REASON.size_zero_guard });
    expect(sizeOrder(input({ capitalBaseMicros: $(1000), countStepCentis: 100 }), { ...RULES, maxKellyFractionPpm: 100 })).toMatchObject({ code: REASON.size_zero_guard });
  });
  it('refuses a price off the grid or at 0/1 (no_quote_guard)', () => {
    expect(sizeOrder(input({ opportunity: { ...YES52, priceMicros: 525_000 } }), RULES)).toMatchObject({ code: REASON.no_quote_guard });
    expect(sizeOrder(input({ opportunity: { ...YES52, priceMicros: 0 } }), RULES)).toMatchObject({ code: REASON.no_quote_guard });
    expect(sizeOrder(input({ opportunity: { ...YES52, priceMicros: 1_000_000 } }), RULES)).toMatchObject({ code: REASON.no_quote_guard });
  });
  it('a fee multiplier lowers the fee and raises the size', () => {
    expect(sizeOrder(input({ market: { priceRanges: [], feeMultiplierPpm: 500_000 } }), RULES)).toMatchObject({ countCentis: 7_150, feeMicros: 630_000, edgeMicros: 71_188 });
  });
});

describe('property: entry → sizing never breaks a cap, the grid or min_edge', () => {
  const GRIDS = [[], [{ start: 0, end: 1_000_000, step: 1_000 }], [
    { start: 0, end: 100_000, step: 1_000 }, { start: 100_000, end: 900_000, step: 10_000 }, { start: 900_000, end: 1_000_000, step: 1_000 },
  ]];
  const price = fc.oneof(
    fc.integer({ min: 0, max: 100 }).map((x) => x * 10_000),
    fc.integer({ min: 0, max: 1_000 }).map((x) => x * 1_000),
    fc.integer({ min: -5, max: 1_000_005 }),
  );
  const quote = fc.record({ price, size: fc.integer({ min: -1, max: 100_000 }) });
  const arb = fc.record({
    grid: fc.constantFrom(...GRIDS),
    bid: fc.option(quote, { nil: null }),
    ask: fc.option(quote, { nil: null }),
    p: fc.integer({ min: 1, max: 999_999 }),
    conf: fc.integer({ min: 0, max: 1_000_000 }),
    mult: fc.constantFrom(1_000_000, 500_000, 250_000),
    capital: fc.integer({ min: -$(100), max: $(10_000_000) }),
    held: fc.integer({ min: 0, max: $(2_000) }),
    expRoom: fc.integer({ min: -$(10), max: $(1_000_000) }),
    dayRoom: fc.integer({ min: -$(10), max: $(1_000_000) }),
    step: fc.constantFrom(1, 100),
    kelly: fc.integer({ min: 0, max: 1_000_000 }),
    maxPos: fc.integer({ min: 1, max: $(100_000) }),
    minEdge: fc.integer({ min: 0, max: 300_000 }),
  });
  it('holds for generated markets, probabilities and ledgers', () => {
    let intents = 0;
    fc.assert(
      fc.property(arb, (a) => {
        const market = snapshot({ yesBid: a.bid, yesAsk: a.ask, priceRanges: a.grid, feeMultiplierPpm: a.mult, feeUnverified: false });
        const rules = {
          minEdge: a.minEdge, minConfidencePpm: 0, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: a.minEdge,
          heavyFavoriteBuyNoMinConfidencePpm: 0, allowFeeMultipliers: ['KXT'],
        };
        const opp = evaluateEntry({ ticker: market.ticker, probabilityPpm: a.p, confidencePpm: a.conf, source: 't', asOfMs: 0, reasoning: '' }, market, rules);
        if (isSkip(opp)) return;
        const r = sizeOrder(
          { opportunity: opp, market, capitalBaseMicros: a.capital, marketExposureMicros: a.held, exposureRoomMicros: a.expRoom, dailyNewRoomMicros: a.dayRoom, countStepCentis: a.step },
          { maxKellyFractionPpm: a.kelly, maxPositionSize: a.maxPos, minEdge: a.minEdge },
        );
        if (isSkip(r)) return;
        intents++;
        for (const v of [r.priceMicros, r.countCentis, r.edgeMicros, r.feeMicros, r.fairPpm, r.confidencePpm]) expect(Number.isSafeInteger(v)).toBe(true);
        expect(r.priceMicros > 0 && r.priceMicros < 1_000_000).toBe(true);
        expect(isOnGridFor(r.side, r.priceMicros, a.grid)).toBe(true);
        expect(r.countCentis).toBeGreaterThan(0);
        expect(r.countCentis % a.step).toBe(0);
        const c = r.priceMicros + unroundedTakerFeePerContract(r.priceMicros, a.mult);
        expect(r.countCentis).toBeLessThanOrEqual(kellyCountCentis(r.fairPpm, c, a.kelly, a.capital));
        const notional = notionalCeil(r.priceMicros, r.countCentis);
        expect(notional + a.held).toBeLessThanOrEqual(a.maxPos);
        expect(notional + r.feeMicros).toBeLessThanOrEqual(Math.min(a.expRoom, a.dayRoom));
        expect(r.feeMicros).toBe(orderFee(r.countCentis, r.priceMicros, a.mult));
        expect(r.edgeMicros).toBe(netEdgePerContract(r.countCentis, r.fairPpm, r.priceMicros, a.mult));
        expect(r.edgeMicros).toBeGreaterThanOrEqual(a.minEdge);
        // the side's price is its own ask: YES ask, or 1 − YES bid
        expect(r.priceMicros).toBe(r.side === 'yes' ? a.ask!.price : 1_000_000 - a.bid!.price);
      }),
      { numRuns: 3000 },
    );
    expect(intents).toBeGreaterThan(150); // the property is exercised, not vacuous
  });
});
