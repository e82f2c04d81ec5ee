import { takerFee } from '../../src/domain/fees';
import {
  bestSide, evaluateEntry, EntryRules, feePerContract, feeUnverifiedReason, isSkip, netEdgePerContract, netEdgeTotal, orderFee, sideAsk,
  unroundedTakerFeePerContract,
} from '../../src/domain/edge';
import { REASON } from '../../src/domain/reason-codes';
import type { Estimate } from '../../src/domain/trading-types';
import { snapshot } from './market-fixture';

const est = (probabilityPpm: number, confidencePpm = 900_000, ticker = 'KXT-26JAN01-A'): Estimate =>
  ({ ticker, probabilityPpm, confidencePpm, source: 'test', asOfMs: 0, reasoning: '' });
const RULES: EntryRules = {
  minEdge: 50_000, minConfidencePpm: 750_000, heavyFavoriteYesPriceThreshold: 800_000, heavyFavoriteBuyNoMinEdge: 150_000,
  heavyFavoriteBuyNoMinConfidencePpm: 850_000, allowFeeMultipliers: [],
};

describe('fees (kalshi-api.md §8, wire-verified)', () => {
  it('trade fee of 1 @ 0.52 is $0.0175 and 1 @ 0.99 is $0.0007 (fee_cost on the wire)', () => {
    expect(takerFee(100, 520_000)).toBe(17_500);
    expect(takerFee(100, 990_000)).toBe(700);
  });
  it('orderFee adds the balance rounding: 1 @ 0.52 costs $0.54 in cash, so the fee is $0.02', () => {
    expect(orderFee(100, 520_000)).toBe(20_000);
    expect(orderFee(100, 990_000)).toBe(10_000);
    expect(orderFee(100, 500_000)).toBe(20_000); // 1 @ 0.50: 1.75¢ → 2¢
    expect(orderFee(1_000, 500_000)).toBe(180_000); // 10 @ 0.50: 0.175 → 18¢
    expect(orderFee(0, 500_000)).toBe(0);
  });
  it('orderFee with sub-cent prices and fractional counts', () => {
    // 3 @ 0.055: cost 0.165, trade fee ceil4(0.01091475) = 0.0110, cash ceil2(0.176) = 0.18 → 0.015
    expect(orderFee(300, 55_000)).toBe(15_000);
    // 0.01 @ 0.52: cost 0.0052, trade fee 0.0002, cash 0.01 → 0.0048 (tiny orders pay the rounding)
    expect(orderFee(1, 520_000)).toBe(4_800);
    // a direct member ($0.0001 balance precision) pays just the trade fee
    expect(orderFee(100, 520_000, 1_000_000, 100)).toBe(17_500);
  });
  it('unrounded taker fee per contract: 0.07·m·P·(1−P), up to the micro', () => {
    expect(unroundedTakerFeePerContract(500_000)).toBe(17_500);
    expect(unroundedTakerFeePerContract(520_000)).toBe(17_472);
    expect(unroundedTakerFeePerContract(990_000)).toBe(693);
    expect(unroundedTakerFeePerContract(333_333)).toBe(15_556); // 15555.57… rounded up
    expect(unroundedTakerFeePerContract(500_000, 500_000)).toBe(8_750);
    expect(unroundedTakerFeePerContract(150_000, 500_000)).toBe(4_463); // 4462.5 rounded up
  });
  it('per-contract fee and net edge of an order', () => {
    expect(feePerContract(1_000, 500_000)).toBe(18_000);
    expect(feePerContract(300, 55_000)).toBe(5_000);
    // 10 @ 0.50 with fair 0.60: 10 × 0.10 − 0.18 = 0.82 total, 0.082 per contract
    expect(netEdgeTotal(1_000, 600_000, 500_000)).toBe(820_000);
    expect(netEdgePerContract(1_000, 600_000, 500_000)).toBe(82_000);
    // 3 @ 0.055 with fair 0.10: 3 × 0.045 − 0.015 = 0.12; per contract 0.04
    expect(netEdgeTotal(300, 100_000, 55_000)).toBe(120_000);
    expect(netEdgePerContract(300, 100_000, 55_000)).toBe(40_000);
    // 0.07 @ 0.52: cost 0.0364, trade fee ceil4(0.00122304) = 0.0013, cash ceil2(0.0377) = 0.04 → fee 0.0036
    expect(orderFee(7, 520_000)).toBe(3_600);
    expect(feePerContract(7, 520_000)).toBe(51_429); // 0.0036 / 0.07 = 0.0514285… rounded up
    // fair 0.60: 0.07 × 0.08 − 0.0036 = 0.002 total; per contract 0.02857… floored
    expect(netEdgeTotal(7, 600_000, 520_000)).toBe(2_000);
    expect(netEdgePerContract(7, 600_000, 520_000)).toBe(28_571);
    // a loss floors toward −∞: 1 @ 0.52 with fair 0.53 → 0.01 − 0.02 = −0.01
    expect(netEdgeTotal(100, 530_000, 520_000)).toBe(-10_000);
    // 0.03 @ 0.52: cost 0.0156, trade fee 0.0006, cash 0.02 → fee 0.0044; (0.0003 − 0.0044) / 0.03 = −0.136666… → −0.136667
    expect(orderFee(3, 520_000)).toBe(4_400);
    expect(netEdgePerContract(3, 530_000, 520_000)).toBe(-136_667);
  });
});

