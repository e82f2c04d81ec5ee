import fc from 'fast-check';
import { capitalBase, capitalSnapshot, dailyNewRoom, exposureRoom, laneEquity, totalExposure } from '../../src/domain/capital';

const $ = (d: number) => d * 1_000_000;

describe('laneEquity and capitalBase', () => {
  it('bankroll + realised + Σ(mark − cost)', () => {
    // $1000 bankroll, −$20 realised, one position +$5, one −$30
    expect(laneEquity($(1000), -$(20), [{ costMicros: $(50), markMicros: $(55) }, { costMicros: $(100), markMicros: $(70) }])).toBe($(955));
    expect(laneEquity($(1000), 0, [])).toBe($(1000));
  });
  it('min with the account equity; null (dry-run) → lane equity', () => {
    expect(capitalBase($(955), $(600))).toBe($(600));
    expect(capitalBase($(955), $(2000))).toBe($(955));
    expect(capitalBase($(955), null)).toBe($(955));
    expect(capitalBase(-$(5), null)).toBe(-$(5));
  });
});

describe('exposure and rooms', () => {
  it('exposure = Σ cost + Σ resting notional (rounded up), once', () => {
    // positions $400 + $50; resting 10 @ 0.52 = $5.20 and 0.03 @ 0.333333 = 0.00999999 → $0.010000
    expect(totalExposure([{ costMicros: $(400) }, { costMicros: $(50) }], [
      { priceMicros: 520_000, remainingCentis: 1_000 }, { priceMicros: 333_333, remainingCentis: 3 },
    ])).toBe(455_210_000);
  });
  it('origin B14: $1000 equity, $400 deployed, 0.80 → $400 room (not the $200 that double counting gave)', () => {
    const s = capitalSnapshot({
      bankrollMicros: $(1000), realisedPnlMicros: 0, positions: [{ costMicros: $(400), markMicros: $(400) }], restingOrders: [],
      accountEquityMicros: null, todaysNewExposureMicros: $(400), maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 500_000,
    });
    expect(s).toEqual({ laneEquityMicros: $(1000), capitalBaseMicros: $(1000), exposureMicros: $(400), exposureRoomMicros: $(400), dailyNewRoomMicros: $(100) });
  });
  it('an unrealised loss and a smaller account shrink the rooms; resting orders count', () => {
    const s = capitalSnapshot({
      bankrollMicros: $(1000), realisedPnlMicros: -$(50), positions: [{ costMicros: $(300), markMicros: $(200) }],
      restingOrders: [{ priceMicros: 400_000, remainingCentis: 10_000 }], accountEquityMicros: $(900),
      todaysNewExposureMicros: $(340), maxTotalExposureFractionPpm: 800_000, maxNewExposurePerDayFractionPpm: 400_000,
    });
    // lane 1000 − 50 − 100 = 850 < 900; exposure 300 + 40 = 340; room 0.8·850 − 340 = 340; daily 0.4·850 − 340 = 0
    expect(s).toEqual({ laneEquityMicros: $(850), capitalBaseMicros: $(850), exposureMicros: $(340), exposureRoomMicros: $(340), dailyNewRoomMicros: 0 });
  });
  it('rooms floor the fraction, never go negative, and are 0 on a non-positive base', () => {
    expect(exposureRoom(333_333, 800_000, 0)).toBe(266_666); // 266666.4
    expect(exposureRoom($(100), 800_000, $(90))).toBe(0);
    expect(dailyNewRoom(-$(10), 800_000, 0)).toBe(0);
    expect(dailyNewRoom($(100), 1_000_000, $(99))).toBe($(1));
    expect(() => exposureRoom($(100), 1_000_001, 0)).toThrow(RangeError);
  });
  it('property: safe integers, room ≤ fraction · base, room + exposure ≤ fraction · base when room > 0', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -$(1e6), max: $(1e7) }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: $(1e7) }),
        (base, f, used) => {
          const r = exposureRoom(base, f, used);
          expect(Number.isSafeInteger(r) && r >= 0).toBe(true);
          if (r > 0) expect(BigInt(r + used) * 1_000_000n <= BigInt(f) * BigInt(base)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
