/**
 * P3 — the live order path (fresh checks → journal → revalidate on a fresh book → create → record), one order per
 * call on a live sim lane, p50 and p99 latency ÷ the floor measured in the same run:
 *
 *   floor(p) = 2 × loopback round trip to the simulator (a signed GET, p-th percentile)
 *            + 2 × fsynced SQLite commit (WAL, synchronous=FULL, as the lane DB; p-th percentile)
 *
 * (goal ≤ 1.5×). Orders buy 1 YES contract at the ask with a fair value 0.15 above it, so revalidation passes and
 * each order sends exactly one create. Orders go `risk.max_orders_per_cycle` (5) to an execute call, as a cycle's
 * batch does; an order's latency is its share of the call: from the previous order's answer being recorded (the
 * `after_response` point; the call's start for the first) to its own (the call's end for the last), so the first
 * order of a call carries the call's `GET /exchange/status` and the latencies of a call add up to its wall time.
 */
import BetterSqlite3 from 'better-sqlite3';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { heldMarketSnapshot } from '../activities/held-markets';
import { clientOrderId } from '../domain/order-id';
import type { OrderIntent } from '../domain/trading-types';
import { executeLiveOrders } from '../execution/live-order';
import { silentLogger } from '../observability/logger';
import { parseScenario, startSimulator } from '../sim';
import { RateLimiter } from '../venues/kalshi';
import { benchDir, benchLane } from './run-context';
import { benchScenario } from './scenario';

export interface P3Result {
  ratio_p50: number;
  ratio_p99: number;
  orders: number;
  placed: number;
  p50_ms: number;
  p99_ms: number;
  floor_p50_ms: number;
  floor_p99_ms: number;
  round_trip_p50_ms: number;
  commit_p50_ms: number;
}

const FIRST_RUN_ID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function benchP3(opts: { orders: number; progress: (s: string) => void }): Promise<P3Result> {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyId = 'bench-bot';
  const sim = await startSimulator({
    scenario: parseScenario(benchScenario(10), 'bench scenario'), clock: { mode: 'manual', startMs: Date.UTC(2026, 8, 1, 12) }, rateLimit: false,
    keys: [{ keyId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }],
    startingBalanceMicros: 100_000_000_000,
  });
  const dir = benchDir();
  const lane = benchLane(sim, dir, { trading: { dry_run: false, allowed_series_tickers: ['BENCH00'] } }, {
    rateLimiter: new RateLimiter({ tier: 'prestige' }),
    credentials: { keyId, privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() },
  });
  const commitDb = new BetterSqlite3(path.join(dir, 'commit-floor.sqlite'));
  try {
    const { t, store } = lane;
    const tickers = [...sim.core.exchange.markets.values()].filter((m) => m.eventTicker.startsWith('BENCH00-')).map((m) => m.ticker);
    const snaps = await Promise.all(tickers.map((tk) => heldMarketSnapshot(t.venue, tk)));
    const scanId = store.scans.record({ firstRunId: FIRST_RUN_ID, cycle: 1 }, sim.nowMs(), snaps);
    const books = await t.venue.getOrderbooks(tickers);
    const priced = tickers.filter((tk) => books.get(tk)?.bestYesAsk);
    if (priced.length === 0) throw new Error('P3: the bench scenario has no YES ask to buy');

    // the floor, in this run: a signed loopback GET and a fsynced commit, as many times as orders
    opts.progress(`P3: floor — ${opts.orders} loopback round trips and fsynced SQLite commits`);
    commitDb.pragma('journal_mode = WAL');
    commitDb.pragma('synchronous = FULL');
    commitDb.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    const insert = commitDb.prepare('INSERT INTO t (v) VALUES (?)');
    const rtt: number[] = [];
    const commit: number[] = [];
    for (let i = 0; i < opts.orders + 5; i++) {
      const t0 = performance.now();
      await t.venue.getUserDataTimestamp();
      const t1 = performance.now();
      commitDb.transaction(() => insert.run(`row ${i}`))();
      const t2 = performance.now();
      if (i >= 5) {
        rtt.push(t1 - t0);
        commit.push(t2 - t1);
      }
    }

    const batch = lane.ctx.config.risk.max_orders_per_cycle;
    opts.progress(`P3: ${opts.orders} orders through the live order path, ${batch} per execute call`);
    const lat: number[] = [];
    let placed = 0;
    // Each order's answer recorded: the end of its share of the call (the crash-point port, a no-op here otherwise).
    const marks: number[] = [];
    t.crashAt = (p) => {
      if (p === 'after_response') marks.push(performance.now());
    };
    const warmUp = batch;
    for (let i = 0; i < opts.orders + warmUp; i += batch) {
      const orders = [];
      for (let j = i; j < Math.min(i + batch, opts.orders + warmUp); j++) {
        const tk = priced[j % priced.length];
        const ask = books.get(tk)!.bestYesAsk!.price;
        const intent: OrderIntent = {
          ticker: tk, eventTicker: sim.core.exchange.markets.get(tk)!.eventTicker, side: 'yes', action: 'buy', priceMicros: ask, countCentis: 100,
          fairPpm: Math.min(990_000, ask + 150_000), edgeMicros: 150_000, confidencePpm: 900_000, reduceOnly: false, feeMicros: 0,
        };
        orders.push({ clientOrderId: clientOrderId(FIRST_RUN_ID, 1, j), intent });
      }
      marks.length = 0;
      const t0 = performance.now();
      const r = await executeLiveOrders(t, store, silentLogger(), { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: sim.nowMs(), scanId, orders });
      const t1 = performance.now();
      if (r.placed !== orders.length || marks.length !== orders.length) throw new Error(`P3: ${r.placed} of ${orders.length} orders placed (${JSON.stringify(r.skipped)})`);
      if (i < warmUp) continue;
      const ends = [...marks.slice(0, -1), t1];
      ends.forEach((e, k) => lat.push(e - (k === 0 ? t0 : ends[k - 1])));
      placed += r.placed;
    }
    const floor = (p: number) => 2 * pct(rtt, p) + 2 * pct(commit, p);
    return {
      ratio_p50: pct(lat, 50) / floor(50),
      ratio_p99: pct(lat, 99) / floor(99),
      orders: opts.orders,
      placed,
      p50_ms: pct(lat, 50),
      p99_ms: pct(lat, 99),
      floor_p50_ms: floor(50),
      floor_p99_ms: floor(99),
      round_trip_p50_ms: pct(rtt, 50),
      commit_p50_ms: pct(commit, 50),
    };
  } finally {
    commitDb.close();
    lane.store.close();
    await sim.close();
  }
}
