/**
 * Optional recalibration of a model's probabilities (`quality.recalibrate`: `platt` | `isotonic`), fitted on the
 * model's SETTLED markets only — `fitCalibration(forecasts, fitTimeMs, …)` keeps the forecasts whose outcome was
 * known at `fitTimeMs` (settledAtMs ≤ fitTimeMs) and nothing later, so a fit never sees the future. Applied to a new
 * estimate before its edge is computed; the calibrated estimate is kept beside the raw one under the model name
 * `<model>:<kind>`, so scores show raw and calibrated side by side and the bench judges the one that trades.
 *
 *   platt     q = σ(a · logit(p) + b), fitted by Newton's method on the log loss (a tiny ridge keeps it finite)
 *   isotonic  pool-adjacent-violators on p sorted: a non-decreasing step function, linear between block centres
 *
 * Outputs are integer ppm clamped to [CAL_MIN_PPM, CAL_MAX_PPM]. Pure: no I/O, no clock.
 */
import type { ScoredForecast } from './types';

export const RECALIBRATE_KINDS = ['none', 'platt', 'isotonic'] as const;
export type RecalibrateKind = (typeof RECALIBRATE_KINDS)[number];
export const CAL_MIN_PPM = 10_000;
export const CAL_MAX_PPM = 990_000;
const EPS = 1e-6;

export type Calibration =
  | { kind: 'platt'; a: number; b: number; fittedOn: number; fitTimeMs: number }
  | { kind: 'isotonic'; xs: number[]; ys: number[]; fittedOn: number; fitTimeMs: number };

const clampP = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));
const logit = (p: number) => Math.log(clampP(p) / (1 - clampP(p)));
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function fitPlatt(points: readonly { p: number; y: 0 | 1 }[]): { a: number; b: number } {
  let a = 1;
  let b = 0;
  const ridge = 1e-3;
  for (let it = 0; it < 50; it++) {
    let ga = ridge * (a - 1);
    let gb = ridge * b;
    let haa = ridge;
    let hab = 0;
    let hbb = ridge;
    for (const { p, y } of points) {
      const x = logit(p);
      const q = sigmoid(a * x + b);
      const w = q * (1 - q);
      ga += (q - y) * x;
      gb += q - y;
      haa += w * x * x;
      hab += w * x;
      hbb += w;
    }
    const det = haa * hbb - hab * hab;
    if (!(Math.abs(det) > 1e-12)) break;
    const da = (hbb * ga - hab * gb) / det;
    const db = (haa * gb - hab * ga) / det;
    a -= da;
    b -= db;
    if (Math.abs(da) < 1e-10 && Math.abs(db) < 1e-10) break;
  }
  return { a, b };
}

export function fitIsotonic(points: readonly { p: number; y: 0 | 1 }[]): { xs: number[]; ys: number[] } {
  const sorted = [...points].sort((u, v) => u.p - v.p);
  const blocks: { sumX: number; sumY: number; n: number }[] = [];
  for (const { p, y } of sorted) {
    blocks.push({ sumX: p, sumY: y, n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].sumY / blocks[blocks.length - 2].n >= blocks[blocks.length - 1].sumY / blocks[blocks.length - 1].n) {
      const top = blocks.pop()!;
      const prev = blocks[blocks.length - 1];
      prev.sumX += top.sumX;
      prev.sumY += top.sumY;
      prev.n += top.n;
    }
  }
  return { xs: blocks.map((k) => k.sumX / k.n), ys: blocks.map((k) => k.sumY / k.n) };
}

/** Fit on the model's forecasts settled by `fitTimeMs`; null when fewer than `minPoints` (or kind `none`). */
export function fitCalibration(fs: readonly ScoredForecast[], model: string, kind: RecalibrateKind, fitTimeMs: number, minPoints: number): Calibration | null {
  if (kind === 'none') return null;
  const points = fs.filter((f) => f.model === model && f.settledAtMs <= fitTimeMs).map((f) => ({ p: f.probabilityPpm / 1e6, y: (f.outcome === 'yes' ? 1 : 0) as 0 | 1 }));
  if (points.length < Math.max(1, minPoints)) return null;
  if (kind === 'platt') return { kind, ...fitPlatt(points), fittedOn: points.length, fitTimeMs };
  return { kind, ...fitIsotonic(points), fittedOn: points.length, fitTimeMs };
}

/** The calibrated P(YES) of a raw one, integer ppm in [CAL_MIN_PPM, CAL_MAX_PPM]. */
export function applyCalibration(c: Calibration, ppm: number): number {
  const p = ppm / 1e6;
  let q: number;
  if (c.kind === 'platt') q = sigmoid(c.a * logit(p) + c.b);
  else {
    const { xs, ys } = c;
    if (p <= xs[0]) q = ys[0];
    else if (p >= xs[xs.length - 1]) q = ys[ys.length - 1];
    else {
      let i = 1;
      while (xs[i] < p) i++;
      const t = (p - xs[i - 1]) / (xs[i] - xs[i - 1]);
      q = ys[i - 1] + t * (ys[i] - ys[i - 1]);
    }
  }
  return Math.min(CAL_MAX_PPM, Math.max(CAL_MIN_PPM, Math.round(q * 1e6)));
}

export const calibratedModelName = (model: string, kind: Exclude<RecalibrateKind, 'none'>) => `${model}:${kind}`;
