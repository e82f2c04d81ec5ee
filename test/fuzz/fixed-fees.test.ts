/**
 * Fuzz: fixed-point parsing/formatting round trips and the fee arithmetic. Any input ends in a safe integer or a
 * FixedPointError / RangeError naming the field — never NaN, a float or a negative fee.
 */
import fc from 'fast-check';
import {
  ceilTo, dollarsFromConfigNumber, FixedPointError, floorTo, formatCount, formatDollars, formatDollarsExact, notional, notionalCeil,
  parseCount, parseDollars,
} from '../../src/domain/fixed';
import { balanceChange, FEE_STEP, makerFee, multiplierToPpm, quadraticFee, takerFee, TAKER_RATE_PPM } from '../../src/domain/fees';
import { fuzzParams } from './fuzz-params';

const safe = fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const price = fc.integer({ min: 1, max: 999_999 });
const count = fc.integer({ min: 0, max: 10_000_000_00 }); // up to 10M contracts
const mult = fc.integer({ min: 0, max: 5_000_000 });
const FEE_TYPES = ['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat'] as const;

/** Strings near the decimal grammar: digits, dots, signs, exponents, spaces, unicode digits. */
const decimalish = fc.oneof(
  fc.stringMatching(/^-?\d{0,20}(\.\d{0,9})?$/),
  fc.string({ unit: fc.constantFrom('0', '1', '9', '.', '-', '+', 'e', 'E', ' ', ',', '_', '٣', 'x', '\n'), maxLength: 24 }),
  fc.constantFrom('', '.', '-', '-0', '0.', '.5', '1e3', 'NaN', 'Infinity', '0x10', '9'.repeat(40), '0.00000001', '00.10'),
);

function expectFieldError(fn: () => unknown, field: string): unknown {
  try {
    return fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FixedPointError);
    expect((e as FixedPointError).field).toBe(field);
    expect((e as Error).message.startsWith(`${field}: `)).toBe(true);
    return undefined;
  }
}

describe('fuzz: fixed point', () => {
  it('formatDollars(6 dp) / parseDollars and formatCount / parseCount round-trip every safe integer', () => {
    fc.assert(fc.property(safe, (n) => {
      expect(parseDollars(formatDollars(n, 6), 'x')).toBe(n);
      expect(parseDollars(formatDollarsExact(n), 'x')).toBe(n);
      expect(parseCount(formatCount(n), 'x')).toBe(n);
    }), fuzzParams(200));
  });

  it('any string parses to a safe integer or a FixedPointError naming the field', () => {
    fc.assert(fc.property(decimalish, fc.constantFrom('price_dollars', 'count_fp'), (s, field) => {
      const v = expectFieldError(() => (field === 'count_fp' ? parseCount(s, field) : parseDollars(s, field)), field);
      if (v !== undefined) expect(Number.isSafeInteger(v)).toBe(true);
    }), fuzzParams(300));
  });

  it('any JS value parses to a safe integer or a FixedPointError (no coercion of numbers, objects, null)', () => {
    fc.assert(fc.property(fc.anything(), (x) => {
      const v = expectFieldError(() => parseDollars(x, 'f'), 'f');
      if (v !== undefined) expect(Number.isSafeInteger(v)).toBe(true);
    }), fuzzParams(200));
  });

  it('config numbers (any double) become exact micros or an error naming the key', () => {
    fc.assert(fc.property(fc.double(), (x) => {
      const v = expectFieldError(() => dollarsFromConfigNumber(x, 'risk.bankroll'), 'risk.bankroll');
      if (v !== undefined) expect(Number.isSafeInteger(v)).toBe(true);
    }), fuzzParams(300));
  });

  it('floorTo ≤ x ≤ ceilTo, both on the step grid, less than a step apart; notional floor ≤ ceil ≤ floor + 1', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 1, max: 1_000_000 }), (x, step) => {
      const lo = floorTo(x, step);
      const hi = ceilTo(x, step);
      expect(lo <= x && x <= hi && hi - lo < 2 * step && (hi === lo) === (x % step === 0)).toBe(true);
      expect(((lo % step) + step) % step).toBe(0);
    }), fuzzParams(200));
    fc.assert(fc.property(price, count, (p, c) => {
      const f = notional(p, c);
      const g = notionalCeil(p, c);
      expect(Number.isSafeInteger(f) && g >= f && g - f <= 1).toBe(true);
      expect(f * 100 <= p * c && p * c <= g * 100).toBe(true);
    }), fuzzParams(200));
  });
});

