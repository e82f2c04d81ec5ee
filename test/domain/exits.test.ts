/**
 * Exits (strategy.exit_policy), hand-computed. Taker fee 0.07·C·P·(1−P) up to $0.0001; the proceeds land floored to
 * the cent, so the sale's fee = proceeds − floor_$0.01(proceeds − trade fee).
 *
 *   YES 10 @ bid 0.70, fair 0.55: trade fee 0.07·10·0.7·0.3 = 0.1470; 7.00 − 0.147 = 6.853 → 6.85: fee 0.15;
 *                                 edge (10·0.15 − 0.15)/10 = 0.135 ≥ 0.10 → sell.
 *   YES 10 @ bid 0.66, fair 0.55: 0.07·10·0.66·0.34 = 0.15708 → 0.1571; 6.60 − 0.1571 = 6.4429 → 6.44: fee 0.16;
 *                                 edge (1.10 − 0.16)/10 = 0.094 < 0.10 → hold (the bid clears fair + min_edge = 0.65,
 *                                 but not after the fee).
 *   YES 10 @ bid 0.60, fair 0.55: 0.168 → 6.00 − 0.168 = 5.832 → 5.83: fee 0.17; edge (0.50 − 0.17)/10 = 0.033 → hold.
 *   NO 5, YES ask 0.55 (NO bid 0.45), p 0.70 (NO fair 0.30): 0.07·5·0.45·0.55 = 0.086625 → 0.0867;
 *                                 2.25 − 0.0867 = 2.1633 → 2.16: fee 0.09; edge (0.75 − 0.09)/5 = 0.132 → sell NO @ 0.45.
 *   YES 1 @ 0.70: fee 0.0147 → 0.70 − 0.0147 = 0.6853 → 0.68: fee 0.02; fair 0.58 → edge exactly 0.10 → sell;
 *                                 fair 0.580001 → 0.099999 → hold.
 */
import { exitIntents, ExitPosition, ExitRules, saleEdgePerContract, saleFee } from '../../src/domain/exits';
import type { Estimate, MarketSnapshot } from '../../src/domain/trading-types';
import { snapshot } from './market-fixture';

const T = 'KXT-26JAN01-A';
const E = 'KXT-26JAN01';
const RULES: ExitRules = { policy: 'take_profit', minEdge: 100_000 };
const pos = (over: Partial<ExitPosition> = {}): ExitPosition => ({ ticker: T, eventTicker: E, side: 'yes', countCentis: 1_000, costMicros: 5_380_000, ...over });
const est = (probabilityPpm: number, ticker = T): Estimate => ({ ticker, probabilityPpm, confidencePpm: 800_000, source: 'test', asOfMs: 0, reasoning: 'test' });
const yesBid = (price: number, size = 2_000): Partial<MarketSnapshot> => ({ yesBid: { price, size }, yesAsk: { price: price + 20_000, size: 500 } });

describe('saleFee / saleEdgePerContract', () => {
  it('the trade fee plus the cent flooring of the proceeds', () => {
    expect(saleFee(1_000, 700_000)).toBe(150_000);
    expect(saleFee(1_000, 660_000)).toBe(160_000);
    expect(saleFee(1_000, 600_000)).toBe(170_000);
    expect(saleFee(500, 450_000)).toBe(90_000);
    expect(saleFee(100, 700_000)).toBe(20_000);
    expect(saleFee(0, 700_000)).toBe(0);
    // A 0.5 multiplier: 0.035·10·0.7·0.3 = 0.0735; 7.00 − 0.0735 = 6.9265 → 6.92: fee 0.08.
    expect(saleFee(1_000, 700_000, 500_000)).toBe(80_000);
  });
  it('edge per contract, floored', () => {
    expect(saleEdgePerContract(1_000, 550_000, 700_000)).toBe(135_000);
    expect(saleEdgePerContract(1_000, 550_000, 660_000)).toBe(94_000);
    expect(saleEdgePerContract(100, 580_000, 700_000)).toBe(100_000);
    expect(saleEdgePerContract(100, 580_001, 700_000)).toBe(99_999);
  });
});

