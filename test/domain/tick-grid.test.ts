import fc from 'fast-check';
import { ceilToGrid, floorToGrid, isOnGrid, isOnGridFor, LINEAR_CENT } from '../../src/domain/tick-grid';

const TAPERED = [
  { start: 0, end: 100_000, step: 1_000 },
  { start: 100_000, end: 900_000, step: 10_000 },
  { start: 900_000, end: 1_000_000, step: 1_000 },
];
const DECI = [{ start: 0, end: 1_000_000, step: 1_000 }];

describe('isOnGrid', () => {
  it('empty ranges = linear 1¢ from 0.01 to 0.99', () => {
    expect(isOnGrid(10_000, [])).toBe(true);
    expect(isOnGrid(990_000, [])).toBe(true);
    expect(isOnGrid(520_000, [])).toBe(true);
    expect(isOnGrid(525_000, [])).toBe(false);
    expect(isOnGrid(0, [])).toBe(false);
    expect(isOnGrid(1_000_000, [])).toBe(false);
    expect(isOnGrid(5_000, [])).toBe(false);
  });
  it('$0 and $1 are never on a grid, even when a range includes them', () => {
    expect(isOnGrid(0, DECI)).toBe(false);
    expect(isOnGrid(1_000_000, DECI)).toBe(false);
    expect(isOnGrid(1_000, DECI)).toBe(true);
    expect(isOnGrid(999_000, DECI)).toBe(true);
  });
  it('tapered_deci_cent: 0.1¢ at the tails, 1¢ in the middle', () => {
    expect(isOnGrid(55_000, TAPERED)).toBe(true);
    expect(isOnGrid(555_000, TAPERED)).toBe(false);
    expect(isOnGrid(550_000, TAPERED)).toBe(true);
    expect(isOnGrid(905_000, TAPERED)).toBe(true);
    expect(isOnGrid(100_000, TAPERED)).toBe(true);
  });
  it('malformed ranges contribute nothing; non-integers are never on grid', () => {
    expect(isOnGrid(500_000, [{ start: 0, end: 1_000_000, step: 0 }])).toBe(false);
    expect(isOnGrid(500_000, [{ start: 600_000, end: 400_000, step: 10_000 }])).toBe(false);
    expect(isOnGrid(500_000.5, [])).toBe(false);
    expect(isOnGrid(Number.NaN, [])).toBe(false);
  });
  it('a NO price is checked through its YES equivalent', () => {
    const asym = [{ start: 0, end: 500_000, step: 1_000 }, { start: 500_000, end: 1_000_000, step: 10_000 }];
    expect(isOnGridFor('yes', 45_000, asym)).toBe(true);
    expect(isOnGridFor('no', 45_000, asym)).toBe(false); // YES 0.955 is not on the upper 1¢ range
    expect(isOnGridFor('no', 955_000, asym)).toBe(true); // YES 0.045
  });
});

describe('floorToGrid / ceilToGrid', () => {
  it('linear cent', () => {
    expect(floorToGrid(523_456, [])).toBe(520_000);
    expect(ceilToGrid(523_456, [])).toBe(530_000);
    expect(floorToGrid(520_000, [])).toBe(520_000);
    expect(ceilToGrid(520_000, [])).toBe(520_000);
  });
  it('never returns 0 or 1', () => {
    expect(floorToGrid(9_999, [])).toBeNull();
    expect(floorToGrid(0, DECI)).toBeNull();
    expect(floorToGrid(1_500_000, [])).toBe(990_000);
    expect(floorToGrid(1_000_000, DECI)).toBe(999_000);
    expect(ceilToGrid(0, [])).toBe(10_000);
    expect(ceilToGrid(-5, DECI)).toBe(1_000);
    expect(ceilToGrid(990_001, [])).toBeNull();
    expect(ceilToGrid(999_500, DECI)).toBeNull();
  });
  it('tapered grid, across range borders', () => {
    expect(floorToGrid(95_500, TAPERED)).toBe(95_000);
    expect(ceilToGrid(95_500, TAPERED)).toBe(96_000);
    expect(floorToGrid(105_000, TAPERED)).toBe(100_000);
    expect(ceilToGrid(105_000, TAPERED)).toBe(110_000);
    expect(floorToGrid(899_999, TAPERED)).toBe(890_000);
    expect(ceilToGrid(899_999, TAPERED)).toBe(900_000);
    expect(ceilToGrid(900_001, TAPERED)).toBe(901_000);
  });
  it('a range whose end is off its own step', () => {
    const r = [{ start: 0, end: 105_000, step: 10_000 }];
    expect(floorToGrid(105_000, r)).toBe(100_000);
    expect(ceilToGrid(101_000, r)).toBeNull();
  });
  it('property: results are on the grid, tradable, and bracket the input', () => {
    const grid = fc.constantFrom([], TAPERED, DECI, LINEAR_CENT as never, [{ start: 0, end: 1_000_000, step: 2_000 }]);
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 1_100_000 }), grid, (p, g) => {
        const lo = floorToGrid(p, g);
        const hi = ceilToGrid(p, g);
        if (lo !== null) {
          expect(isOnGrid(lo, g)).toBe(true);
          expect(lo).toBeLessThanOrEqual(p);
          expect(lo > 0 && lo < 1_000_000).toBe(true);
        }
        if (hi !== null) {
          expect(isOnGrid(hi, g)).toBe(true);
          expect(hi).toBeGreaterThanOrEqual(p);
          expect(hi > 0 && hi < 1_000_000).toBe(true);
        }
        if (isOnGrid(p, g)) expect([lo, hi]).toEqual([p, p]);
      }),
      { numRuns: 2000 },
    );
  });
});