describe('fuzz: fees', () => {
  it('taker fee: on the $0.0001 grid, never below the exact fee nor a step above it, symmetric in P ↔ 1−P, monotone in count', () => {
    fc.assert(fc.property(price, count, fc.integer({ min: 0, max: 1_000 }), (p, c, more) => {
      const fee = takerFee(c, p);
      expect(Number.isSafeInteger(fee) && fee >= 0 && fee % FEE_STEP === 0).toBe(true);
      // exact = 0.07 × C/100 × P/1e6 × (1 − P/1e6) dollars, in micros × 1e14 (all BigInt)
      const exactScaled = BigInt(TAKER_RATE_PPM) * BigInt(c) * BigInt(p) * BigInt(1_000_000 - p);
      const scale = 1_000_000n * 100n * 1_000_000n;
      expect(BigInt(fee) * scale >= exactScaled).toBe(true);
      expect((BigInt(fee) - BigInt(FEE_STEP)) * scale < exactScaled).toBe(true);
      expect(takerFee(c, 1_000_000 - p)).toBe(fee);
      expect(takerFee(c + more, p)).toBeGreaterThanOrEqual(fee);
    }), fuzzParams(300));
  });

  it('maker fee ≤ taker fee for every fee type and multiplier; both integers ≥ 0', () => {
    fc.assert(fc.property(fc.constantFrom(...FEE_TYPES), price, count, mult, (t, p, c, m) => {
      const mk = makerFee(t, c, p, m);
      const tk = takerFee(c, p, m);
      expect(Number.isSafeInteger(mk) && Number.isSafeInteger(tk) && mk >= 0 && mk <= tk).toBe(true);
    }), fuzzParams(200));
  });

  it('a price outside [0, $1] or a count that is not an integer is refused, never a negative or fractional fee', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: -2_000_000, max: 3_000_000 }), fc.double()), fc.oneof(count, fc.double()), (p, c) => {
      let fee: number | undefined;
      try {
        fee = quadraticFee(TAKER_RATE_PPM, c, p);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        expect((e as Error).message).toMatch(/price|count|rate/);
      }
      if (fee !== undefined) expect(Number.isSafeInteger(fee) && fee >= 0).toBe(true);
    }), fuzzParams(300));
  });

  it('fee multipliers from the wire (any double) become exact ppm or a RangeError naming fee_multiplier', () => {
    fc.assert(fc.property(fc.oneof(fc.double(), fc.integer({ min: 0, max: 100 }).map((n) => n / 100)), (x) => {
      try {
        const ppm = multiplierToPpm(x);
        expect(Number.isSafeInteger(ppm) && ppm >= 0).toBe(true);
      } catch (e) {
        expect(e).toBeInstanceOf(RangeError);
        expect((e as Error).message).toMatch(/fee_multiplier/);
      }
    }), fuzzParams(300));
  });

  it('balanceChange floors to the cent: never more cash than revenue − fee', () => {
    fc.assert(fc.property(fc.integer({ min: -1e12, max: 1e12 }), fc.integer({ min: 0, max: 1e9 }), (rev, fee) => {
      const d = balanceChange(rev, fee);
      expect(d <= rev - fee && rev - fee - d < 10_000 && d % 10_000 === 0).toBe(true);
    }), fuzzParams(200));
  });
});
