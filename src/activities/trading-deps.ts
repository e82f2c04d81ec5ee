/**
 * What the trading activities need beyond the store: the lane's settings (from the one RunContext), the venue client,
 * the fair-value model, and on `sim` a clock adapter that moves the simulator to the workflow's logical clock.
 */
import nodePath from 'node:path';
import type { Logger } from 'pino';
import { createModel, FairValueModel } from '../models';
import { KalshiClient, RateLimiter } from '../venues/kalshi';
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
  },
): TradingDeps {
  const baseUrl = ctx.kalshiBaseUrl ?? (ctx.env === 'sim' ? ports.simBaseUrl ?? DEFAULT_SIM_BASE_URL : null);
  if (!baseUrl) throw new Error(`no Kalshi base URL for env ${ctx.env}`);
  const rateLimiter = ports.rateLimiter ?? new RateLimiter({ tier: ctx.config.venues.kalshi.rate_limit_tier });
  const venue = new KalshiClient({ env: ctx.env, baseUrl, logger: ports.logger, fetchImpl: ports.fetchImpl, rateLimiter });
  const simRootUrl = ctx.env === 'sim' ? new URL(baseUrl).origin : null;
  const model = createModel(ctx.config as Config, {
    env: ctx.env,
    logger: ports.logger,
    simRootUrl,
    baseDir: nodePath.dirname(nodePath.resolve(ctx.configPath)),
    fetchImpl: ports.fetchImpl,
  });
  return {
    settings: { mode: ctx.mode, env: ctx.env, scope: ctx.scope, fixed: ctx.fixed, config: ctx.config },
    venue,
    model,
    venueClock: ctx.env === 'sim' ? ports.venueClock ?? null : null,
  };
}

/** Where `up` serves the simulator by default (`--sim-port`). */
export const DEFAULT_SIM_BASE_URL = 'http://127.0.0.1:8787/trade-api/v2';
