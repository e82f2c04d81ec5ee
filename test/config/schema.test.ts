import * as fs from 'node:fs';
import * as path from 'node:path';
import { defaultConfig, parseConfigObject, stripComments } from '../../src/config';
import { issuesOf } from './helpers';
import { MODEL_KINDS } from '../../src/config/schema';

const TEMPLATE = path.join(__dirname, '..', '..', 'kalshi-autopilot.config.template.json');

describe('config schema: defaults', () => {
  it('keeps the origin defaults and fixes B24 (one default per key, Polymarket disabled)', () => {
    const c = defaultConfig();
    expect(c.trading.dry_run).toBe(true);
    expect(c.trading.bankroll).toBe(10000);
    expect(c.trading.cycle_interval_seconds).toBe(3600);
    expect(c.trading.require_scope_in_live).toBe(true);
    expect(c.trading.allowed_series_tickers).toEqual([]);
    expect(c.strategy).toEqual({
      min_edge: 0.1, min_confidence: 0.75, heavy_favorite_yes_price_threshold: 0.8,
      heavy_favorite_buy_no_min_edge: 0.15, heavy_favorite_buy_no_min_confidence: 0.85, allow_fee_multipliers: [], exit_policy: 'hold',
    });
    expect(c.risk.max_drawdown_fraction).toBe(0.25);
    expect(c.execution.min_time_to_close_seconds).toBe(3600);
    expect(c.risk.max_kelly_fraction).toBe(0.25);
    expect(c.risk.max_positions).toBe(10);
    expect(c.risk.max_position_size).toBe(1000);
    expect(c.risk.max_orders_per_cycle).toBe(5);
    expect(c.risk.max_notional_per_cycle).toBe(2000);
    expect(c.risk.daily_loss_limit_fraction).toBe(0.1);
    expect(c.risk.kill_switch_env_var).toBe('BOT_DISABLE_TRADING');
    expect(c.risk.kill_switch_file).toBeNull();
    expect(c.execution.max_price_drift).toBe(0.05);
    expect(c.execution.min_edge_at_execution).toBe(0.02);
    expect(c.execution.max_submit_slippage).toBe(0.1);
    expect(c.execution.apply_kalshi_fees_to_edge).toBe(true);
    expect(c.filters).toEqual({ min_volume: 1000, min_open_interest: 500 });
    expect(c.venues.kalshi.enabled).toBe(true);
    expect(c.venues.kalshi.env).toBe('sim');
    expect(c.venues.polymarket.enabled).toBe(false);
    expect(c.database).toEqual({ dir: 'data', path: null });
    expect(c.model.kind).toBe('sim-oracle');
  });

  it('the committed template parses, and its values are exactly the defaults', () => {
    const raw = JSON.parse(fs.readFileSync(TEMPLATE, 'utf8'));
    const { config, fileSecrets } = parseConfigObject(raw);
    expect(config).toEqual(defaultConfig());
    // The template's secrets are placeholders (they count as unset when loaded; see load.test.ts).
    expect(fileSecrets.kalshi_api_key_id).toBe('YOUR_KALSHI_API_KEY_ID');
    // It lists every key (documents the whole schema): stripped of comments and secrets it equals the defaults.
    const { secrets, ...rest } = stripComments(raw) as Record<string, unknown>;
    expect(secrets).toBeDefined();
    expect(rest).toEqual(JSON.parse(JSON.stringify(defaultConfig())));
  });

  it('a partial file fills every other key with its default', () => {
    const { config } = parseConfigObject({ risk: { max_positions: 3 } });
    expect(config.risk.max_positions).toBe(3);
    expect(config.risk.max_kelly_fraction).toBe(0.25);
    expect(config.trading.dry_run).toBe(true);
  });
});

