/**
 * What the trading activities need beyond the store: the lane's settings (from the one RunContext), the venue client,
 * the fair-value model, and on `sim` a clock adapter that moves the simulator to the workflow's logical clock.
 */
import nodePath from 'node:path';
import type { Logger } from 'pino';
import { createModel, FairValueModel } from '../models';
import type { LlmKeys } from '../models/llm';
import { KalshiClient, KalshiCredentials, RateLimiter } from '../venues/kalshi';
import { kalshiVenueClock, type SkewVerdict } from '../venues/kalshi/venue-clock';
import { assertCrashPointsAllowed, CrashHook, crashHookFromSpec } from '../execution/live-order-crash';
import type { AttemptFence } from '../execution/attempt-guard';
import { reconciledThisCycle } from './reconcile';
import type { FixedConfigValues, RunContext, RunScope } from '../config/run-context';
import type { Config } from '../config/schema';
import type { DeepReadonly } from '../config/canonical';

export interface TradingSettings {
  mode: 'dry-run' | 'live';
  env: 'sim' | 'demo' | 'prod';
  scope: DeepReadonly<RunScope>;
  fixed: DeepReadonly<FixedConfigValues>;
  config: DeepReadonly<Config>;
}

export interface TradingDeps {
  settings: TradingSettings;
  venue: KalshiClient;
  model: FairValueModel;
  /** sim only: moves the simulator's clock forward to the logical clock (never back); null elsewhere. */
  venueClock: { advanceTo(nowMs: number): Promise<unknown> } | null;
  /**
   * The exchange's clock now (ms): journal times and an order's expiration_time come from it, never from an activity
   * input a retry may have made old. On sim with a venueClock: the simulator's own clock (advanceTo(0) moves nothing
   * and answers its now); on demo/prod wall time corrected by the median measured skew (src/venues/kalshi/venue-clock.ts).
   */
  venueNowMs?: () => Promise<number>;
  /**
   * clock_skew_guard: the skew against the exchange within execution.max_clock_skew_seconds? The live order path
   * refuses every order when not ok. demo/prod: the VenueClock's check; sim: none (the simulator's clock is the
   * venue clock); null/absent = no check.
   */
  clockCheck?: (() => Promise<SkewVerdict>) | null;
  /**
   * Optional gate (reconciliation is built separately): true when a complete reconciliation ran for this cycle in this
   * worker process. When given and false, the live order path refuses with not_reconciled_guard; absent = no gate.
   * buildTradingDeps wires it for a live lane to the worker process's gate (src/activities/reconcile.ts
   * `reconciledThisCycle`, opened by the `reconcile` activity the workflow runs first in each live cycle).
   */
  reconciledCycle?: ((cycle: number, firstRunId: string) => boolean) | null;
  /** Named crash points (KALSHI_AUTOPILOT_CRASH_AT, sim only; src/execution/live-order-crash.ts). */
  crashAt?: CrashHook | null;
  /** One execute attempt at a time (src/execution/attempt-guard.ts); absent = the worker process's fence. */
  attemptFence?: AttemptFence | null;
}

/**
 * The trading ports of a lane, from its one RunContext: a Kalshi client on the lane's env (the simulator's URL for
 * `sim`), the configured fair-value model, and for `sim` the forward-only clock adapter when one is given.
 * Market data needs no credentials; a live lane's credentials arrive with live execution.
 */
