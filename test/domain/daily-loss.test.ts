import {
  checkDailyLoss, dailyLoss, dailyLossThresholdMicros, initialDailyLossState, observeCapital, rebaseDailyLoss, utcDayStartMs,
} from '../../src/domain/daily-loss';

const H = 3_600_000;
const D = Date.UTC(2025, 0, 10); // 2025-01-10T00:00:00.000Z = 1736467200000
const LIMIT = 100_000; // 10 %

describe('daily-loss baseline', () => {
  it('the first observation of a lane is the baseline; later cycles the same day keep it', () => {
    expect(D).toBe(1_736_467_200_000);
    const s1 = observeCapital(initialDailyLossState(), D + 10 * H, 100_000_000);
    expect(s1).toEqual({
      dayStartMs: D, baselineMicros: 100_000_000, baselineRule: 'first_observation', lastBeforeMidnightMicros: null,
      firstAfterMidnightMicros: 100_000_000, lastObservedAtMs: D + 10 * H, lastCapitalMicros: 100_000_000,
    });
    const s2 = observeCapital(s1, D + 20 * H, 95_000_000);
    expect(s2.baselineMicros).toBe(100_000_000);
    expect(s2.lastCapitalMicros).toBe(95_000_000);
    expect(dailyLoss(s2, 95_000_000)).toBe(5_000_000);
    expect(dailyLoss(s2, 104_000_000)).toBe(-4_000_000); // a gain
  });

  it('a cycle exactly at 00:00 UTC sets the baseline to its own value, not the higher one', () => {
    const before = observeCapital(observeCapital(initialDailyLossState(), D + 10 * H, 100_000_000), D + 24 * H - 1, 95_000_000);
    const s = observeCapital(before, D + 24 * H, 92_000_000); // 2025-01-11T00:00:00.000Z
    expect(s).toMatchObject({
      dayStartMs: D + 24 * H, baselineMicros: 92_000_000, baselineRule: 'at_midnight', lastBeforeMidnightMicros: 95_000_000,
      firstAfterMidnightMicros: 92_000_000,
    });
    expect(checkDailyLoss(s, 92_000_000, LIMIT)).toEqual({ baselineMicros: 92_000_000, lossMicros: 0, thresholdMicros: 9_200_000, breached: false });
  });

  it('a gap over midnight takes the higher of the last value before and the first after', () => {
    const last = observeCapital(initialDailyLossState(), D + 23 * H, 95_000_000);
    const down = observeCapital(last, D + 25 * H, 90_000_000);
    expect(down).toMatchObject({ dayStartMs: D + 24 * H, baselineMicros: 95_000_000, baselineRule: 'higher_around_midnight', lastBeforeMidnightMicros: 95_000_000, firstAfterMidnightMicros: 90_000_000 });
    expect(checkDailyLoss(down, 90_000_000, LIMIT)).toEqual({ baselineMicros: 95_000_000, lossMicros: 5_000_000, thresholdMicros: 9_500_000, breached: false });
    const up = observeCapital(observeCapital(initialDailyLossState(), D + 23 * H, 90_000_000), D + 25 * H, 97_000_000);
    expect(up.baselineMicros).toBe(97_000_000);
  });

  it('two midnights skipped: the same rule against the last value ever seen before the latest midnight', () => {
    const last = observeCapital(initialDailyLossState(), D + 23 * H, 80_000_000);
    const s = observeCapital(last, D + 74 * H, 85_000_000); // skips 01-11 and 01-12 00:00, lands on 01-13 02:00
    expect(s).toMatchObject({ dayStartMs: D + 72 * H, baselineMicros: 85_000_000, lastBeforeMidnightMicros: 80_000_000, baselineRule: 'higher_around_midnight' });
    const s2 = observeCapital(observeCapital(initialDailyLossState(), D + 23 * H, 85_000_000), D + 74 * H, 80_000_000);
    expect(checkDailyLoss(s2, 80_000_000, LIMIT)).toEqual({ baselineMicros: 85_000_000, lossMicros: 5_000_000, thresholdMicros: 8_500_000, breached: false });
  });

  it('breaches when the loss reaches the limit (≥), exactly, on BigInt', () => {
    const s = observeCapital(initialDailyLossState(), D + H, 100_000_000);
    expect(checkDailyLoss(s, 90_000_001, LIMIT)).toMatchObject({ lossMicros: 9_999_999, thresholdMicros: 10_000_000, breached: false });
    expect(checkDailyLoss(s, 90_000_000, LIMIT)).toMatchObject({ lossMicros: 10_000_000, breached: true });
    // ⌈0.1 × 99 999 999⌉ = ⌈9 999 999.9⌉ = 10 000 000
    expect(dailyLossThresholdMicros(99_999_999, LIMIT)).toBe(10_000_000);
    // $9e9 baseline × 999 999 ppm overflows 2^53 as a product: BigInt keeps it exact (8 999 991 000 000 000 micros).
    expect(dailyLossThresholdMicros(9_000_000_000_000_000, 999_999)).toBe(8_999_991_000_000_000);
    // A flat day never trips, even with a 0 limit or a 0 baseline: at least one micro of loss.
    expect(dailyLossThresholdMicros(100_000_000, 0)).toBe(1);
    expect(dailyLossThresholdMicros(0, LIMIT)).toBe(1);
    expect(checkDailyLoss(s, 100_000_000, 0).breached).toBe(false);
    expect(checkDailyLoss(s, 99_999_999, 0).breached).toBe(true);
  });

  it('is JSON-serialisable: a round trip (continue-as-new, the DB) changes nothing', () => {
    const s = observeCapital(observeCapital(initialDailyLossState(), D + 23 * H, 95_000_000), D + 25 * H, 90_000_000);
    const back = JSON.parse(JSON.stringify(s));
    expect(back).toEqual(s);
    expect(observeCapital(back, D + 26 * H, 91_000_000)).toEqual(observeCapital(s, D + 26 * H, 91_000_000));
  });

  it('rebaseDailyLoss: an operator clearing the halt early resets today’s baseline to the last value', () => {
    const s = observeCapital(observeCapital(initialDailyLossState(), D + H, 100_000_000), D + 2 * H, 88_000_000);
    const r = rebaseDailyLoss(s);
    expect(r).toMatchObject({ baselineMicros: 88_000_000, baselineRule: 'operator_rebase', dayStartMs: D });
    expect(rebaseDailyLoss(initialDailyLossState())).toEqual(initialDailyLossState());
  });

  it('refuses bad input: a clock going backwards, fractions, no baseline yet', () => {
    const s = observeCapital(initialDailyLossState(), D + 5 * H, 100_000_000);
    expect(() => observeCapital(s, D + 4 * H, 100_000_000)).toThrow(/backwards/);
    expect(() => observeCapital(s, D + 6 * H, 1.5)).toThrow(/capitalBaseMicros/);
    expect(() => observeCapital(s, Number.NaN, 1)).toThrow(/nowMs/);
    expect(() => dailyLoss(initialDailyLossState(), 1)).toThrow(/no baseline/);
    expect(() => dailyLossThresholdMicros(1, -1)).toThrow(/limitPpm/);
    expect(utcDayStartMs(D + 24 * H - 1)).toBe(D);
    expect(utcDayStartMs(D + 24 * H)).toBe(D + 24 * H);
  });
});