describe('config schema: unknown keys are rejected, naming the path', () => {
  it('top level', () => {
    expect(issuesOf(() => parseConfigObject({ platforms: {} }))).toEqual([{ path: 'platforms', message: 'unknown key' }]);
  });
  it('nested, with a did-you-mean hint', () => {
    expect(issuesOf(() => parseConfigObject({ risk: { max_positons: 3 } }))).toEqual([
      { path: 'risk.max_positons', message: 'unknown key (did you mean risk.max_positions?)' },
    ]);
  });
  it('deeply nested', () => {
    expect(issuesOf(() => parseConfigObject({ venues: { kalshi: { api_key: 'x' } } }))).toEqual([
      { path: 'venues.kalshi.api_key', message: 'unknown key' },
    ]);
  });
  it('in the secrets section (a PEM is never read from the file)', () => {
    expect(issuesOf(() => parseConfigObject({ secrets: { kalshi_private_key: 'x' } }))).toEqual([
      { path: 'secrets.kalshi_private_key', message: 'unknown key (did you mean secrets.kalshi_private_key_file?)' },
    ]);
  });
  it('"$comment" is allowed anywhere, but must be text', () => {
    expect(() => parseConfigObject({ $comment: 'hi', risk: { $comment: ['a', 'b'] } })).not.toThrow();
    expect(issuesOf(() => parseConfigObject({ risk: { $comment: 5 } }))).toEqual([
      { path: 'risk.$comment', message: 'must be a string or an array of strings' },
    ]);
  });
  it('lists every issue at once', () => {
    const issues = issuesOf(() => parseConfigObject({ foo: 1, risk: { daily_loss_limit_fraction: 2 }, trading: { bankroll: 0 } }));
    expect(issues.map((i) => i.path).sort()).toEqual(['foo', 'risk.daily_loss_limit_fraction', 'trading.bankroll']);
  });
  it('the root must be an object', () => {
    expect(issuesOf(() => parseConfigObject([1, 2]))).toEqual([{ path: '(root)', message: 'must be a JSON object' }]);
  });
});

