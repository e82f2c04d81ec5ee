import { fromWireDirection, toWireDirection, DirectionError } from '../../../src/venues/kalshi';

describe('toWireDirection (kalshi-api.md §4.5)', () => {
  it.each([
    // side, action, price (side terms), wire side, wire YES price
    ['yes', 'buy', 560_000, 'bid', '0.5600'],
    ['no', 'buy', 300_000, 'ask', '0.7000'],
    ['yes', 'sell', 560_000, 'ask', '0.5600'],
    ['no', 'sell', 300_000, 'bid', '0.7000'],
  ] as const)('%s %s at %i → %s %s', (side, action, price, wireSide, wirePrice) => {
    const w = toWireDirection({ side, action, price });
    expect(w.side).toBe(wireSide);
    expect(w.price).toBe(wirePrice);
  });

  it('keeps sub-cent prices exact', () => {
    expect(toWireDirection({ side: 'no', action: 'buy', price: 5_000 })).toEqual({ side: 'ask', price: '0.9950', yesPrice: 995_000 });
  });

  it.each([0, 1_000_000, -1, 1_000_001])('rejects untradable price %i', (price) => {
    expect(() => toWireDirection({ side: 'yes', action: 'buy', price })).toThrow(DirectionError);
  });
});

describe('fromWireDirection (parsing orders/fills)', () => {
  it.each([
    ['bid', 'yes', 'yes', 'buy', 'yes', 'buy', 520_000],
    ['bid', 'yes', 'no', 'sell', 'no', 'sell', 480_000],
    ['ask', 'no', 'no', 'buy', 'no', 'buy', 480_000],
    ['ask', 'no', 'yes', 'sell', 'yes', 'sell', 520_000],
  ] as const)('book %s outcome %s legacy %s/%s → %s %s @ %i', (bookSide, outcomeSide, legacySide, legacyAction, side, action, price) => {
    expect(fromWireDirection({ bookSide, outcomeSide, legacySide, legacyAction, yesPrice: 520_000 })).toEqual({ side, action, price });
  });

  it('round-trips all four rows through the wire', () => {
    for (const side of ['yes', 'no'] as const) {
      for (const action of ['buy', 'sell'] as const) {
        const w = toWireDirection({ side, action, price: 310_000 });
        expect(fromWireDirection({ bookSide: w.side, legacySide: side, legacyAction: action, yesPrice: w.yesPrice })).toEqual({ side, action, price: 310_000 });
      }
    }
  });

  it('without legacy fields reads bid as buy YES and ask as buy NO (same net position effect)', () => {
    expect(fromWireDirection({ bookSide: 'bid', outcomeSide: 'yes', yesPrice: 400_000 })).toEqual({ side: 'yes', action: 'buy', price: 400_000 });
    expect(fromWireDirection({ bookSide: 'ask', outcomeSide: 'no', yesPrice: 400_000 })).toEqual({ side: 'no', action: 'buy', price: 600_000 });
  });

  it('returns null on contradictions or missing fields', () => {
    expect(fromWireDirection({ bookSide: 'bid', outcomeSide: 'no', yesPrice: 1 })).toBeNull();
    expect(fromWireDirection({ bookSide: 'ask', legacySide: 'yes', legacyAction: 'buy', yesPrice: 1 })).toBeNull();
    expect(fromWireDirection({ yesPrice: 1 })).toBeNull();
  });
});
