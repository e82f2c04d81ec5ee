/**
 * sim-oracle: a noisy, seeded view of each open market's hidden true probability, shifted by the scenario's
 * `oracle_bias` (signed; per market or scenario-wide) and clamped into [0.01, 0.99], refreshed once per market-time
 * minute. Not part of Kalshi's API: served at GET /sim-oracle/v1/fair-values for the zero-credential quickstart.
 * A bias lets a test make the bot's model worse than the market in a known direction.
 */
import { floorTo, formatDollars } from '../domain/fixed';
import type { Exchange } from './exchange';
import { rngFor } from './prng';
import { isoSec } from './wire';

export const ORACLE_BUCKET_MS = 60_000;

export function fairValues(ex: Exchange, seed: number, noisePpm: number, tickers: Set<string> | null) {
  const bucket = Math.floor(ex.nowMs / ORACLE_BUCKET_MS);
  const asOf = isoSec(bucket * ORACLE_BUCKET_MS);
  const out: Array<{ ticker: string; probability_dollars: string; as_of: string }> = [];
  for (const m of ex.markets.values()) {
    if (m.status !== 'active' || (tickers && !tickers.has(m.ticker))) continue;
    const rng = rngFor(seed, 'oracle', m.ticker, bucket);
    // Sum of three uniforms: a bell-shaped integer noise with sd ≈ noisePpm.
    const w = noisePpm;
    const noise = rng.range(-w, w) + rng.range(-w, w) + rng.range(-w, w);
    const p = Math.min(990_000, Math.max(10_000, m.trueProbability + m.oracleBias + noise));
    out.push({ as_of: asOf, probability_dollars: formatDollars(floorTo(p + 50, 100), 4), ticker: m.ticker });
  }
  return { fair_values: out };
}