describe('config schema: every value is validated with a message naming the key', () => {
  const cases: [string, unknown, string][] = [
    ['risk.daily_loss_limit_fraction', 1.5, 'must be between 0 and 1'],
    ['risk.daily_loss_limit_fraction', -0.1, 'must be between 0 and 1'],
    ['risk.max_kelly_fraction', 2, 'must be between 0 and 1'],
    ['risk.max_total_exposure_fraction', 1.01, 'must be between 0 and 1'],
    ['risk.max_new_exposure_per_day_fraction', -1, 'must be between 0 and 1'],
    ['risk.max_positions', 0, 'must be at least 1'],
    ['risk.max_positions', 2.5, 'must be a whole number'],
    ['risk.max_position_size', 0, 'must be greater than 0 (dollars)'],
    ['risk.max_orders_per_cycle', 0, 'must be at least 1'],
    ['risk.max_notional_per_cycle', -5, 'must be greater than 0 (dollars)'],
    ['risk.max_trades_per_market_per_day', -1, 'must be 0 or more'],
    ['risk.kill_switch_env_var', '', 'must not be empty'],
    ['risk.kill_switch_env_var', 'BAD-NAME', 'must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'],
    ['risk.kill_switch_file', '', 'must not be empty'],
    ['trading.bankroll', 0, 'must be greater than 0 (dollars)'],
    ['trading.bankroll', '100', 'must be a number'],
    ['trading.dry_run', 'false', 'must be true or false'],
    ['trading.cycle_interval_seconds', 5, 'must be at least 10'],
    ['trading.allowed_series_tickers', 'KXNBA', 'must be an array'],
    ['trading.allowed_series_tickers', ['KXNBA', 'KXNBA'], 'must not contain duplicates'],
    ['trading.scope_venue', 'kraken', 'must be one of kalshi, polymarket or null'],
    ['strategy.min_edge', 1.2, 'must be between 0 and 1'],
    ['strategy.min_confidence', -0.5, 'must be between 0 and 1'],
    ['strategy.heavy_favorite_yes_price_threshold', 3, 'must be between 0 and 1'],
    ['execution.max_price_drift', 2, 'must be between 0 and 1'],
    ['execution.min_edge_at_execution', -1, 'must be between 0 and 1'],
    ['execution.max_submit_slippage', 1.5, 'must be between 0 and 1'],
    ['execution.order_ttl_seconds', 0, 'must be at least 1'],
    ['execution.apply_kalshi_fees_to_edge', 1, 'must be true or false'],
    ['execution.reconcile_page_limit', 5000, 'must be at most 1000 (Kalshi maximum)'],
    ['filters.min_volume', -1, 'must be 0 or more'],
    ['filters.min_open_interest', 1.5, 'must be a whole number'],
    ['venues.kalshi.env', 'staging', 'must be one of sim, demo, prod'],
    ['venues.kalshi.base_url', 'not a url', 'must be a URL'],
    ['venues.kalshi.base_url', 'ftp://x.example', 'must be an http(s) URL'],
    ['venues.kalshi.subaccount', -1, 'must be 0 or more'],
    ['venues.kalshi.rate_limit_tier', 'gold', 'must be one of basic, advanced, premier, prime'],
    ['venues.polymarket.enabled', 'no', 'must be true or false'],
    ['database.dir', '', 'must not be empty'],
    ['observability.log_level', 'loud', 'must be one of trace, debug, info, warn, error, fatal, silent'],
    ['observability.webhook_timeout_seconds', 0, 'must be at least 1'],
    ['model.kind', 'magic', `must be one of ${MODEL_KINDS.join(', ')}`],
    ['model.llm.provider', 'gemini', 'must be one of anthropic, openai'],
    ['model.llm.temperature', 3, 'must be between 0 and 2'],
    ['model.sim_oracle.noise_stddev', 0.9, 'must be between 0 and 0.5'],
  ];
  it.each(cases)('%s = %j → %s', (key, value, message) => {
    const segs = key.split('.');
    const raw: Record<string, unknown> = {};
    let cur = raw;
    for (const s of segs.slice(0, -1)) cur = (cur[s] = {}) as Record<string, unknown>;
    cur[segs[segs.length - 1]] = value;
    expect(issuesOf(() => parseConfigObject(raw))).toContainEqual({ path: key, message });
  });

  it('a section that is not an object', () => {
    expect(issuesOf(() => parseConfigObject({ risk: 5 }))).toEqual([{ path: 'risk', message: 'must be an object' }]);
  });
  it('model.kind=signals-file needs model.signals_file.path', () => {
    expect(issuesOf(() => parseConfigObject({ model: { kind: 'signals-file' } }))).toEqual([
      { path: 'model.signals_file.path', message: 'is required when model.kind is signals-file' },
    ]);
    expect(() => parseConfigObject({ model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } } })).not.toThrow();
  });
  it('the heavy-favourite edge must be at least min_edge', () => {
    expect(issuesOf(() => parseConfigObject({ strategy: { min_edge: 0.2, heavy_favorite_buy_no_min_edge: 0.1 } }))).toEqual([
      { path: 'strategy.heavy_favorite_buy_no_min_edge', message: 'must be at least strategy.min_edge (it is the stricter threshold)' },
    ]);
  });
  it('the heavy-favourite confidence must be at least min_confidence', () => {
    expect(issuesOf(() => parseConfigObject({ strategy: { min_confidence: 0.9 } }))).toEqual([
      { path: 'strategy.heavy_favorite_buy_no_min_confidence', message: 'must be at least strategy.min_confidence (it is the stricter threshold)' },
    ]);
  });
  it('a small bankroll alone is valid (caps larger than the bankroll are bounded by it at sizing time)', () => {
    expect(parseConfigObject({ trading: { bankroll: 50 } }).config.trading.bankroll).toBe(50);
  });
  it('ConfigError message lists "path: message" lines', () => {
    try {
      parseConfigObject({ risk: { daily_loss_limit_fraction: 7 } }, 'cfg.json');
      throw new Error('unreachable');
    } catch (e) {
      expect((e as Error).message).toBe('cfg.json: invalid configuration:\n  - risk.daily_loss_limit_fraction: must be between 0 and 1');
    }
  });
});
