/**
 * Proper scores of a set of ScoredForecasts, the model's and the market's on the same outcomes:
 *
 *   Brier        mean (p − y)², y = 1 for YES; 0 is perfect, 0.25 is a coin flip.
 *   log loss     mean −[y ln p + (1 − y) ln (1 − p)], with p clipped to [LOG_LOSS_CLIP, 1 − LOG_LOSS_CLIP] so one
 *                confident miss costs at most −ln(0.001) ≈ 6.91 instead of infinity.
 *   Brier skill  1 − Brier(model) / Brier(market): > 0 the model beats the market's own price, < 0 it is worse.
 *   calibration  CALIBRATION_BUCKETS equal-width buckets of the forecast: mean forecast vs observed YES rate.
 *   trades       closing-line value, fee drag, predicted edge and realised P&L, summed in integer micros.
 *
 * Pure: no I/O, no clock. Money stays integer (notional() rounds toward −∞); the scores are statistics.
 */
import { notional } from '../fixed';
import type { CalibrationBucket, ScoredForecast, ScoreSet, TradeScores } from './types';

export const LOG_LOSS_CLIP = 0.001;
export const CALIBRATION_BUCKETS = 10;
const PPM = 1_000_000;

const y = (f: Pick<ScoredForecast, 'outcome'>) => (f.outcome === 'yes' ? 1 : 0);

export function brierTerm(ppm: number, outcome: 'yes' | 'no'): number {
  const d = ppm / PPM - (outcome === 'yes' ? 1 : 0);
  return d * d;
}

export function logLossTerm(ppm: number, outcome: 'yes' | 'no'): number {
  const p = Math.min(1 - LOG_LOSS_CLIP, Math.max(LOG_LOSS_CLIP, ppm / PPM));
  return -Math.log(outcome === 'yes' ? p : 1 - p);
}

/** Σ Brier terms of the model and of the market (the bootstrap resamples these sums). */
export function brierSums(fs: readonly ScoredForecast[]): { model: number; market: number } {
  let model = 0;
  let market = 0;
  for (const f of fs) {
    model += brierTerm(f.probabilityPpm, f.outcome);
    market += brierTerm(f.marketPpm, f.outcome);
  }
  return { model, market };
}

/** 1 − model/market from Brier sums; null when the market's sum is 0 (it cannot be beaten) or nothing was scored. */
export function skillOf(sums: { model: number; market: number }): number | null {
  return sums.market > 0 ? 1 - sums.model / sums.market : null;
}

export function calibration(fs: readonly ScoredForecast[], pick: (f: ScoredForecast) => number, buckets = CALIBRATION_BUCKETS): CalibrationBucket[] {
  const out = Array.from({ length: buckets }, (_, i) => ({ lo: i / buckets, hi: (i + 1) / buckets, n: 0, sumP: 0, sumY: 0 }));
  for (const f of fs) {
    const ppm = pick(f);
    const i = Math.min(buckets - 1, Math.floor((ppm * buckets) / PPM));
    out[i].n += 1;
    out[i].sumP += ppm / PPM;
    out[i].sumY += y(f);
  }
  return out.map((b) => ({ lo: b.lo, hi: b.hi, n: b.n, meanForecast: b.n ? b.sumP / b.n : null, observedRate: b.n ? b.sumY / b.n : null }));
}

export function tradeScores(fs: readonly ScoredForecast[]): TradeScores {
  const t: TradeScores = { n: 0, countCentis: 0, clvMicros: 0, feeMicros: 0, predictedEdgeMicros: 0, pnlMicros: 0 };
  for (const f of fs) {
    const x = f.trade;
    if (!x) continue;
    t.n += 1;
    t.countCentis += x.countCentis;
    if (x.closingPriceMicros !== null) t.clvMicros += notional(x.closingPriceMicros - x.entryPriceMicros, x.countCentis);
    t.feeMicros += x.feeMicros;
    t.predictedEdgeMicros += notional(x.predictedEdgeMicros, x.countCentis);
    t.pnlMicros += x.pnlMicros;
  }
  return t;
}

/** Every score of the set, without a confidence interval (see bootstrap.ts for `skillInterval`). */
export function scoreSet(fs: readonly ScoredForecast[]): ScoreSet {
  const n = fs.length;
  const sums = brierSums(fs);
  const ll = fs.reduce((a, f) => a + logLossTerm(f.probabilityPpm, f.outcome), 0);
  const mll = fs.reduce((a, f) => a + logLossTerm(f.marketPpm, f.outcome), 0);
  return {
    n,
    events: new Set(fs.map((f) => f.eventTicker)).size,
    brier: n ? sums.model / n : null,
    marketBrier: n ? sums.market / n : null,
    logLoss: n ? ll / n : null,
    marketLogLoss: n ? mll / n : null,
    brierSkill: n ? skillOf(sums) : null,
    skillInterval: null,
    calibration: calibration(fs, (f) => f.probabilityPpm),
    marketCalibration: calibration(fs, (f) => f.marketPpm),
    traded: tradeScores(fs),
  };
}