export function buildTradingDeps(
  ctx: Pick<RunContext, 'mode' | 'env' | 'scope' | 'fixed' | 'config' | 'kalshiBaseUrl' | 'configPath'>,
  ports: {
    logger: Logger;
    simBaseUrl?: string | null;
    venueClock?: TradingDeps['venueClock'];
    fetchImpl?: typeof fetch;
    /** Default: one limiter at the configured `venues.kalshi.rate_limit_tier`. */
    rateLimiter?: RateLimiter;
    /** Kalshi API credentials: required to place orders (a live lane); market data needs none. */
    credentials?: KalshiCredentials | null;
    /** The exchange clock (see TradingDeps.venueNowMs); default: the simulator's clock via venueClock on sim, else the skew-corrected wall clock. */
    venueNowMs?: () => Promise<number>;
    /** See TradingDeps.clockCheck; default: the skew-corrected clock's check on demo/prod, none on sim. */
    clockCheck?: TradingDeps['clockCheck'];
    /** Default on a live lane: the process's reconciliation gate; `null` = no gate (tests of the order path alone). */
    reconciledCycle?: TradingDeps['reconciledCycle'];
    /** A crash hook (tests); default: from KALSHI_AUTOPILOT_CRASH_AT in `processEnv`, refused unless env is sim. */
    crashAt?: CrashHook | null;
    processEnv?: NodeJS.ProcessEnv;
    /** The LLM keys from the secrets (model llm / an ensemble with an llm member); absent = read from `processEnv`. */
    llmKeys?: LlmKeys;
  },
): TradingDeps {
  const baseUrl = ctx.kalshiBaseUrl ?? (ctx.env === 'sim' ? ports.simBaseUrl ?? DEFAULT_SIM_BASE_URL : null);
  if (!baseUrl) throw new Error(`no Kalshi base URL for env ${ctx.env}`);
  const rateLimiter = ports.rateLimiter ?? new RateLimiter({ tier: ctx.config.venues.kalshi.rate_limit_tier });
  const crashSpec = assertCrashPointsAllowed(ctx.env, ports.processEnv ?? process.env);
  const venue = new KalshiClient({
    env: ctx.env, baseUrl, logger: ports.logger, fetchImpl: ports.fetchImpl, rateLimiter, ...(ports.credentials ? { credentials: ports.credentials } : {}),
  });
  const venueClock = ctx.env === 'sim' ? ports.venueClock ?? null : null;
  // demo/prod: wall time corrected by the median skew measured from Kalshi's Date headers; sim: the simulator's clock.
  const wallClock = ctx.env === 'sim' ? null : kalshiVenueClock(venue, ctx.config.execution.max_clock_skew_seconds);
  const venueNowMs = ports.venueNowMs ?? (venueClock ? simNowVia(venueClock) : wallClock ? () => wallClock.nowMs() : async () => Date.now());
  const clockCheck = ports.clockCheck !== undefined ? ports.clockCheck : wallClock ? () => wallClock.check() : null;
  const simRootUrl = ctx.env === 'sim' ? new URL(baseUrl).origin : null;
  const model = createModel(ctx.config as Config, {
    env: ctx.env,
    logger: ports.logger,
    simRootUrl,
    baseDir: nodePath.dirname(nodePath.resolve(ctx.configPath)),
    fetchImpl: ports.fetchImpl,
    llmKeys: ports.llmKeys,
    processEnv: ports.processEnv,
  });
  return {
    settings: { mode: ctx.mode, env: ctx.env, scope: ctx.scope, fixed: ctx.fixed, config: ctx.config },
    venue,
    model,
    venueClock,
    venueNowMs,
    clockCheck,
    reconciledCycle: ports.reconciledCycle !== undefined ? ports.reconciledCycle
      : ctx.mode === 'live' ? (cycle: number, firstRunId: string) => reconciledThisCycle(firstRunId, cycle) : null,
    crashAt: ports.crashAt ?? crashHookFromSpec(crashSpec),
  };
}

/** The simulator's now through the forward-only adapter (an advance to 0 moves nothing and answers `{ nowMs }`). */
function simNowVia(clock: NonNullable<TradingDeps['venueClock']>): () => Promise<number> {
  return async () => {
    const r = (await clock.advanceTo(0)) as { nowMs?: unknown } | null;
    return r && typeof r.nowMs === 'number' && Number.isSafeInteger(r.nowMs) ? r.nowMs : Date.now();
  };
}

/** Where `up` serves the simulator by default (`--sim-port`). */
export const DEFAULT_SIM_BASE_URL = 'http://127.0.0.1:8787/trade-api/v2';
