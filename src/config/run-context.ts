/**
 * The one immutable run mode (origin bug B2: a `--dry-run` flag once reached a live executor).
 *
 * `resolveRunContext(loaded, flags)` is called once, before anything is constructed. It folds the CLI flags into the
 * config (flags win), derives the lane, the DB path and the config hash (of its non-default values) from the
 * *effective* config, converts money to fixed point, and returns a deep-frozen RunContext. Nothing downstream reads
 * `trading.dry_run` or the flags again.
 */
import * as nodePath from 'node:path';
import { dollarsFromConfigNumber, Micros } from '../domain/fixed';
import { Config, configSchema, crossFieldIssues, KALSHI_ENVS, KalshiEnv, RunMode, Venue } from './schema';
import { ConfigError, ConfigIssue, issuesFromZod } from './errors';
import { configHash, deepFreeze, DeepReadonly } from './canonical';
import type { LoadedConfig } from './load';

export const APP_NAME = 'kalshi-autopilot';

/** Production and demo REST roots (kalshi-api.md §1). `sim` has none: the simulator supplies its own. */
export const KALSHI_BASE_URLS: Readonly<Record<Exclude<KalshiEnv, 'sim'>, string>> = Object.freeze({
  prod: 'https://api.elections.kalshi.com/trade-api/v2',
  demo: 'https://demo-api.kalshi.co/trade-api/v2',
});

/** Workflow id AND task queue: `kalshi-autopilot-<env>-<mode>`. */
export function laneName(env: KalshiEnv, mode: RunMode): string {
  return `${APP_NAME}-${env}-${mode}`;
}

/** `<dir>/kalshi-autopilot-<env>-<mode>.sqlite`: every env×mode pair gets its own file. */
export function defaultDbPath(env: KalshiEnv, mode: RunMode, dir = 'data'): string {
  return nodePath.join(dir, `${laneName(env, mode)}.sqlite`);
}

/** Substitute `{env}`, `{mode}` and `{lane}` in a configured path. */
export function expandPathTemplate(p: string, env: KalshiEnv, mode: RunMode): string {
  return p.replace(/\{env\}/g, env).replace(/\{mode\}/g, mode).replace(/\{lane\}/g, laneName(env, mode));
}

export interface RunFlags {
  dryRun?: boolean;
  live?: boolean;
  env?: KalshiEnv;
  dbPath?: string;
  allowLiveLegacyDb?: boolean;
  seriesTickers?: string[];
  eventTickers?: string[];
  marketIds?: string[];
  kalshiBaseUrl?: string;
}

export interface RunScope {
  marketIds: string[];
  eventTickers: string[];
  seriesTickers: string[];
  /** `trading.scope_venue`: which venue the lists refer to (null = unspecified). */
  venue: Venue | null;
}

/** Config money and prices in fixed point (micro-dollars); fractions in parts per million. No float reaches the ledger. */
export interface FixedConfigValues {
  bankroll: Micros;
  maxPositionSize: Micros;
  maxNotionalPerCycle: Micros;
  llmCostLimitPerCycle: Micros;
  /** Prices/edges are dollars per contract. */
  minEdge: Micros;
  minEdgeAtExecution: Micros;
  maxPriceDrift: Micros;
  maxSubmitSlippage: Micros;
  heavyFavoriteYesPriceThreshold: Micros;
  heavyFavoriteBuyNoMinEdge: Micros;
  /** Fractions as integer ppm (1_000_000 = 1). */
  maxKellyFractionPpm: number;
  maxTotalExposureFractionPpm: number;
  maxNewExposurePerDayFractionPpm: number;
  dailyLossLimitFractionPpm: number;
  minConfidencePpm: number;
  heavyFavoriteBuyNoMinConfidencePpm: number;
}

interface RunContextShape {
  mode: RunMode;
  env: KalshiEnv;
  /** `kalshi-autopilot-<env>-<mode>`: workflow id and task queue. */
  lane: string;
  /** Absolute DB file path. */
  dbPath: string;
  dbPathSource: 'derived' | 'config' | 'flag';
  /** Absolute heartbeat file path. */
  heartbeatPath: string;
  /**
   * sha256 (16 hex) of the effective config's values that differ from the schema's defaults (after overrides, without
   * secrets), plus CONFIG_DEFAULTS_VERSION: a release that only adds keys with defaults keeps it (see `configHash`).
   */
  configHash: string;
  configPath: string;
  configFileExists: boolean;
  scope: RunScope;
  /** `trading.bankroll` in micros; sizing uses min(bankroll + realised P&L, account equity). */
  bankrollMicros: Micros;
  fixed: FixedConfigValues;
  /** Explicit override, else the env's documented root; null for `sim` (the simulator supplies its own). */
  kalshiBaseUrl: string | null;
  killSwitch: { envVar: string; file: string | null };
  nonInteractive: boolean;
  allowLiveLegacyDb: boolean;
  /** Which flags changed the config, e.g. ['--dry-run', '--env']: for the startup banner. */
  overrides: string[];
  /** The effective config (flags applied), frozen. */
  config: Config;
}

