/**
 * A dry-run lane on the loopback simulator, run hour by hour under Temporal's time skipping (the simulator's clock
 * follows the workflow's logical clock), with a recording fetch: every body the simulator sent for
 * `GET /markets/{ticker}/orderbook` and `GET /markets/trades` is kept verbatim, with the simulator's clock at the
 * moment it answered, so tests judge paper fills against what the venue served, not against our parser or our DB.
 */
import BetterSqlite3 from 'better-sqlite3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, type WorkerOptions, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { workflowsPath } from '../../src/worker';
import { createTimeSkippingEnv } from './temporal';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { RateLimiter } from '../../src/venues/kalshi';
import { WORKFLOW_TYPE, statusQuery, type LaneIdentity, type StatusView, type TradingCycleResult } from '../../src/workflows/definitions';
import { cycleInput, startLaneWorker, testIdentity } from './lane';
import { simRunContext, startTestSim, type SimStartOptions } from './trading';

type Json = Record<string, unknown>;

export interface Served {
  /** `orderbook` = GET /markets/{ticker}/orderbook; `trades` = GET /markets/trades. */
  kind: 'orderbook' | 'trades';
  ticker: string | null;
  url: string;
  /** The simulator's market clock when it answered (its clock only moves when the lane tells it to). */
  simNowMs: number;
  status: number;
  body: Json;
  /** orderbook only: the simulator's own book (white-box `sim.core`) as it stood when it answered, [price, count] in micros / centis. */
  core?: { yes: [number, number][]; no: [number, number][] } | null;
}

/** A time-skipping server and the workflow bundle (built without the bundler's chatter). */
export async function timeSkippingWithBundle(): Promise<{ env: TestWorkflowEnvironment; bundle: WorkflowBundleWithSourceMap }> {
  const logger = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as unknown as Parameters<typeof bundleWorkflowCode>[0]['logger'];
  const env = await createTimeSkippingEnv();
  return { env, bundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger }) };
}

/**
 * A simulator whose clock starts a minute before the time-skipping server's "now". That clock is shared by every test
 * of the file and jumps on whenever nothing is running (after one lane's run it may be years ahead of the wall
 * clock), so a later lane's simulator must start at the server's time, not at Date.now().
 */
export async function startSimAtEnvNow(env: TestWorkflowEnvironment, opts: SimStartOptions = {}): Promise<SimHandle> {
  return startTestSim({ ...opts, clock: { mode: 'manual', startMs: (await env.currentTimeMs()) - 60_000 } });
}

/** A fetch that passes everything through and keeps the simulator's orderbook and trades answers. */
export function recordingFetch(sim: SimHandle): { fetchImpl: typeof fetch; served: Served[] } {
  const served: Served[] = [];
  const fetchImpl: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const u = new URL(url);
    const ob = /\/markets\/([^/]+)\/orderbook$/.exec(u.pathname);
    const kind = ob ? 'orderbook' : u.pathname.endsWith('/markets/trades') ? 'trades' : null;
    if (kind) {
      const text = await res.clone().text();
      const book = ob ? sim.core.exchange.books.get(decodeURIComponent(ob[1])) : undefined;
      served.push({
        core: book ? { yes: book.snapshot('yes', 0).map(([p, c]) => [p, c] as [number, number]), no: book.snapshot('no', 0).map(([p, c]) => [p, c] as [number, number]) } : null,
        kind,
        ticker: ob ? decodeURIComponent(ob[1]) : u.searchParams.get('ticker'),
        url,
        simNowMs: sim.nowMs(),
        status: res.status,
        body: JSON.parse(text) as Json,
      });
    }
    return res;
  };
  return { fetchImpl, served };
}

export interface DryRunLane {
  identity: LaneIdentity;
  dbPath: string;
  served: Served[];
  result: TradingCycleResult;
  /** Status snapshots taken after each simulated hour (the workflow's own view). */
  statuses: StatusView[];
}

/**
 * Run `cycles` hourly cycles of a dry-run sim lane on `sim` with `config` (the quickstart's defaults unless told),
 * stepping the time-skipping server an hour at a time and querying the status after each step.
 */
export async function runDryRunLane(
  env: TestWorkflowEnvironment,
  bundle: WorkerOptions['workflowBundle'],
  sim: SimHandle,
  opts: { cycles: number; config?: Json; onStatus?: (s: StatusView, dbPath: string) => void; heartbeatPath?: string },
): Promise<DryRunLane> {
  const identity = testIdentity();
  const rec = recordingFetch(sim);
  const ctx = simRunContext({ trading: { cycle_interval_seconds: 3600 }, ...(opts.config ?? {}) });
  const trading = buildTradingDeps(ctx, {
    logger: silentLogger(),
    simBaseUrl: sim.baseUrl,
    venueClock: { advanceTo: async (ms: number) => sim.advanceTo(ms) },
    fetchImpl: rec.fetchImpl,
    rateLimiter: new RateLimiter({ tier: 'prestige' }),
  });
  const lw = await startLaneWorker(env, bundle, identity, { trading, ...(opts.heartbeatPath ? { heartbeatPath: opts.heartbeatPath } : {}) });
  const statuses: StatusView[] = [];
  const result = await lw.worker.runUntil(async () => {
    const h = await env.client.workflow.start(WORKFLOW_TYPE, {
      taskQueue: identity.lane,
      workflowId: identity.lane,
      args: [cycleInput(identity, { maxCycles: opts.cycles, cycleIntervalSeconds: 3600 })],
    });
    for (let i = 0; i < opts.cycles - 1; i++) {
      await env.sleep('1 hour');
      const s = await h.query(statusQuery);
      statuses.push(s);
      opts.onStatus?.(s, lw.dbPath);
    }
    return (await h.result()) as TradingCycleResult;
  });
  return { identity, dbPath: lw.dbPath, served: rec.served, result, statuses };
}

/** Read-only SQL on a lane DB (independent of the store classes under test). */
export function query<T = Record<string, unknown>>(dbPath: string, sql: string, ...params: unknown[]): T[] {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** "0.4500" → 450000 micros; "12.00" → 1200 centis: exact decimal parsing of the wire's strings, no floats. */
export function wireMicros(s: string): number {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(s);
  if (!m) throw new Error(`not a dollar string: ${s}`);
  return Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
}
export function wireCentis(s: string): number {
  const m = /^(\d+)(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) throw new Error(`not a count string: ${s}`);
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The bias scenario: every market of `base` quoted at `market`, settling by `truth`, the oracle pushed by `bias`. */
export function biasedScenario(base: Json, p: { truth: string; market: string; bias: string }): Json {
  const events = (base.events as Json[]).map((e) => ({
    ...e,
    markets: (e.markets as Json[]).map((m) => ({ ...m, true_probability: p.truth, market_probability: p.market, market_drift_max: '0' })),
  }));
  return { ...base, name: 'oracle-bias-against-the-bot', oracle_bias: p.bias, events };
}