describe('sideAsk', () => {
  it('YES uses the YES ask; NO uses 1 − best YES bid', () => {
    const m = snapshot();
    expect(sideAsk(m, 'yes')).toEqual({ priceMicros: 520_000, sizeCentis: 500 });
    expect(sideAsk(m, 'no')).toEqual({ priceMicros: 500_000, sizeCentis: 1_000 });
  });
  it('no quote: null, size 0, price 0 or 1, off grid', () => {
    expect(sideAsk(snapshot({ yesAsk: null }), 'yes')).toBeNull();
    expect(sideAsk(snapshot({ yesAsk: { price: 520_000, size: 0 } }), 'yes')).toBeNull();
    expect(sideAsk(snapshot({ yesAsk: { price: 1_000_000, size: 100 } }), 'yes')).toBeNull();
    expect(sideAsk(snapshot({ yesBid: { price: 0, size: 100 } }), 'no')).toBeNull();
    expect(sideAsk(snapshot({ yesAsk: { price: 525_000, size: 100 } }), 'yes')).toBeNull();
    expect(sideAsk(snapshot({ yesAsk: { price: 525_000, size: 100 }, priceRanges: [{ start: 0, end: 1_000_000, step: 1_000 }] }), 'yes'))
      .toEqual({ priceMicros: 525_000, sizeCentis: 100 });
  });
});

describe('bestSide', () => {
  it('YES: p 0.60 vs ask 0.52 → 0.60 − 0.52 − 0.017472 = 0.062528; NO: 0.40 − 0.50 − 0.0175', () => {
    const r = bestSide(600_000, snapshot());
    expect(r.yes).toEqual({ side: 'yes', priceMicros: 520_000, askSizeCentis: 500, fairPpm: 600_000, edgeMicros: 62_528 });
    expect(r.no).toEqual({ side: 'no', priceMicros: 500_000, askSizeCentis: 1_000, fairPpm: 400_000, edgeMicros: -117_500 });
    expect(r.best).toBe(r.yes);
  });
  it('NO: p 0.30, YES bid 0.45 → NO ask 0.55: 0.70 − 0.55 − 0.017325 = 0.132675', () => {
    const r = bestSide(300_000, snapshot({ yesBid: { price: 450_000, size: 200 }, yesAsk: { price: 470_000, size: 200 } }));
    expect(r.best).toEqual({ side: 'no', priceMicros: 550_000, askSizeCentis: 200, fairPpm: 700_000, edgeMicros: 132_675 });
    expect(r.yes!.edgeMicros).toBe(300_000 - 470_000 - 17_437);
  });
  it('never mid or last: only the side with a quote counts', () => {
    const r = bestSide(300_000, snapshot({ yesBid: null, lastPrice: 100_000 }));
    expect(r.no).toBeNull();
    expect(r.best!.side).toBe('yes');
    expect(bestSide(300_000, snapshot({ yesBid: null, yesAsk: null })).best).toBeNull();
  });
  it('the fee multiplier scales the fee', () => {
    expect(bestSide(600_000, snapshot({ feeMultiplierPpm: 500_000 })).yes!.edgeMicros).toBe(600_000 - 520_000 - 8_736);
  });
  it('rejects an out-of-range probability', () => {
    expect(() => bestSide(0, snapshot())).toThrow(RangeError);
    expect(() => bestSide(1_000_000, snapshot())).toThrow(RangeError);
    expect(() => bestSide(0.5 as number, snapshot())).toThrow(RangeError);
  });
});

