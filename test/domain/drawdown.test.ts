import { checkDrawdown, drawdownThresholdMicros, initialDrawdownState, observePeak, resetDrawdownPeak } from '../../src/domain/drawdown';

const QUARTER = 250_000; // 25 %

describe('drawdown', () => {
  it('tracks the high-water mark and breaches when the drawdown reaches the fraction of the peak', () => {
    let s = observePeak(initialDrawdownState(), 1_000, 100_000_000);
    s = observePeak(s, 2_000, 120_000_000);
    s = observePeak(s, 3_000, 95_000_000); // below the peak: unchanged
    expect(s).toEqual({ peakMicros: 120_000_000, peakAtMs: 2_000 });
    expect(checkDrawdown(s, 95_000_000, QUARTER)).toEqual({ peakMicros: 120_000_000, drawdownMicros: 25_000_000, thresholdMicros: 30_000_000, breached: false });
    expect(checkDrawdown(s, 90_000_001, QUARTER)).toMatchObject({ drawdownMicros: 29_999_999, breached: false });
    expect(checkDrawdown(s, 90_000_000, QUARTER)).toMatchObject({ drawdownMicros: 30_000_000, breached: true });
  });

  it('null disables; a 0 fraction trips on one micro below the peak; the threshold rounds up', () => {
    const s = observePeak(initialDrawdownState(), 0, 100_000_000);
    expect(checkDrawdown(s, 1, null)).toEqual({ peakMicros: 100_000_000, drawdownMicros: 99_999_999, thresholdMicros: null, breached: false });
    expect(checkDrawdown(s, 100_000_000, 0).breached).toBe(false);
    expect(checkDrawdown(s, 99_999_999, 0).breached).toBe(true);
    expect(drawdownThresholdMicros(99_999_999, QUARTER)).toBe(25_000_000); // ⌈24 999 999.75⌉
  });

  it('resetDrawdownPeak after an operator clears the halt; bad input throws', () => {
    expect(resetDrawdownPeak(5_000, 70_000_000)).toEqual({ peakMicros: 70_000_000, peakAtMs: 5_000 });
    expect(() => checkDrawdown(initialDrawdownState(), 1, QUARTER)).toThrow(/no peak/);
    expect(() => observePeak(initialDrawdownState(), 0, 0.5)).toThrow(/capitalBaseMicros/);
    expect(JSON.parse(JSON.stringify(observePeak(initialDrawdownState(), 7, 9)))).toEqual({ peakMicros: 9, peakAtMs: 7 });
  });
});
