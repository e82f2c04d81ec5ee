import {
  parseDollars, parseCount, formatDollars, formatCount, formatDollarsExact, notional, notionalCeil,
  FixedPointError, ceilTo, floorTo, dollarsFromConfigNumber,
} from '../../src/domain/fixed';
import { takerFee, makerFee, balanceChange, multiplierToPpm } from '../../src/domain/fees';

describe('fixed-point parsing', () => {
  it.each([
    ['0.5200', 520000], ['0.52', 520000], ['1.0000', 1000000], ['0.0000', 0], ['98.0186', 98018600],
    ['0.017500', 17500], ['0.000700', 700], ['-0.0100', -10000], ['0.520000', 520000],
  ])('dollars %s → %i micros', (s, n) => expect(parseDollars(s, 'x')).toBe(n));

  it.each([['3.00', 300], ['1', 100], ['0.01', 1], ['-2.50', -250], ['1000000.00', 100000000]])(
    'count %s → %i centis', (s, n) => expect(parseCount(s, 'x')).toBe(n));

  it('rejects floats, junk and lossy precision, naming the field', () => {
    expect(() => parseDollars(0.52, 'yes_bid_dollars')).toThrow(/yes_bid_dollars: expected a decimal string/);
    expect(() => parseDollars('0.52abc', 'price')).toThrow(FixedPointError);
    expect(() => parseDollars('1e-2', 'price')).toThrow(/price/);
    expect(() => parseDollars('0.1234567', 'fee_cost')).toThrow(/fee_cost: more than 6 decimals/);
    expect(() => parseCount('1.005', 'count_fp')).toThrow(/count_fp/);
    expect(() => parseCount(undefined, 'position_fp')).toThrow(/position_fp/);
  });

  it('formats back to the wire shapes', () => {
    expect(formatDollars(520000)).toBe('0.5200');
    expect(formatDollars(17500, 6)).toBe('0.017500');
    expect(formatDollars(-10000)).toBe('-0.0100');
    expect(formatDollarsExact(17472)).toBe('0.017472');
    expect(formatCount(300)).toBe('3.00');
    expect(formatCount(-1)).toBe('-0.01');
    expect(() => formatDollars(17472, 4)).toThrow(/not representable/);
  });

  it('computes notional exactly and rounds in the stated direction', () => {
    expect(notional(520000, 300)).toBe(1560000);
    expect(notional(523456, 1)).toBe(5234); // 0.01 × 0.523456 = 0.00523456 → floor
    expect(notionalCeil(523456, 1)).toBe(5235);
    expect(ceilTo(17472, 100)).toBe(17500);
    expect(floorTo(-5001, 10000)).toBe(-10000);
    expect(dollarsFromConfigNumber(0.1, 'trading.bankroll')).toBe(100000);
  });
});

describe('Kalshi fees', () => {
  it('matches the recorded taker fees', () => {
    expect(takerFee(100, 520000)).toBe(17500); // 1 @ 0.52 → "0.017500"
    expect(takerFee(100, 990000)).toBe(700); // 1 @ 0.99 → "0.000700"
  });
  it('matches hand-computed cases', () => {
    expect(takerFee(1000, 500000)).toBe(175000); // 10 @ 0.50 → 0.175
    expect(takerFee(100, 500000)).toBe(17500);
    expect(takerFee(0, 500000)).toBe(0);
    expect(makerFee('quadratic', 1000, 500000)).toBe(0);
    expect(makerFee('quadratic_with_maker_fees', 1000, 500000)).toBe(43800); // 0.04375 → 0.0438
    expect(takerFee(100, 520000, multiplierToPpm(0.5))).toBe(8800); // 0.008736 → 0.0088
  });
  it('floors balance changes to the cent toward −∞', () => {
    expect(balanceChange(-520000, 17500)).toBe(-540000); // −0.5375 → −0.54
    expect(balanceChange(1000000, 0)).toBe(1000000);
  });
});

describe('fee multipliers are exact', () => {
  it('converts through the decimal text, never a float product', () => {
    expect(multiplierToPpm(0.35)).toBe(350000); // 0.35 * 1e6 = 349999.99999999994 in floats
    expect(multiplierToPpm(1)).toBe(1000000);
    expect(multiplierToPpm(undefined)).toBe(1000000);
    expect(() => multiplierToPpm(0.1234567)).toThrow(/cannot be held exactly/);
    expect(() => multiplierToPpm(-1)).toThrow(/non-negative/);
  });
  it('scales the taker rate exactly', () => {
    // 0.07 × 0.35 = 0.0245 → 1 contract @ 0.50: 0.0245 × 0.25 = 0.006125 → 0.0062
    expect(takerFee(100, 500000, multiplierToPpm(0.35))).toBe(6200);
  });
});
