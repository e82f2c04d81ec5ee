import { applyCalibration, CAL_MAX_PPM, CAL_MIN_PPM, fitCalibration, fitIsotonic, fitPlatt } from '../../../src/domain/scoring';
import { batch, forecast } from './fixtures';

describe('recalibration', () => {
  test('Platt on an over-confident model pulls its forecasts toward the observed rates', () => {
    // The model says 0.9 or 0.1; YES happens 70 % / 30 % of the time.
    const pts = [...Array.from({ length: 100 }, (_, i) => ({ p: 0.9, y: (i < 70 ? 1 : 0) as 0 | 1 })), ...Array.from({ length: 100 }, (_, i) => ({ p: 0.1, y: (i < 30 ? 1 : 0) as 0 | 1 }))];
    const { a, b } = fitPlatt(pts);
    const q = (p: number) => 1 / (1 + Math.exp(-(a * Math.log(p / (1 - p)) + b)));
    expect(q(0.9)).toBeCloseTo(0.7, 3);
    expect(q(0.1)).toBeCloseTo(0.3, 3);
  });

  test('isotonic: pool-adjacent-violators gives a non-decreasing step of block means', () => {
    const { xs, ys } = fitIsotonic([{ p: 0.1, y: 0 }, { p: 0.2, y: 1 }, { p: 0.3, y: 0 }, { p: 0.8, y: 1 }]);
    expect(xs).toEqual([0.1, 0.25, 0.8]);
    expect(ys).toEqual([0, 0.5, 1]);
    for (let i = 1; i < ys.length; i++) expect(ys[i]).toBeGreaterThanOrEqual(ys[i - 1]);
  });

  test('applyCalibration: integer ppm, interpolated and clamped', () => {
    const iso = { kind: 'isotonic' as const, xs: [0.1, 0.5], ys: [0, 1], fittedOn: 2, fitTimeMs: 0 };
    expect(applyCalibration(iso, 300_000)).toBe(500_000);
    expect(applyCalibration(iso, 50_000)).toBe(CAL_MIN_PPM);
    expect(applyCalibration(iso, 900_000)).toBe(CAL_MAX_PPM);
    const id = { kind: 'platt' as const, a: 1, b: 0, fittedOn: 2, fitTimeMs: 0 };
    expect(applyCalibration(id, 420_000)).toBe(420_000);
    expect(Number.isInteger(applyCalibration({ ...id, a: 0.7, b: 0.1 }, 333_333))).toBe(true);
  });

  test('a fit never sees an outcome settled after its fit time', () => {
    const past = batch(40, 28, () => 0.9, () => 0.5, { model: 'm' }).map((f, i) => ({ ...f, settledAtMs: 1_000 + i }));
    const future = Array.from({ length: 40 }, (_, i) => forecast(0.9, 0.5, 'no', { model: 'm', settledAtMs: 10_000 + i }));
    const fitNow = fitCalibration([...past, ...future], 'm', 'platt', 5_000, 30);
    expect(fitNow).toEqual(fitCalibration(past, 'm', 'platt', 5_000, 30));
    expect(fitNow!.fittedOn).toBe(40);
    // With the future in view the fit would differ: the filter is what keeps it out.
    expect(fitCalibration([...past, ...future], 'm', 'platt', 20_000, 30)).not.toEqual(fitNow);
    expect(fitCalibration(past, 'm', 'isotonic', 5_000, 41)).toBeNull(); // too few settled
    expect(fitCalibration(past, 'other', 'platt', 5_000, 1)).toBeNull();
    expect(fitCalibration(past, 'm', 'none', 5_000, 1)).toBeNull();
  });
});
