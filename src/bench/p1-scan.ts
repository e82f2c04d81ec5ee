/**
 * P1 — the scope-less dry-run scan of an N-market simulator at the Basic rate tier, plus the order books of the best
 * K candidates in batches (GET /markets/orderbooks), through the real scan activity and the real client:
 *
 *   ratio = wall time ÷ max(token bound, round-trip floor)
 *   token bound     = (token cost of every request the run made − the exchange's read-bucket capacity) ÷ its refill rate
 *   round-trip floor = the same scan + books against the same simulator without a rate limit (measured in this run)
 *
 * and the count of 429s the rate-limited run received (goal ≤ 1.1× and 0). "Best" = the in-scope markets with the
 * most 24-hour volume (the scan's own order), the candidates a cycle would price first.
 */
import { performance } from 'node:perf_hooks';
import { scanMarkets } from '../activities/scan';
import { parseScenario, startSimulator, type SimHandle } from '../sim';
import { BASIC_TIER, costOf } from '../sim/rate-limit';
import { RateLimiter } from '../venues/kalshi';
import { benchDir, benchLane } from './run-context';
import { benchScenario } from './scenario';

export interface P1Result {
  ratio: number;
  '429s': number;
  markets: number;
  candidates: number;
  books: number;
  requests: number;
  tokens: number;
  wall_ms: number;
  token_bound_ms: number;
  floor_ms: number;
  /** The client's own limiter spends only this fraction of the published budget (headroom): its bound is 1/that. */
  client_utilization: number;
}

interface RunStats { wallMs: number; requests: number; tokens: number; status429: number; books: number }

const API = '/trade-api/v2';

async function scanOnce(sim: SimHandle, markets: number, candidates: number, limiter: RateLimiter): Promise<RunStats> {
  const stats = { requests: 0, tokens: 0, status429: 0 };
  const fetchImpl: typeof fetch = async (input, init) => {
    const u = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    stats.requests += 1;
    stats.tokens += costOf(init?.method ?? 'GET', u.pathname.slice(API.length)).cost;
    const res = await fetch(input, init);
    if (res.status === 429) stats.status429 += 1;
    return res;
  };
  const dir = benchDir();
  const lane = benchLane(sim, dir, { trading: { dry_run: true }, venues: { kalshi: { env: 'sim', max_markets: markets } } }, { rateLimiter: limiter, fetchImpl });
  try {
    const t0 = performance.now();
    const scan = await scanMarkets(lane.t, lane.store, { firstRunId: 'bench', cycle: 1 }, sim.nowMs());
    const inScope = lane.store.scans.get(scan.scanId)?.markets ?? [];
    const best = [...inScope].sort((a, b) => b.volume - a.volume || (a.ticker < b.ticker ? -1 : 1)).slice(0, candidates).map((m) => m.ticker);
    const books = await lane.t.venue.getOrderbooks(best);
    const wallMs = performance.now() - t0;
    return { wallMs, ...stats, books: books.size };
  } finally {
    lane.store.close();
  }
}

export async function benchP1(opts: { markets: number; candidates: number; progress: (s: string) => void }): Promise<P1Result> {
  const scenario = parseScenario(benchScenario(opts.markets), 'bench scenario');
  const clock = { mode: 'manual' as const, startMs: Date.UTC(2026, 8, 1, 12) };
  opts.progress(`P1: simulator with ${opts.markets} markets (no rate limit): a warm-up scan, then the round-trip floor`);
  const free = await startSimulator({ scenario, clock, rateLimit: false });
  let floor: RunStats;
  try {
    await scanOnce(free, opts.markets, opts.candidates, new RateLimiter({ tier: 'prestige' })); // JIT warm-up, not counted
    floor = await scanOnce(free, opts.markets, opts.candidates, new RateLimiter({ tier: 'prestige' }));
  } finally {
    await free.close();
  }
  opts.progress(`P1: the same scan at the Basic tier (${BASIC_TIER.read.refillPerSec} read tokens/s)`);
  const basic = await startSimulator({ scenario, clock, rateLimit: BASIC_TIER });
  let run: RunStats;
  const limiter = new RateLimiter({ tier: 'basic' });
  try {
    run = await scanOnce(basic, opts.markets, opts.candidates, limiter);
  } finally {
    await basic.close();
  }
  const { capacity, refillPerSec } = BASIC_TIER.read;
  const tokenBoundMs = (Math.max(0, run.tokens - capacity) / refillPerSec) * 1000;
  return {
    ratio: run.wallMs / Math.max(tokenBoundMs, floor.wallMs),
    '429s': run.status429,
    markets: opts.markets,
    candidates: opts.candidates,
    books: run.books,
    requests: run.requests,
    tokens: run.tokens,
    wall_ms: run.wallMs,
    token_bound_ms: tokenBoundMs,
    floor_ms: floor.wallMs,
    client_utilization: limiter.read.config.refillPerSec / BASIC_TIER.read.refillPerSec,
  };
}
