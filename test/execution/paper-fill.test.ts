/** The pure paper fill model against hand-computed cases (fees: 0.07 / 0.0175 · C · P · (1 − P), up to $0.0001). */
import { fillCash, matchTrades, PaperFillError, RestingView, walkBook } from '../../src/execution/paper-fill';
import type { KalshiTrade } from '../../src/venues/kalshi/types';

const book = { ticker: 'M', yesBids: [{ price: 300_000, size: 100 }, { price: 380_000, size: 200 }], noBids: [{ price: 550_000, size: 150 }] };
const trade = (id: string, yes: number, count: number, at: string, extra: Partial<KalshiTrade> = {}): KalshiTrade =>
  ({ tradeId: id, ticker: 'M', count, yesPrice: yes, noPrice: 1_000_000 - yes, takerSide: 'yes', createdTime: at, isBlockTrade: false, ...extra });

test('buy NO walks NO asks = 1 − YES bids, best first, up to its limit; sell YES walks YES bids down to its limit', () => {
  // NO asks: 0.62×2 (from 0.38), 0.70×1 (from 0.30). Fee 2 @ 0.62: 0.07·2·0.62·0.38 = 0.032984 → 0.0330.
  expect(walkBook(book, { side: 'no', action: 'buy', limitPriceMicros: 650_000, countCentis: 500, feeMultiplierPpm: 1_000_000 }))
    .toEqual({ fills: [{ priceMicros: 620_000, countCentis: 200, feeMicros: 33_000, level: 0 }], filledCentis: 200, remainingCentis: 300 });
  // Sell YES 2.5 @ ≥ 0.30: 2 @ 0.38 (0.07·2·0.38·0.62 → 0.0330), 0.5 @ 0.30 (0.07·0.5·0.3·0.7 = 0.00735 → 0.0074).
  expect(walkBook(book, { side: 'yes', action: 'sell', limitPriceMicros: 300_000, countCentis: 250, feeMultiplierPpm: 1_000_000 }).fills)
    .toEqual([{ priceMicros: 380_000, countCentis: 200, feeMicros: 33_000, level: 0 }, { priceMicros: 300_000, countCentis: 50, feeMicros: 7_400, level: 1 }]);
  // Buy YES ≤ 0.44: the only YES ask is 0.45 (1 − 0.55): nothing fills.
  expect(walkBook(book, { side: 'yes', action: 'buy', limitPriceMicros: 440_000, countCentis: 100, feeMultiplierPpm: 1_000_000 }).filledCentis).toBe(0);
  expect(() => walkBook({ ...book, noBids: [{ price: 0.55, size: 1 }] }, { side: 'yes', action: 'buy', limitPriceMicros: 440_000, countCentis: 100, feeMultiplierPpm: 1_000_000 }))
    .toThrow(new PaperFillError('M no bid 0: price 0.55 is not a tradable integer price'));
});

test('resting orders fill only from later prints strictly through, within TTL, each trade used once, maker fee by fee type', () => {
  const placed = Date.parse('2026-09-01T12:00:00Z');
  const base: RestingView = { id: 1, ticker: 'M', side: 'yes', action: 'buy', limitPriceMicros: 400_000, remainingCentis: 300, placedAtMs: placed, expiresAtMs: placed + 60_000, feeType: 'quadratic_with_maker_fees', feeMultiplierPpm: 1_000_000 };
  const noBuy: RestingView = { ...base, id: 2, side: 'no', limitPriceMicros: 650_000, remainingCentis: 500, feeType: 'quadratic' };
  const trades = [
    trade('t0', 390_000, 500, '2026-09-01T12:00:00Z'), // at placement time: not after
    trade('t1', 400_000, 500, '2026-09-01T12:00:10Z'), // YES at the limit: not through; NO 0.60 is through NO 0.65
    trade('t2', 380_000, 200, '2026-09-01T12:00:20Z'), // through YES 0.40
    trade('t3', 390_000, 400, '2026-09-01T12:00:30Z', { isBlockTrade: true }),
    trade('t4', 350_000, 400, '2026-09-01T12:01:01Z'), // after the expiry
    trade('t5', 390_000, 400, '2026-09-01T12:00:40Z'),
  ];
  const used = (id: string) => (id === 't5' ? 100 : 0);
  // t1 fills the NO buy (all 500, quadratic: no maker fee); t2 then goes to YES (200); t5 has 300 unused, YES needs 100.
  expect(matchTrades([base, noBuy], trades, used).map((f) => [f.orderId, f.tradeId, f.priceMicros, f.countCentis, f.feeMicros])).toEqual([
    [2, 't1', 650_000, 500, 0], [1, 't2', 400_000, 200, 8_400], [1, 't5', 400_000, 100, 4_200],
  ]);
  // When both are through one print, the order most through it goes first: t2 is 0.02 through YES, 0.03 through NO.
  expect(matchTrades([base, { ...noBuy, remainingCentis: 100 }], [trades[2]], used).map((f) => [f.orderId, f.countCentis])).toEqual([[2, 100], [1, 100]]);
  // Alone, the YES buy takes t2 and t5 at its own limit; maker fee 0.0175·2·0.4·0.6 = 0.0084, ·1 → 0.0042.
  expect(matchTrades([base], trades, used).map((f) => [f.tradeId, f.priceMicros, f.countCentis, f.feeMicros])).toEqual([['t2', 400_000, 200, 8_400], ['t5', 400_000, 100, 4_200]]);
});

test('fill cash: floored to the cent, rounding into the accumulator, 1¢ rebate once it passes $0.01', () => {
  expect(fillCash('buy', 420_000, 300, 51_200, 0)).toEqual({ revenueMicros: -1_260_000, feeMicros: 51_200, roundingMicros: -8_800, rebateMicros: 0, accumulatorMicros: 8_800, changeMicros: -1_320_000 });
  expect(fillCash('buy', 440_000, 200, 34_500, 8_800)).toEqual({ revenueMicros: -880_000, feeMicros: 34_500, roundingMicros: -5_500, rebateMicros: 10_000, accumulatorMicros: 4_300, changeMicros: -910_000 });
  expect(fillCash('sell', 380_000, 200, 33_000, 0).changeMicros).toBe(720_000); // 0.76 − 0.033 = 0.727 → 0.72
});