describe('evaluateEntry', () => {
  it('an opportunity with the side, its ask, fair value and edge', () => {
    expect(evaluateEntry(est(600_000), snapshot(), RULES)).toEqual({
      ticker: 'KXT-26JAN01-A', eventTicker: 'KXT-26JAN01', side: 'yes', priceMicros: 520_000, askSizeCentis: 500,
      fairPpm: 600_000, edgeMicros: 62_528, confidencePpm: 900_000,
    });
  });
  it('min_edge_guard below min_edge (and at exactly min_edge it passes)', () => {
    const r = evaluateEntry(est(580_000), snapshot(), RULES); // 0.58 − 0.52 − 0.017472 = 0.042528
    expect(r).toMatchObject({ kind: 'skip', code: REASON.min_edge_guard, side: 'yes', priceMicros: 520_000, edgeMicros: 42_528 });
    expect((r as { detail: string }).detail).toBe('best edge 0.042528 (yes) < min_edge 0.0500');
    expect(isSkip(evaluateEntry(est(580_000), snapshot(), { ...RULES, minEdge: 42_528 }))).toBe(false);
    expect(isSkip(evaluateEntry(est(580_000), snapshot(), { ...RULES, minEdge: 42_529 }))).toBe(true);
  });
  it('min_confidence_guard', () => {
    expect(evaluateEntry(est(600_000, 749_999), snapshot(), RULES)).toMatchObject({ code: REASON.min_confidence_guard, edgeMicros: 62_528 });
    expect(isSkip(evaluateEntry(est(600_000, 750_000), snapshot(), RULES))).toBe(false);
  });
  it('no_quote_guard when neither side is tradeable', () => {
    const r = evaluateEntry(est(600_000), snapshot({ yesBid: { price: 500_000, size: 0 }, yesAsk: { price: 1_000_000, size: 10 } }), RULES);
    expect(r).toMatchObject({ kind: 'skip', code: REASON.no_quote_guard, side: null, priceMicros: null, edgeMicros: null, countCentis: 0 });
  });
  describe('heavy-favourite buy-NO guard (YES ≥ 0.80)', () => {
    // YES 0.85/0.87 → NO ask 0.15; NO fair 0.35: 0.35 − 0.15 − 0.008925 = 0.191075
    const heavy = snapshot({ yesBid: { price: 850_000, size: 300 }, yesAsk: { price: 870_000, size: 300 } });
    it('refuses with confidence below the stricter threshold', () => {
      expect(evaluateEntry(est(650_000, 800_000), heavy, RULES)).toMatchObject({ code: REASON.heavy_favorite_guard, side: 'no', edgeMicros: 191_075 });
    });
    it('refuses with edge below the stricter threshold (though ≥ min_edge)', () => {
      // NO fair 0.25: 0.25 − 0.15 − 0.008925 = 0.091075
      expect(evaluateEntry(est(750_000, 950_000), heavy, RULES)).toMatchObject({ code: REASON.heavy_favorite_guard, edgeMicros: 91_075 });
    });
    it('passes with both', () => {
      expect(evaluateEntry(est(650_000, 850_000), heavy, RULES)).toMatchObject({ side: 'no', priceMicros: 150_000, edgeMicros: 191_075 });
    });
    it('does not apply below the threshold or to YES buys', () => {
      const below = snapshot({ yesBid: { price: 790_000, size: 300 }, yesAsk: { price: 799_000, size: 300 }, priceRanges: [{ start: 0, end: 1_000_000, step: 1_000 }] });
      expect(isSkip(evaluateEntry(est(550_000, 800_000), below, RULES))).toBe(false);
      expect(evaluateEntry(est(990_000, 800_000), heavy, RULES)).toMatchObject({ side: 'yes', priceMicros: 870_000 });
    });
  });
  describe('fee_unverified_guard', () => {
    it('refuses a flagged, non-default or unmodelled fee schedule', () => {
      expect(evaluateEntry(est(600_000), snapshot({ feeUnverified: true }), RULES)).toMatchObject({ code: REASON.fee_unverified_guard });
      expect(evaluateEntry(est(600_000), snapshot({ feeMultiplierPpm: 500_000 }), RULES))
        .toMatchObject({ code: REASON.fee_unverified_guard, detail: 'fee multiplier 0.5000 is not the default' });
      expect(evaluateEntry(est(600_000), snapshot({ feeType: 'flat' }), RULES)).toMatchObject({ code: REASON.fee_unverified_guard });
    });
    it('an allow-listed series or event is accepted, with its multiplier in the edge', () => {
      const m = snapshot({ feeUnverified: true, feeMultiplierPpm: 500_000 });
      expect(evaluateEntry(est(600_000), m, { ...RULES, allowFeeMultipliers: ['KXT'] })).toMatchObject({ edgeMicros: 600_000 - 520_000 - 8_736 });
      expect(isSkip(evaluateEntry(est(600_000), m, { ...RULES, allowFeeMultipliers: ['KXT-26JAN01'] }))).toBe(false);
      expect(feeUnverifiedReason({ ...m, seriesTicker: null }, ['KXT'])).not.toBeNull();
    });
  });
  it('refuses an estimate of another market', () => {
    expect(() => evaluateEntry(est(600_000, 900_000, 'OTHER'), snapshot(), RULES)).toThrow(RangeError);
  });
});
