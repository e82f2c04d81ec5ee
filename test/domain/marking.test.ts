import { heldSideBid, markPosition, markPositionWithBasis, unrealisedPnl } from '../../src/domain/marking';
import { snapshot } from './market-fixture';

// 10 YES bought at 0.45 ($4.50); 4 NO bought at 0.40 ($1.60).
const YES10 = { side: 'yes' as const, countCentis: 1_000, costMicros: 4_500_000 };
const NO4 = { side: 'no' as const, countCentis: 400, costMicros: 1_600_000 };

describe('markPosition', () => {
  it('at the best bid of the held side: YES bid 0.50; NO bid = 1 − YES ask 0.52 = 0.48', () => {
    const m = snapshot();
    expect(markPositionWithBasis(YES10, m)).toEqual({ valueMicros: 5_000_000, basis: 'bid', priceMicros: 500_000 });
    expect(markPositionWithBasis(NO4, m)).toEqual({ valueMicros: 1_920_000, basis: 'bid', priceMicros: 480_000 });
    expect(unrealisedPnl(YES10, m)).toBe(500_000);
    expect(unrealisedPnl(NO4, m)).toBe(320_000);
  });
  it('a bid below cost marks a loss', () => {
    expect(unrealisedPnl(YES10, snapshot({ yesBid: { price: 300_000, size: 5 } }))).toBe(-1_500_000);
  });
  it('no bid: min(last trade, cost) — last 0.51 above a 0.45 cost stays at cost; last 0.30 marks down', () => {
    const noBid = snapshot({ yesBid: null, lastPrice: 510_000 });
    expect(markPositionWithBasis(YES10, noBid)).toEqual({ valueMicros: 4_500_000, basis: 'cost', priceMicros: null });
    expect(markPositionWithBasis(YES10, snapshot({ yesBid: { price: 500_000, size: 0 }, lastPrice: 300_000 })))
      .toEqual({ valueMicros: 3_000_000, basis: 'last', priceMicros: 300_000 });
    // NO held, no YES ask: last YES 0.75 → NO 0.25 → 4 × 0.25 = $1.00 < $1.60
    expect(markPositionWithBasis(NO4, snapshot({ yesAsk: null, lastPrice: 750_000 }))).toEqual({ valueMicros: 1_000_000, basis: 'last', priceMicros: 250_000 });
  });
  it('no bid and no trade: at cost', () => {
    expect(markPosition(NO4, snapshot({ yesAsk: null, lastPrice: null }))).toBe(1_600_000);
  });
  it('a 0 or 1 price is not a bid', () => {
    expect(heldSideBid(snapshot({ yesBid: { price: 0, size: 100 } }), 'yes')).toBeNull();
    expect(heldSideBid(snapshot({ yesAsk: { price: 1_000_000, size: 100 } }), 'no')).toBeNull();
  });
  it('a determined market: $1 per winning contract, $0 per losing one, whatever the book says', () => {
    expect(markPositionWithBasis(YES10, snapshot({ result: 'yes' }))).toEqual({ valueMicros: 10_000_000, basis: 'settlement', priceMicros: 1_000_000 });
    expect(markPosition(NO4, snapshot({ result: 'yes' }))).toBe(0);
    expect(markPosition(NO4, snapshot({ result: 'no' }))).toBe(4_000_000);
    expect(unrealisedPnl(YES10, snapshot({ result: 'no' }))).toBe(-4_500_000);
  });
  it('fractional counts floor to the micro', () => {
    // 0.03 contracts at 0.333333 bid = 0.00999999 → 9999 micros
    expect(markPosition({ side: 'yes', countCentis: 3, costMicros: 9_000 }, snapshot({ yesBid: { price: 333_333, size: 1 } }))).toBe(9_999);
  });
  it('rejects nonsense', () => {
    expect(() => markPosition({ side: 'yes', countCentis: -1, costMicros: 0 }, snapshot())).toThrow(RangeError);
    expect(() => markPosition({ side: 'maybe' as never, countCentis: 1, costMicros: 0 }, snapshot())).toThrow(RangeError);
  });
});
