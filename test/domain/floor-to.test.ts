/** floorTo's Number fast path (issue 14 P2) agrees with the exact BigInt floor on every sign, step and edge value. */
import fc from 'fast-check';
import { ceilTo, floorTo } from '../../src/domain/fixed';

const exactFloor = (m: number, s: number) => {
  const a = BigInt(m);
  const b = BigInt(s);
  const q = a / b;
  return Number(((a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q) * b);
};

test('floorTo equals the BigInt floor (and ceilTo its mirror), zero signs included', () => {
  fc.assert(fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 1, max: 1_000_000_000 }), (m, s) => {
    expect(Object.is(floorTo(m, s), exactFloor(m, s))).toBe(true);
    expect(Object.is(ceilTo(m, s), -exactFloor(-m, s))).toBe(true);
  }), { numRuns: 2_000 });
  expect(Object.is(floorTo(-0, 100), 0)).toBe(true);
  expect(Object.is(ceilTo(0, 100), -0)).toBe(true);
  expect(floorTo(-1, 100)).toBe(-100);
  expect(ceilTo(1, 100)).toBe(100);
  expect(() => floorTo(1.5, 100)).toThrow();
});
