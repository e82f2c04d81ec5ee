/**
 * The configuration schema: one zod object per section, every key with exactly one default (origin bug B24), every
 * object `.strict()` so an unknown key is an error naming its path. Money is given in dollars as JSON numbers and is
 * converted to fixed point (Micros) in the run context, never used as a float downstream.
 *
 * The `secrets` section is the only place a secret may appear in the JSON file; it is split off into `Secrets` by the
 * loader and is never part of `Config`, the config hash or `config show`.
 */
import { z } from 'zod';

export const KALSHI_ENVS = ['sim', 'demo', 'prod'] as const;
export type KalshiEnv = (typeof KALSHI_ENVS)[number];
export const RUN_MODES = ['dry-run', 'live'] as const;
export type RunMode = (typeof RUN_MODES)[number];
export const VENUES = ['kalshi', 'polymarket'] as const;
export type Venue = (typeof VENUES)[number];
export const MODEL_KINDS = ['sim-oracle', 'signals-file', 'llm', 'ensemble', 'cross-venue'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];
/** What `model.ensemble.members[].kind` may name: every model kind but `ensemble` (a new kind plugs in by name). */
export const ENSEMBLE_MEMBER_KINDS = MODEL_KINDS.filter((k) => k !== 'ensemble') as [Exclude<ModelKind, 'ensemble'>, ...Exclude<ModelKind, 'ensemble'>[]];
/** `strategy.exit_policy` (the domain's ExitPolicy, src/domain/exits.ts). */
export const EXIT_POLICIES = ['hold', 'take_profit'] as const;
export const RATE_LIMIT_TIERS = ['basic', 'advanced', 'premier', 'prime'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

// ---- value helpers: each carries its own plain-language message --------------------------------------------------

const num = () => z.number({ invalid_type_error: 'must be a number', required_error: 'is required' }).finite('must be a finite number');
const int = () => num().int('must be a whole number');
const bool = () => z.boolean({ invalid_type_error: 'must be true or false' });
const str = () => z.string({ invalid_type_error: 'must be a string' });

/** A fraction in [0, 1]. */
const fraction = () => num().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
/** A price-like probability in [0, 1] (dollars per contract). */
const probability = fraction;
/** Dollars, strictly positive. */
const positiveDollars = () => num().positive('must be greater than 0 (dollars)').max(1e9, 'must be at most 1e9 dollars');
const positiveInt = () => int().min(1, 'must be at least 1');
const nonNegInt = () => int().min(0, 'must be 0 or more');
const nonEmpty = () => str().trim().min(1, 'must not be empty');
const tickerList = () =>
  z.array(nonEmpty(), { invalid_type_error: 'must be an array of strings' })
    .refine((xs) => new Set(xs).size === xs.length, 'must not contain duplicates');
const nullablePath = () => nonEmpty().nullable();
const httpUrl = () =>
  str().url('must be a URL').refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

// ---- sections ----------------------------------------------------------------------------------------------------

export const tradingSchema = z.object({
  dry_run: bool().default(true),
  bankroll: positiveDollars().default(10000),
  cycle_interval_seconds: int().min(10, 'must be at least 10').max(86400, 'must be at most 86400').default(3600),
  allowed_market_ids: tickerList().default([]),
  allowed_event_tickers: tickerList().default([]),
  allowed_series_tickers: tickerList().default([]),
  /** Which venue the allow-lists refer to; required (in live) when more than one venue is enabled. */
  scope_venue: z.enum(VENUES, { errorMap: () => ({ message: `must be one of ${VENUES.join(', ')} or null` }) }).nullable().default(null),
  require_scope_in_live: bool().default(true),
  non_interactive: bool().default(true),
  enforce_live_cash_check: bool().default(true),
}).strict();

export const strategySchema = z.object({
  min_edge: probability().default(0.1),
  min_confidence: probability().default(0.75),
  heavy_favorite_yes_price_threshold: probability().default(0.8),
  heavy_favorite_buy_no_min_edge: probability().default(0.15),
  heavy_favorite_buy_no_min_confidence: probability().default(0.85),
  /** Series or event tickers whose non-default fee multiplier (or pending fee change) is accepted; others: fee_unverified_guard. */
  allow_fee_multipliers: tickerList().default([]),
  /** `hold`: every position is held to settlement. `take_profit`: sell the held side (reduce-only) when its best bid, net of fees, is ≥ its fair value + min_edge. */
  exit_policy: z.enum(EXIT_POLICIES, { errorMap: () => ({ message: `must be one of ${EXIT_POLICIES.join(', ')}` }) }).default('hold'),
}).strict();

const ENV_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const riskSchema = z.object({
  max_kelly_fraction: fraction().default(0.25),
  max_positions: positiveInt().default(10),
  max_position_size: positiveDollars().default(1000),
  max_total_exposure_fraction: fraction().default(0.8),
  max_new_exposure_per_day_fraction: fraction().default(0.8),
  max_orders_per_cycle: positiveInt().default(5),
  max_notional_per_cycle: positiveDollars().default(2000),
  daily_loss_limit_fraction: fraction().default(0.1),
  /** Drawdown from the capital base's peak that latches drawdown_guard until an operator clears it; null disables. */
  max_drawdown_fraction: fraction().nullable().default(0.25),
  /** 0 disables. The origin defaulted to 0 (B9); a live run re-buying a market every cycle is the failure it allowed. */
  max_trades_per_market_per_day: nonNegInt().default(3),
  failure_streak_cooldown_threshold: nonNegInt().default(0),
  failure_cooldown_cycles: nonNegInt().default(0),
  kill_switch_env_var: nonEmpty().regex(ENV_VAR_NAME, 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)').default('BOT_DISABLE_TRADING'),
  kill_switch_file: nullablePath().default(null),
}).strict();

export const executionSchema = z.object({
  max_price_drift: probability().default(0.05),
  min_edge_at_execution: probability().default(0.02),
  max_submit_slippage: probability().default(0.1),
  order_ttl_seconds: int().min(1, 'must be at least 1').max(86400, 'must be at most 86400').default(600),
  /** demo/prod: new orders are refused (clock_skew_guard) while the median skew against the exchange exceeds this. */
  max_clock_skew_seconds: int().min(1, 'must be at least 1').max(60, 'must be at most 60').default(5),
  /**
   * The exchange-side order group (docs/reconciliation.md "Order groups"): entries carry its order_group_id; its
   * contracts limit is derived from risk.max_notional_per_cycle; a tripped group latches order_group_tripped_guard.
   */
  order_group: z.object({ enabled: bool().default(false) }).strict().default({}),
  /** No new entry within this many seconds of a market's close. */
  min_time_to_close_seconds: int().min(0, 'must be 0 or more').max(604800, 'must be at most 604800').default(3600),
  /**
   * A resting order is cancelled once its market closes within this many seconds (src/domain/cancel-plan.ts). More
   * than the 60 s its own expiration_time keeps before the close, so the bot's cancel comes first.
   */
  cancel_before_close_seconds: int().min(61, 'must be more than 60 (the order\'s own expiration is 60 s before the close)').max(86400, 'must be at most 86400').default(120),
  apply_kalshi_fees_to_edge: bool().default(true),
  reconcile_max_pages: positiveInt().default(5),
  reconcile_page_limit: int().min(1, 'must be at least 1').max(1000, 'must be at most 1000 (Kalshi maximum)').default(200),
}).strict();

export const filtersSchema = z.object({
  min_volume: nonNegInt().default(1000),
  min_open_interest: nonNegInt().default(500),
}).strict();

export const kalshiVenueSchema = z.object({
  enabled: bool().default(true),
  env: z.enum(KALSHI_ENVS, { errorMap: () => ({ message: `must be one of ${KALSHI_ENVS.join(', ')}` }) }).default('sim'),
  base_url: httpUrl().nullable().default(null),
  subaccount: nonNegInt().nullable().default(null),
  rate_limit_tier: z.enum(RATE_LIMIT_TIERS, { errorMap: () => ({ message: `must be one of ${RATE_LIMIT_TIERS.join(', ')}` }) }).default('basic'),
  max_markets: positiveInt().default(500),
}).strict();

export const polymarketVenueSchema = z.object({
  enabled: bool().default(false),
}).strict();

export const venuesSchema = z.object({
  kalshi: kalshiVenueSchema.default({}),
  polymarket: polymarketVenueSchema.default({}),
}).strict();

export const databaseSchema = z.object({
  /** Folder for the derived per-lane DB files. */
  dir: nonEmpty().default('data'),
  /** Explicit DB file; wins over the derived path. `{env}` and `{mode}` are substituted. */
  path: nullablePath().default(null),
}).strict();

export const observabilitySchema = z.object({
  log_level: z.enum(LOG_LEVELS, { errorMap: () => ({ message: `must be one of ${LOG_LEVELS.join(', ')}` }) }).default('info'),
  /** Heartbeat JSON file; null derives `<database.dir>/heartbeat-<lane>.json`. `{env}`/`{mode}` are substituted. */
  heartbeat_file: nullablePath().default(null),
  webhook_enabled: bool().default(false),
  webhook_timeout_seconds: int().min(1, 'must be at least 1').max(60, 'must be at most 60').default(10),
  /** An outside dead-man's-switch URL pinged (GET) after every cycle; null = no ping. A failing ping never fails a cycle. */
  deadman_url: httpUrl().nullable().default(null),
  /** `watchdog`: a heartbeat older than its next-due time plus this many seconds is stale. */
  watchdog_grace_seconds: int().min(0, 'must be 0 or more').max(86400, 'must be at most 86400').default(300),
}).strict();

export const ALERT_FORMATS = ['generic', 'slack', 'discord'] as const;

/** Webhook alerts (the URL is the secret KALSHI_AUTOPILOT_WEBHOOK_URL; sent when observability.webhook_enabled). */
export const alertsSchema = z.object({
  /** The payload: `generic` JSON, or Slack's / Discord's incoming-webhook shape. */
  format: z.enum(ALERT_FORMATS, { errorMap: () => ({ message: `must be one of ${ALERT_FORMATS.join(', ')}` }) }).default('generic'),
  /** Consecutive failed cycles that raise the `repeated_failures` alert. */
  repeated_failure_threshold: positiveInt().default(3),
}).strict();

/** The go-live checklist (`preflight`). */
export const goLiveSchema = z.object({
  /** Hours of dry-run burn-in with the live config that `preflight` requires; 0 disables the check. */
  min_burn_in_hours: num().min(0, 'must be 0 or more').max(8760, 'must be at most 8760').default(24),
}).strict();

/** Forecast scoring and the model bench (docs/scoring.md). */
export const qualitySchema = z.object({
  /** The last N settled markets a model (or model × series) is judged on. */
  window: int().min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(100),
  /** Two-sided confidence of the bootstrap interval: benched when its upper bound of Brier skill is below 0. */
  bench_confidence: num().gt(0.5, 'must be greater than 0.5 and less than 1').lt(1, 'must be greater than 0.5 and less than 1').default(0.9),
  /** Fewer settled markets than this: unproven, never benched. */
  min_settled: int().min(1, 'must be at least 1').max(10000, 'must be at most 10000').default(30),
  /** Recalibrate each model's probabilities before the edge (fitted on settled markets only, once min_settled exist). */
  recalibrate: z.enum(['none', 'platt', 'isotonic'], { errorMap: () => ({ message: 'must be one of none, platt, isotonic' }) }).default('none'),
}).strict();

export const simOracleSchema = z.object({
  noise_stddev: num().min(0, 'must be between 0 and 0.5').max(0.5, 'must be between 0 and 0.5').default(0.02),
  confidence: probability().default(0.8),
  seed: nonNegInt().default(1),
}).strict();

export const signalsFileSchema = z.object({
  path: nullablePath().default(null),
  max_age_seconds: positiveInt().default(3600),
}).strict();

export const llmSchema = z.object({
  provider: z.enum(['anthropic', 'openai'], { errorMap: () => ({ message: 'must be one of anthropic, openai' }) }).default('anthropic'),
  anthropic_model: nonEmpty().default('claude-sonnet-4-20250514'),
  openai_model: nonEmpty().default('gpt-4o-mini'),
  /** null = the SDK's default (api.anthropic.com); a gateway's URL otherwise. */
  anthropic_base_url: httpUrl().nullable().default(null),
  /** null = the SDK's default; a local vLLM / Ollama / gateway speaking Chat Completions otherwise. */
  openai_base_url: httpUrl().nullable().default('https://api.openai.com/v1'),
  temperature: num().min(0, 'must be between 0 and 2').max(2, 'must be between 0 and 2').default(0.3),
  max_tokens: positiveInt().default(1000),
  batch_size: positiveInt().default(5),
  cost_limit_per_cycle: positiveDollars().default(5),
  /** Spend limit per UTC day of the logical clock (reservations + settled costs). */
  cost_limit_per_day: positiveDollars().default(20),
  /** Per-call timeout; a timed-out call stays charged at its reservation. */
  timeout_seconds: int().min(1, 'must be at least 1').max(600, 'must be at most 600').default(60),
  /** An estimate is reused for this long (0 = ask every cycle) unless the price moves or the terms change. */
  estimate_ttl_seconds: int().min(0, 'must be 0 or more').max(604800, 'must be at most 604800').default(3600),
  /** A move of the market's reference price by more than this (dollars) re-asks before the TTL. */
  reuse_max_price_move: probability().default(0.05),
  input_cost_per_mtok: num().min(0, 'must be 0 or more (dollars)').default(3),
  output_cost_per_mtok: num().min(0, 'must be 0 or more (dollars)').default(15),
}).strict();

export const ensembleMemberSchema = z.object({
  kind: z.enum(ENSEMBLE_MEMBER_KINDS, { errorMap: () => ({ message: `must be one of ${ENSEMBLE_MEMBER_KINDS.join(', ')}` }) }),
  weight: num().positive('must be greater than 0').max(1000, 'must be at most 1000'),
}).strict();

export const ensembleSchema = z.object({
  /** Each member is built from its own model.<kind> section. */
  members: z.array(ensembleMemberSchema, { invalid_type_error: 'must be an array of { kind, weight }' })
    .refine((ms) => new Set(ms.map((m) => m.kind)).size === ms.length, 'must not name a kind twice')
    .default([]),
  /** A market gets a combined estimate only when at least this many members gave one. */
  min_members: positiveInt().default(1),
}).strict();

/** The cross-venue model (docs/models.md): a Kalshi market's fair value from the mapped Polymarket outcome's book. */
export const crossVenueSchema = z.object({
  /** JSONL: one {kalshi_ticker, condition_id, outcome, question} per line; relative to the config file's folder. */
  mapping_file: nullablePath().default(null),
  gamma_base_url: httpUrl().default('https://gamma-api.polymarket.com'),
  clob_base_url: httpUrl().default('https://clob.polymarket.com'),
  /** Word-set similarity (0..1) the Polymarket question must reach against the mapping's `question`. */
  question_min_similarity: fraction().default(0.8),
  /** Largest gap between Polymarket's endDate and the Kalshi market's close time. */
  end_date_tolerance_seconds: int().min(0, 'must be 0 or more').max(31536000, 'must be at most 31536000').default(172800),
  /** A book older than this (by its timestamp, against the cycle's clock) gives no estimate. */
  max_book_age_seconds: positiveInt().max(86400, 'must be at most 86400').default(300),
  /** A best bid/ask spread wider than this (dollars) gives no estimate. */
  max_spread: num().gt(0, 'must be greater than 0 and at most 1').max(1, 'must be greater than 0 and at most 1').default(0.1),
  /** Shares required at the best bid and at the best ask. */
  min_depth: num().min(0, 'must be 0 or more (shares)').max(1e9, 'must be at most 1e9 shares').default(50),
  /** The confidence of a tight, deep, fresh book; spread, depth and age scale it down (to half each at the limits). */
  confidence: probability().default(0.9),
}).strict();

export const modelSchema = z.object({
  kind: z.enum(MODEL_KINDS, { errorMap: () => ({ message: `must be one of ${MODEL_KINDS.join(', ')}` }) }).default('sim-oracle'),
  sim_oracle: simOracleSchema.default({}),
  signals_file: signalsFileSchema.default({}),
  llm: llmSchema.default({}),
  cross_venue: crossVenueSchema.default({}),
  ensemble: ensembleSchema.default({}),
}).strict();

export const configSchema = z.object({
  trading: tradingSchema.default({}),
  strategy: strategySchema.default({}),
  risk: riskSchema.default({}),
  execution: executionSchema.default({}),
  filters: filtersSchema.default({}),
  venues: venuesSchema.default({}),
  database: databaseSchema.default({}),
  observability: observabilitySchema.default({}),
  model: modelSchema.default({}),
  alerts: alertsSchema.default({}),
  go_live: goLiveSchema.default({}),
  quality: qualitySchema.default({}),
}).strict();

/**
 * Rules that relate two keys. Checked only once every key is individually valid (so one bad value does not produce
 * follow-on noise). Paths name the key to change.
 */
export function crossFieldIssues(c: Config): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if (c.model.kind === 'signals-file' && !c.model.signals_file.path) {
    out.push({ path: 'model.signals_file.path', message: 'is required when model.kind is signals-file' });
  }
  if (c.model.kind === 'cross-venue' && !c.model.cross_venue.mapping_file) {
    out.push({ path: 'model.cross_venue.mapping_file', message: 'is required when model.kind is cross-venue' });
  }
  if (c.model.kind === 'ensemble') {
    const ms = c.model.ensemble.members;
    if (ms.length === 0) out.push({ path: 'model.ensemble.members', message: 'needs at least one member when model.kind is ensemble' });
    else if (c.model.ensemble.min_members > ms.length) out.push({ path: 'model.ensemble.min_members', message: `must be at most the number of members (${ms.length})` });
    if (ms.some((m) => m.kind === 'signals-file') && !c.model.signals_file.path) {
      out.push({ path: 'model.signals_file.path', message: 'is required when an ensemble member is signals-file' });
    }
    if (ms.some((m) => m.kind === 'cross-venue') && !c.model.cross_venue.mapping_file) {
      out.push({ path: 'model.cross_venue.mapping_file', message: 'is required when an ensemble member is cross-venue' });
    }
  }
  if (c.model.llm.cost_limit_per_cycle > c.model.llm.cost_limit_per_day) {
    out.push({ path: 'model.llm.cost_limit_per_cycle', message: 'must be at most model.llm.cost_limit_per_day' });
  }
  const usesLlm = c.model.kind === 'llm' || (c.model.kind === 'ensemble' && c.model.ensemble.members.some((m) => m.kind === 'llm'));
  if (usesLlm) {
    // Every reservation holds max_tokens at the output price: a limit below that could never let one call through.
    const micros = (d: number) => BigInt(d.toFixed(6).replace('.', ''));
    const outputMicros = (BigInt(c.model.llm.max_tokens) * micros(c.model.llm.output_cost_per_mtok) + 999_999n) / 1_000_000n;
    if (outputMicros > micros(c.model.llm.cost_limit_per_cycle)) {
      out.push({ path: 'model.llm.max_tokens', message: 'at output_cost_per_mtok costs more than cost_limit_per_cycle on its own: no call could ever be made' });
    }
  }
  if (c.quality.min_settled > c.quality.window) {
    out.push({ path: 'quality.min_settled', message: 'must be at most quality.window (a model is judged on at most window markets)' });
  }
  if (c.strategy.heavy_favorite_buy_no_min_edge < c.strategy.min_edge) {
    out.push({ path: 'strategy.heavy_favorite_buy_no_min_edge', message: 'must be at least strategy.min_edge (it is the stricter threshold)' });
  }
  if (c.strategy.heavy_favorite_buy_no_min_confidence < c.strategy.min_confidence) {
    out.push({ path: 'strategy.heavy_favorite_buy_no_min_confidence', message: 'must be at least strategy.min_confidence (it is the stricter threshold)' });
  }
  return out;
}

/** Secrets that may sit in the JSON file (environment variables win). Never part of Config. */
export const fileSecretsSchema = z.object({
  kalshi_api_key_id: str().nullable().default(null),
  kalshi_private_key_file: str().nullable().default(null),
  anthropic_api_key: str().nullable().default(null),
  openai_api_key: str().nullable().default(null),
  webhook_url: str().nullable().default(null),
}).strict();
export type FileSecrets = z.infer<typeof fileSecretsSchema>;

/** The whole file: config sections plus the optional `secrets` section. */
export const fileSchema = z.object({ secrets: fileSecretsSchema.default({}) }).passthrough();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;

/** Top-level keys that are config sections (used by `config set` and error hints). */
export const SECTION_KEYS = Object.keys(configSchema.shape) as (keyof Config)[];

/** The defaults: `configSchema.parse({})`. A fresh object each call. */
export function defaultConfig(): Config {
  return configSchema.parse({});
}
