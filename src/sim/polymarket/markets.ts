/**
 * The Polymarket simulator's markets: one binary (Yes/No) market per market of a Kalshi simulator scenario, so a
 * cross-venue run has a Polymarket twin for every Kalshi ticker. Its price follows the Kalshi market's hidden true
 * probability (what the sim-oracle sees) plus a seeded per-market disagreement in [−disagreement, +disagreement]
 * (default 0.02), unless an override pins it; it lives on Polymarket's 0.01 tick grid.
 *
 * Ids are deterministic: the condition id is 0x + sha256(seed, ticker), each token id the decimal of
 * sha256(seed, ticker, outcome) (a uint256, as on the wire). Gamma's `question` is `<event title>: <market title>?`
 * and its `endDate` the Kalshi market's close time, so the generated mapping file (mappingLines) matches by
 * construction; a test edits a line to make one mismatch.
 */
import { createHash } from 'node:crypto';
import { floorTo, Micros } from '../../domain/fixed';
import { rngFor } from '../prng';

/** What the Polymarket simulator needs of one Kalshi simulator market (see mirrorSimCore). */
export interface MirrorMarket {
  ticker: string;
  question: string;
  closeMs: number;
  /** The Kalshi market's status: `active` → active; closed/determined/finalized… → closed; initialized → not accepting. */
  status: string;
  trueProbability: Micros;
}

export interface PolyMarket {
  ticker: string;
  gammaId: string;
  conditionId: string;
  question: string;
  slug: string;
  closeMs: number;
  yesToken: string;
  noToken: string;
}

export const TICK: Micros = 10_000;

const sha = (...parts: Array<string | number>) => createHash('sha256').update(parts.join('\u0001')).digest('hex');

export function buildPolyMarkets(source: MirrorMarket[], seed: number): PolyMarket[] {
  return source.map((m, i) => ({
    ticker: m.ticker,
    gammaId: String(500_000 + i),
    conditionId: `0x${sha('pm-condition', seed, m.ticker)}`,
    question: m.question,
    slug: m.ticker.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    closeMs: m.closeMs,
    yesToken: BigInt(`0x${sha('pm-token', seed, m.ticker, 'Yes')}`).toString(10),
    noToken: BigInt(`0x${sha('pm-token', seed, m.ticker, 'No')}`).toString(10),
  }));
}

/**
 * The YES mid (on the tick grid, in [0.02, 0.98]): the override, else true probability + the market's seeded
 * disagreement + a small seeded wobble per hour bucket (±1 tick).
 */
export function yesMid(m: MirrorMarket, seed: number, disagreementPpm: number, nowMs: number, override: Micros | undefined): Micros {
  const raw = override ?? (m.trueProbability
    + rngFor(seed, 'pm-disagree', m.ticker).range(-disagreementPpm, disagreementPpm)
    + rngFor(seed, 'pm-wobble', m.ticker, Math.floor(nowMs / 3_600_000)).range(-1, 1) * TICK);
  return Math.min(980_000, Math.max(20_000, floorTo(raw + TICK / 2, TICK)));
}

export interface Level { price: Micros; size: Micros }

/** Five levels a side around `mid` (spread 2 ticks), best-first, sizes in micro-shares. */
export function bookAround(mid: Micros, seed: number, token: string, nowMs: number): { bids: Level[]; asks: Level[] } {
  const rng = rngFor(seed, 'pm-depth', token, Math.floor(nowMs / 60_000));
  const bids: Level[] = [];
  const asks: Level[] = [];
  for (let i = 0; i < 5; i++) {
    const b = mid - TICK * (i + 1);
    const a = mid + TICK * (i + 1);
    if (b > 0) bids.push({ price: b, size: rng.range(50, 2000) * 1_000_000 + rng.range(0, 99) * 10_000 });
    if (a < 1_000_000) asks.push({ price: a, size: rng.range(50, 2000) * 1_000_000 + rng.range(0, 99) * 10_000 });
  }
  return { bids, asks };
}

/** The mapping file (docs/models.md) for these markets: one JSONL line per Kalshi ticker, outcome Yes. */
export function mappingLines(markets: PolyMarket[]): string {
  return markets.map((m) => JSON.stringify({ kalshi_ticker: m.ticker, condition_id: m.conditionId, outcome: 'Yes', question: m.question })).join('\n') + '\n';
}