export type RunContext = DeepReadonly<RunContextShape>;

const FLAG_SCOPE: [keyof RunFlags, '--series-tickers' | '--event-tickers' | '--market-ids', 'allowed_series_tickers' | 'allowed_event_tickers' | 'allowed_market_ids'][] = [
  ['seriesTickers', '--series-tickers', 'allowed_series_tickers'],
  ['eventTickers', '--event-tickers', 'allowed_event_tickers'],
  ['marketIds', '--market-ids', 'allowed_market_ids'],
];

function checkFlags(flags: RunFlags): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (flags.dryRun && flags.live) issues.push({ path: '--dry-run', message: '--dry-run and --live cannot be used together' });
  if (flags.env !== undefined && !(KALSHI_ENVS as readonly string[]).includes(flags.env)) {
    issues.push({ path: '--env', message: `must be one of ${KALSHI_ENVS.join(', ')} (got ${JSON.stringify(flags.env)})` });
  }
  if (flags.dbPath !== undefined && (typeof flags.dbPath !== 'string' || flags.dbPath.trim() === '')) {
    issues.push({ path: '--db', message: 'must be a non-empty path' });
  }
  if (flags.kalshiBaseUrl !== undefined) {
    let ok = false;
    try {
      ok = /^https?:$/.test(new URL(flags.kalshiBaseUrl).protocol);
    } catch {
      ok = false;
    }
    if (!ok) issues.push({ path: '--kalshi-base-url', message: 'must be an http(s) URL' });
  }
  for (const [key, flag] of FLAG_SCOPE) {
    const v = flags[key];
    if (v === undefined) continue;
    if (!Array.isArray(v) || v.length === 0) issues.push({ path: flag, message: 'must list at least one item' });
    else if (v.some((x) => typeof x !== 'string' || x.trim() === '')) issues.push({ path: flag, message: 'must not contain empty items' });
  }
  return issues;
}

/** The run mode from flags and config: a flag wins; `--dry-run` with `--live` is an error (checked by the caller). */
export function resolveMode(config: Config, flags: RunFlags): RunMode {
  if (flags.live) return 'live';
  if (flags.dryRun) return 'dry-run';
  return config.trading.dry_run ? 'dry-run' : 'live';
}

