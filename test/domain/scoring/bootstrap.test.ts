import { mulberry32, quantile, skillInterval } from '../../../src/domain/scoring';
import { batch, forecast } from './fixtures';

describe('bootstrap interval of the Brier skill, resampled by event', () => {
  test('quantile interpolates between order statistics', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([5], 0.3)).toBe(5);
  });

  test('the PRNG is seeded and deterministic', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(8)()).not.toBe(xs[0]);
  });

  const fs = batch(40, 20, (i) => (i < 20 ? 0.7 : 0.4), () => 0.5);

  test('same input and seed → the same interval; another seed → another', () => {
    const x = skillInterval(fs, { confidence: 0.9, resamples: 500, seed: 1 });
    expect(skillInterval(fs, { confidence: 0.9, resamples: 500, seed: 1 })).toEqual(x);
    expect(skillInterval(fs, { confidence: 0.9, resamples: 500, seed: 2 })).not.toEqual(x);
    expect(x!.lo).toBeLessThan(x!.hi);
    expect(x).toMatchObject({ confidence: 0.9, resamples: 500 });
  });

  test('markets of one event move together: a single event gives a degenerate interval at its skill', () => {
    const one = [forecast(0.8, 0.6, 'yes', { eventTicker: 'E' }), forecast(0.3, 0.5, 'no', { eventTicker: 'E' }), forecast(0.9, 0.7, 'no', { eventTicker: 'E' })];
    const x = skillInterval(one, { confidence: 0.9, resamples: 200 })!;
    expect(x.lo).toBeCloseTo(1 - 0.94 / 0.9, 12);
    expect(x.hi).toBeCloseTo(1 - 0.94 / 0.9, 12);
    // The same three markets as three events: the interval opens up.
    const three = one.map((f, i) => ({ ...f, eventTicker: `E${i}` }));
    const y = skillInterval(three, { confidence: 0.9, resamples: 200 })!;
    expect(y.hi - y.lo).toBeGreaterThan(0.1);
  });

  test('a higher confidence gives a wider interval', () => {
    const a = skillInterval(fs, { confidence: 0.5, resamples: 1000 })!;
    const b = skillInterval(fs, { confidence: 0.95, resamples: 1000 })!;
    expect(b.lo).toBeLessThan(a.lo);
    expect(b.hi).toBeGreaterThan(a.hi);
  });

  test('bad options are refused, naming the option', () => {
    expect(() => skillInterval(fs, { confidence: 1 })).toThrow(/confidence/);
    expect(() => skillInterval(fs, { confidence: 0.9, resamples: 0 })).toThrow(/resamples/);
    expect(skillInterval([], { confidence: 0.9 })).toBeNull();
  });
});
