import { brierTerm, calibration, LOG_LOSS_CLIP, logLossTerm, scoreSet, tradeScores } from '../../../src/domain/scoring';
import { forecast } from './fixtures';

describe('scoring metrics (hand-computed)', () => {
  const a = forecast(0.8, 0.6, 'yes');
  const b = forecast(0.3, 0.5, 'no');
  const c = forecast(0.9, 0.7, 'no');

  test('Brier terms', () => {
    expect(brierTerm(800_000, 'yes')).toBeCloseTo(0.04, 12);
    expect(brierTerm(300_000, 'no')).toBeCloseTo(0.09, 12);
    expect(brierTerm(500_000, 'yes')).toBeCloseTo(0.25, 12);
  });

  test('model and market Brier, Brier skill, log loss on the same outcomes', () => {
    const s = scoreSet([a, b, c]);
    expect(s.n).toBe(3);
    expect(s.events).toBe(3);
    expect(s.brier).toBeCloseTo(0.94 / 3, 12);
    expect(s.marketBrier).toBeCloseTo(0.9 / 3, 12);
    expect(s.brierSkill).toBeCloseTo(1 - 0.94 / 0.9, 12); // −0.0444…: worse than the market
    expect(s.logLoss).toBeCloseTo((-Math.log(0.8) - Math.log(0.7) - Math.log(0.1)) / 3, 12);
    expect(s.marketLogLoss).toBeCloseTo((-Math.log(0.6) - Math.log(0.5) - Math.log(0.3)) / 3, 12);
  });

  test('a better model has positive skill', () => {
    const s = scoreSet([forecast(0.9, 0.6, 'yes'), forecast(0.1, 0.4, 'no')]);
    // model: 0.01 + 0.01; market: 0.16 + 0.16
    expect(s.brierSkill).toBeCloseTo(1 - 0.02 / 0.32, 12);
  });

  test('log loss is clipped at LOG_LOSS_CLIP', () => {
    expect(LOG_LOSS_CLIP).toBe(0.001);
    expect(logLossTerm(999_999, 'no')).toBeCloseTo(-Math.log(0.001), 12);
    expect(logLossTerm(1, 'yes')).toBeCloseTo(-Math.log(0.001), 12);
    expect(logLossTerm(500_000, 'no')).toBeCloseTo(Math.log(2), 12);
  });

  test('calibration buckets: mean forecast vs observed rate per tenth', () => {
    const fs = [forecast(0.81, 0.5, 'yes'), forecast(0.85, 0.5, 'no'), forecast(0.89, 0.5, 'yes'), forecast(0.1, 0.5, 'no'), forecast(0.999999, 0.5, 'yes')];
    const cal = calibration(fs, (f) => f.probabilityPpm);
    expect(cal).toHaveLength(10);
    expect(cal[8]).toEqual({ lo: 0.8, hi: 0.9, n: 3, meanForecast: expect.closeTo(0.85, 12), observedRate: expect.closeTo(2 / 3, 12) });
    expect(cal[1]).toMatchObject({ n: 1, meanForecast: expect.closeTo(0.1, 12), observedRate: 0 });
    expect(cal[9]).toMatchObject({ n: 1, observedRate: 1 });
    expect(cal[0]).toEqual({ lo: 0, hi: 0.1, n: 0, meanForecast: null, observedRate: null });
    expect(scoreSet(fs).marketCalibration[5].n).toBe(5);
  });

  test('traded: closing-line value, fee drag, predicted edge and realised P&L in integer micros', () => {
    const t1 = forecast(0.8, 0.6, 'yes', {
      trade: { side: 'yes', entryPriceMicros: 600_000, countCentis: 200, feeMicros: 28_000, predictedEdgeMicros: 150_000, closingPriceMicros: 700_000, pnlMicros: 772_000 },
    });
    const t2 = forecast(0.2, 0.5, 'yes', {
      trade: { side: 'no', entryPriceMicros: 500_000, countCentis: 150, feeMicros: 17_000, predictedEdgeMicros: 99_999, closingPriceMicros: 333_333, pnlMicros: -767_000 },
    });
    const t = tradeScores([t1, t2, forecast(0.5, 0.5, 'no')]);
    expect(t.n).toBe(2);
    expect(t.countCentis).toBe(350);
    // (0.7 − 0.6) × 2 = 200_000; (0.333333 − 0.5) × 1.5 = −250_000.5 → −250_001 (toward −∞)
    expect(t.clvMicros).toBe(200_000 - 250_001);
    expect(t.feeMicros).toBe(45_000);
    // 150_000 × 2 + 99_999 × 1.5 = 300_000 + 149_998 (149_998.5 floored)
    expect(t.predictedEdgeMicros).toBe(449_998);
    expect(t.pnlMicros).toBe(5_000);
    for (const v of Object.values(t)) expect(Number.isSafeInteger(v)).toBe(true);
  });

  test('nothing scored: nulls, not NaN', () => {
    const s = scoreSet([]);
    expect(s).toMatchObject({ n: 0, brier: null, marketBrier: null, brierSkill: null, logLoss: null });
  });
});