export function resolveRunContext(loaded: Pick<LoadedConfig, 'config' | 'path' | 'exists' | 'cwd'>, flags: RunFlags = {}): RunContext {
  // 1. Flags first: the mode is decided here, once, before anything else looks at the config.
  const flagIssues = checkFlags(flags);
  if (flagIssues.length > 0) throw new ConfigError(flagIssues, 'flags');

  const mode = resolveMode(loaded.config, flags);
  const env: KalshiEnv = flags.env ?? loaded.config.venues.kalshi.env;
  const overrides: string[] = [];

  // 2. The effective config: a private deep copy with the overrides applied.
  const eff = structuredClone(loaded.config) as Config;
  if ((flags.live || flags.dryRun) && eff.trading.dry_run !== (mode === 'dry-run')) overrides.push(flags.live ? '--live' : '--dry-run');
  eff.trading.dry_run = mode === 'dry-run';
  if (flags.env !== undefined && flags.env !== eff.venues.kalshi.env) overrides.push('--env');
  eff.venues.kalshi.env = env;
  if (flags.dbPath !== undefined) {
    eff.database.path = flags.dbPath.trim();
    overrides.push('--db');
  }
  if (flags.kalshiBaseUrl !== undefined) {
    eff.venues.kalshi.base_url = flags.kalshiBaseUrl;
    overrides.push('--kalshi-base-url');
  }
  for (const [key, flag, cfgKey] of FLAG_SCOPE) {
    const v = flags[key] as string[] | undefined;
    if (v === undefined) continue;
    eff.trading[cfgKey] = v.map((x) => x.trim());
    overrides.push(flag);
  }
  // Overrides must satisfy the schema too (e.g. duplicate tickers).
  const re = configSchema.safeParse(eff);
  if (!re.success) throw new ConfigError(issuesFromZod(re.error), 'effective config after flags');
  const cross = crossFieldIssues(re.data);
  if (cross.length > 0) throw new ConfigError(cross, 'effective config after flags');
  const config = re.data;

  // 3. Everything derived from the effective config.
  const lane = laneName(env, mode);
  const cwd = loaded.cwd;
  let dbPathSource: RunContextShape['dbPathSource'] = 'derived';
  let dbPath: string;
  if (flags.dbPath !== undefined) {
    dbPathSource = 'flag';
    dbPath = nodePath.resolve(cwd, expandPathTemplate(flags.dbPath.trim(), env, mode));
  } else if (config.database.path) {
    dbPathSource = 'config';
    dbPath = nodePath.resolve(cwd, expandPathTemplate(config.database.path, env, mode));
  } else {
    dbPath = nodePath.resolve(cwd, defaultDbPath(env, mode, config.database.dir));
  }
  const heartbeatPath = config.observability.heartbeat_file
    ? nodePath.resolve(cwd, expandPathTemplate(config.observability.heartbeat_file, env, mode))
    : nodePath.resolve(cwd, config.database.dir, `heartbeat-${lane}.json`);

  const d = (v: number, key: string) => dollarsFromConfigNumber(v, key);
  const fixed: FixedConfigValues = {
    bankroll: d(config.trading.bankroll, 'trading.bankroll'),
    maxPositionSize: d(config.risk.max_position_size, 'risk.max_position_size'),
    maxNotionalPerCycle: d(config.risk.max_notional_per_cycle, 'risk.max_notional_per_cycle'),
    llmCostLimitPerCycle: d(config.model.llm.cost_limit_per_cycle, 'model.llm.cost_limit_per_cycle'),
    minEdge: d(config.strategy.min_edge, 'strategy.min_edge'),
    minEdgeAtExecution: d(config.execution.min_edge_at_execution, 'execution.min_edge_at_execution'),
    maxPriceDrift: d(config.execution.max_price_drift, 'execution.max_price_drift'),
    maxSubmitSlippage: d(config.execution.max_submit_slippage, 'execution.max_submit_slippage'),
    heavyFavoriteYesPriceThreshold: d(config.strategy.heavy_favorite_yes_price_threshold, 'strategy.heavy_favorite_yes_price_threshold'),
    heavyFavoriteBuyNoMinEdge: d(config.strategy.heavy_favorite_buy_no_min_edge, 'strategy.heavy_favorite_buy_no_min_edge'),
    // A fraction f in ppm is exactly f "dollars" in micros: reuse the exact decimal conversion.
    maxKellyFractionPpm: d(config.risk.max_kelly_fraction, 'risk.max_kelly_fraction'),
    maxTotalExposureFractionPpm: d(config.risk.max_total_exposure_fraction, 'risk.max_total_exposure_fraction'),
    maxNewExposurePerDayFractionPpm: d(config.risk.max_new_exposure_per_day_fraction, 'risk.max_new_exposure_per_day_fraction'),
    dailyLossLimitFractionPpm: d(config.risk.daily_loss_limit_fraction, 'risk.daily_loss_limit_fraction'),
    minConfidencePpm: d(config.strategy.min_confidence, 'strategy.min_confidence'),
    heavyFavoriteBuyNoMinConfidencePpm: d(config.strategy.heavy_favorite_buy_no_min_confidence, 'strategy.heavy_favorite_buy_no_min_confidence'),
  };

  const ctx: RunContextShape = {
    mode,
    env,
    lane,
    dbPath,
    dbPathSource,
    heartbeatPath,
    configHash: configHash(config),
    configPath: loaded.path,
    configFileExists: loaded.exists,
    scope: {
      marketIds: [...config.trading.allowed_market_ids],
      eventTickers: [...config.trading.allowed_event_tickers],
      seriesTickers: [...config.trading.allowed_series_tickers],
      venue: config.trading.scope_venue,
    },
    bankrollMicros: fixed.bankroll,
    fixed,
    kalshiBaseUrl: config.venues.kalshi.base_url ?? (env === 'sim' ? null : KALSHI_BASE_URLS[env]),
    killSwitch: {
      envVar: config.risk.kill_switch_env_var,
      file: config.risk.kill_switch_file ? nodePath.resolve(cwd, expandPathTemplate(config.risk.kill_switch_file, env, mode)) : null,
    },
    nonInteractive: config.trading.non_interactive,
    allowLiveLegacyDb: flags.allowLiveLegacyDb === true,
    overrides,
    config,
  };
  return deepFreeze(ctx);
}
