/** A dry-run or live sim lane's RunContext, TradingDeps and DB for the benchmarks (the same wiring as the worker's). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildTradingDeps, type TradingDeps } from '../activities/trading-deps';
import { configSchema, resolveRunContext, type RunContext } from '../config';
import { silentLogger } from '../observability/logger';
import type { SimHandle } from '../sim';
import { openStore, type Store } from '../store';
import type { KalshiCredentials, RateLimiter } from '../venues/kalshi';

export function benchDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'kap-bench-'));
}

type Json = Record<string, unknown>;

export function benchRunContext(dir: string, config: Json): RunContext {
  const parsed = configSchema.parse({ venues: { kalshi: { env: 'sim' } }, ...config });
  return resolveRunContext({ config: parsed, path: path.join(dir, 'kalshi-autopilot.config.json'), exists: false, cwd: dir }, {});
}

export interface BenchLane {
  ctx: RunContext;
  t: TradingDeps;
  store: Store;
}

export function benchLane(sim: SimHandle, dir: string, config: Json, ports: { rateLimiter: RateLimiter; fetchImpl?: typeof fetch; credentials?: KalshiCredentials }): BenchLane {
  const ctx = benchRunContext(dir, config);
  const t = buildTradingDeps(ctx, {
    logger: silentLogger(),
    simBaseUrl: sim.baseUrl,
    venueClock: { advanceTo: async (ms: number) => sim.advanceTo(ms) },
    rateLimiter: ports.rateLimiter,
    fetchImpl: ports.fetchImpl,
    credentials: ports.credentials ?? null,
    venueNowMs: async () => sim.nowMs(),
    reconciledCycle: null,
    processEnv: {},
  });
  const store = openStore({ path: path.join(dir, `${ctx.mode}.sqlite`), mode: ctx.mode, env: 'sim' });
  return { ctx, t, store };
}