describe('exitIntents', () => {
  it('take_profit: bid 0.70 ≥ fair 0.55 + 0.10 after fees → sell the held 10 YES at the bid, reduce-only', () => {
    const r = exitIntents([pos()], [snapshot(yesBid(700_000))], [est(550_000)], RULES);
    expect(r.skips).toEqual([]);
    expect(r.intents).toEqual([{
      ticker: T, eventTicker: E, side: 'yes', action: 'sell', priceMicros: 700_000, countCentis: 1_000, fairPpm: 550_000,
      edgeMicros: 135_000, confidencePpm: 800_000, reduceOnly: true, feeMicros: 150_000,
    }]);
  });

  it('never sells more than is held, even with a deeper bid', () => {
    const r = exitIntents([pos({ countCentis: 300 })], [snapshot(yesBid(700_000, 50_000))], [est(550_000)], RULES);
    expect(r.intents.map((i) => i.countCentis)).toEqual([300]);
  });

  it('bid 0.66: above fair + min_edge (0.65) but 0.094 after the fee → hold, min_edge_guard with the numbers', () => {
    const r = exitIntents([pos()], [snapshot(yesBid(660_000))], [est(550_000)], RULES);
    expect(r.intents).toEqual([]);
    expect(r.skips).toEqual([expect.objectContaining({
      ticker: T, side: 'yes', code: 'min_edge_guard', priceMicros: 660_000, fairPpm: 550_000, edgeMicros: 94_000, countCentis: 1_000, confidencePpm: 800_000,
    })]);
    expect(r.skips[0].detail).toBe('exit (take_profit): yes bid 0.6600 − fair 0.5500 − fee 0.1600 on 10.00 contracts = 0.0940/contract < min_edge 0.1000: hold');
  });

  it('bid 0.60 below fair + min_edge → hold (edge 0.033)', () => {
    const r = exitIntents([pos()], [snapshot(yesBid(600_000))], [est(550_000)], RULES);
    expect(r.intents).toEqual([]);
    expect(r.skips.map((s) => [s.code, s.edgeMicros])).toEqual([['min_edge_guard', 33_000]]);
  });

  it('NO held: its bid is 1 − YES ask (0.45) against NO fair 1 − p (0.30) → sell NO', () => {
    const m = snapshot({ yesBid: { price: 400_000, size: 1_000 }, yesAsk: { price: 550_000, size: 800 } });
    const r = exitIntents([pos({ side: 'no', countCentis: 500 })], [m], [est(700_000)], RULES);
    expect(r.intents).toEqual([{
      ticker: T, eventTicker: E, side: 'no', action: 'sell', priceMicros: 450_000, countCentis: 500, fairPpm: 300_000,
      edgeMicros: 132_000, confidencePpm: 800_000, reduceOnly: true, feeMicros: 90_000,
    }]);
  });

  it('edge exactly min_edge sells; one ppm more fair value holds', () => {
    const m = [snapshot(yesBid(700_000))];
    expect(exitIntents([pos({ countCentis: 100 })], m, [est(580_000)], RULES).intents.map((i) => i.edgeMicros)).toEqual([100_000]);
    const r = exitIntents([pos({ countCentis: 100 })], m, [est(580_001)], RULES);
    expect(r.intents).toEqual([]);
    expect(r.skips.map((s) => [s.code, s.edgeMicros])).toEqual([['min_edge_guard', 99_999]]);
  });

  it('hold policy: no intent, no record, whatever the bid', () => {
    expect(exitIntents([pos()], [snapshot(yesBid(990_000))], [est(100_000)], { ...RULES, policy: 'hold' })).toEqual({ intents: [], skips: [] });
  });

  it('no estimate → hold (no_estimate_guard); no market → hold; no bid on the held side → hold', () => {
    const noEst = exitIntents([pos()], [snapshot(yesBid(700_000))], [est(550_000, 'OTHER')], RULES);
    expect(noEst.intents).toEqual([]);
    expect(noEst.skips.map((s) => s.code)).toEqual(['no_estimate_guard']);
    expect(exitIntents([pos()], [], [est(550_000)], RULES).skips.map((s) => s.code)).toEqual(['no_quote_guard']);
    const noBid = exitIntents([pos()], [snapshot({ yesBid: null })], [est(550_000)], RULES);
    expect(noBid.intents).toEqual([]);
    expect(noBid.skips.map((s) => [s.code, s.fairPpm])).toEqual([['no_quote_guard', 550_000]]);
    // A size-0 bid is no quote either.
    expect(exitIntents([pos()], [snapshot({ yesBid: { price: 700_000, size: 0 } })], [est(550_000)], RULES).skips.map((s) => s.code)).toEqual(['no_quote_guard']);
  });

  it('determined, closed or unmodelled-fee markets hold', () => {
    const codes = (m: MarketSnapshot) => exitIntents([pos()], [m], [est(550_000)], RULES).skips.map((s) => s.code);
    expect(codes(snapshot({ ...yesBid(700_000), result: 'yes' }))).toEqual(['no_quote_guard']);
    expect(codes(snapshot({ ...yesBid(700_000), status: 'closed' }))).toEqual(['no_quote_guard']);
    expect(codes(snapshot({ ...yesBid(700_000), feeType: 'unknown' }))).toEqual(['fee_unverified_guard']);
  });

  it('entry rules do not apply: low confidence, unverified fee multiplier (priced with it), heavy favourite', () => {
    const m = snapshot({ ...yesBid(700_000), feeUnverified: true, feeMultiplierPpm: 500_000 });
    const r = exitIntents([pos()], [m], [{ ...est(550_000), confidencePpm: 10_000 }], RULES);
    // fee 0.08 (multiplier 0.5): edge (1.50 − 0.08)/10 = 0.142.
    expect(r.intents.map((i) => [i.feeMicros, i.edgeMicros, i.confidencePpm])).toEqual([[80_000, 142_000, 10_000]]);
  });

  it('whole-contract step: 10.5 held sells 10; zero-count positions are ignored; a duplicate position throws', () => {
    const m = [snapshot(yesBid(700_000))];
    expect(exitIntents([pos({ countCentis: 1_050 })], m, [est(550_000)], { ...RULES, countStepCentis: 100 }).intents.map((i) => i.countCentis)).toEqual([1_000]);
    expect(exitIntents([pos({ countCentis: 50 })], m, [est(550_000)], { ...RULES, countStepCentis: 100 }).skips.map((s) => s.code)).toEqual(['size_zero_guard']);
    expect(exitIntents([pos({ countCentis: 0 })], m, [est(550_000)], RULES)).toEqual({ intents: [], skips: [] });
    expect(() => exitIntents([pos(), pos()], m, [est(550_000)], RULES)).toThrow(/listed twice/);
  });
});
