/**
 * The trading pipeline's real parts for workflow tests: the loopback simulator (manual clock, admin on, no rate
 * limit) as the venue, a RunContext resolved from a config exactly as the CLI does, and TradingDeps whose venue clock
 * moves the simulator to the workflow's logical clock (forward only).
 */
import path from 'node:path';
import { buildTradingDeps, TradingDeps } from '../../src/activities/trading-deps';
import { resolveRunContext, RunContext } from '../../src/config/run-context';
import { configSchema } from '../../src/config/schema';
import { silentLogger } from '../../src/observability/logger';
import { startSimulator, SimHandle } from '../../src/sim';
import { RateLimiter } from '../../src/venues/kalshi';
import { tempDir } from './lane';

export type SimStartOptions = Parameters<typeof startSimulator>[0];

/** A simulator whose clock starts just before "now" (the time-skipping server's clock starts at the real now). */
export function startTestSim(opts: SimStartOptions = {}): Promise<SimHandle> {
  return startSimulator({ admin: true, rateLimit: false, clock: { mode: 'manual', startMs: Date.now() - 60_000 }, ...opts });
}

type Json = Record<string, unknown>;
function merge(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    out[k] = v && typeof v === 'object' && !Array.isArray(v) && a[k] && typeof a[k] === 'object' ? merge(a[k] as Json, v as Json) : v;
  }
  return out;
}

/** The RunContext of a sim lane from a partial config (defaults filled by the schema, as for a user's file). */
export function simRunContext(config: Json = {}, flags: Parameters<typeof resolveRunContext>[1] = {}): RunContext {
  const cwd = tempDir('kap-cfg-');
  const parsed = configSchema.parse(merge({ venues: { kalshi: { env: 'sim' } }, trading: { dry_run: true } }, config));
  return resolveRunContext({ config: parsed, path: path.join(cwd, 'kalshi-autopilot.config.json'), exists: false, cwd }, flags);
}

export function simTradingDeps(sim: SimHandle, config: Json = {}, flags: Parameters<typeof resolveRunContext>[1] = {}): TradingDeps {
  return buildTradingDeps(simRunContext(config, flags), {
    logger: silentLogger(),
    simBaseUrl: sim.baseUrl,
    venueClock: { advanceTo: async (ms: number) => sim.advanceTo(ms) },
    rateLimiter: new RateLimiter({ tier: 'prestige' }),
  });
}
