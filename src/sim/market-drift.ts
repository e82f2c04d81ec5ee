/**
 * The market probability: where the house maker centres its quotes. It starts at the scenario's `market_probability`
 * (default: the true probability) at the simulator's start and moves by a bounded random walk, one step per market-time
 * hour (DRIFT_BUCKET_MS). Each step is a uniform integer in [−driftStep, +driftStep] drawn from the stream
 * (seed, "drift", ticker, bucket); the offset reflects at ±driftMax. The value at a bucket therefore depends only on
 * the seed, the ticker, the start bucket and the bucket — never on how the clock was advanced. Integer micros only.
 */
import type { Micros } from '../domain/fixed';
import { rngFor } from './prng';
import type { SimMarket } from './types';

export const DRIFT_BUCKET_MS = 3_600_000;
/** The quote centre never leaves [0.02, 0.98]. */
export const MARKET_PROBABILITY_MIN: Micros = 20_000;
export const MARKET_PROBABILITY_MAX: Micros = 980_000;

export function driftBucketOf(ms: number): number {
  return Math.floor(ms / DRIFT_BUCKET_MS);
}

/** Reflect `v` into [−max, +max] (max ≥ 0). */
export function reflect(v: number, max: number): number {
  if (max <= 0) return 0;
  let x = v;
  // A step larger than the band may need more than one bounce.
  for (let i = 0; i < 8 && (x > max || x < -max); i++) x = x > max ? 2 * max - x : -2 * max - x;
  return Math.min(max, Math.max(-max, x));
}

/** The walk's offset at `bucket`, advancing the market's walk state forward (never backward). */
function offsetAt(seed: number, m: SimMarket, bucket: number): Micros {
  if (m.driftStep <= 0 || m.driftMax <= 0) {
    m.driftBucket = Math.max(m.driftBucket, bucket);
    return 0;
  }
  while (m.driftBucket < bucket) {
    m.driftBucket += 1;
    const step = rngFor(seed, 'drift', m.ticker, m.driftBucket).range(-m.driftStep, m.driftStep);
    m.driftOffset = reflect(m.driftOffset + step, m.driftMax);
  }
  return m.driftOffset;
}

/** Where the house quotes `m` at market time `ms` (micros, within [0.02, 0.98]). */
export function marketProbabilityAt(seed: number, m: SimMarket, ms: number): Micros {
  const p = m.marketProbability + offsetAt(seed, m, driftBucketOf(ms));
  return Math.min(MARKET_PROBABILITY_MAX, Math.max(MARKET_PROBABILITY_MIN, p));
}
