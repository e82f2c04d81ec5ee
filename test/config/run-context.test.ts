import * as path from 'node:path';
import {
  canonicalJson, configHash, ConfigInput, defaultConfig, defaultDbPath, KALSHI_ENVS, laneName, parseConfigObject,
  resolveRunContext, RUN_MODES, KALSHI_BASE_URLS,
} from '../../src/config';
import { issuesOf, loaded } from './helpers';

const CWD = '/srv/kap';

describe('names', () => {
  it('laneName is kalshi-autopilot-<env>-<mode>', () => {
    expect(laneName('sim', 'dry-run')).toBe('kalshi-autopilot-sim-dry-run');
    expect(laneName('prod', 'live')).toBe('kalshi-autopilot-prod-live');
    expect(laneName('demo', 'live')).toBe('kalshi-autopilot-demo-live');
  });
});

describe('database paths', () => {
  it('defaultDbPath derives data/kalshi-autopilot-<env>-<mode>.sqlite', () => {
    expect(defaultDbPath('sim', 'dry-run', 'data')).toBe('data/kalshi-autopilot-sim-dry-run.sqlite');
    expect(defaultDbPath('prod', 'live', 'data')).toBe('data/kalshi-autopilot-prod-live.sqlite');
    expect(defaultDbPath('demo', 'dry-run')).toBe('data/kalshi-autopilot-demo-dry-run.sqlite');
    expect(defaultDbPath('prod', 'live', '/var/lib/kap')).toBe('/var/lib/kap/kalshi-autopilot-prod-live.sqlite');
  });

  it('differs for every env×mode pair (six distinct files), in defaultDbPath and in the run context', () => {
    const direct = new Set<string>();
    const viaCtx = new Set<string>();
    for (const env of KALSHI_ENVS) {
      for (const mode of RUN_MODES) {
        direct.add(defaultDbPath(env, mode, 'data'));
        const ctx = resolveRunContext(loaded({ model: { kind: 'signals-file', signals_file: { path: 's.jsonl' } } }, CWD), { env, [mode === 'live' ? 'live' : 'dryRun']: true });
        expect(ctx.dbPathSource).toBe('derived');
        expect(ctx.dbPath).toBe(path.join(CWD, 'data', `kalshi-autopilot-${env}-${mode}.sqlite`));
        viaCtx.add(ctx.dbPath);
      }
    }
    expect(direct.size).toBe(6);
    expect(viaCtx.size).toBe(6);
  });

  it('database.dir moves the derived files', () => {
    const ctx = resolveRunContext(loaded({ database: { dir: '/var/lib/kap' } }, CWD));
    expect(ctx.dbPath).toBe('/var/lib/kap/kalshi-autopilot-sim-dry-run.sqlite');
    expect(ctx.heartbeatPath).toBe('/var/lib/kap/heartbeat-kalshi-autopilot-sim-dry-run.json');
  });

  it('an explicit database.path wins over the derived path; --db wins over both', () => {
    const l = loaded({ database: { path: 'custom.sqlite' } }, CWD);
    const a = resolveRunContext(l);
    expect(a.dbPath).toBe('/srv/kap/custom.sqlite');
    expect(a.dbPathSource).toBe('config');
    const b = resolveRunContext(l, { dbPath: '/tmp/flag.sqlite' });
    expect(b.dbPath).toBe('/tmp/flag.sqlite');
    expect(b.dbPathSource).toBe('flag');
    expect(b.config.database.path).toBe('/tmp/flag.sqlite');
  });

  it('{env} and {mode} are substituted in an explicit path', () => {
    const l = loaded({ database: { path: '/db/{env}-{mode}.sqlite' } }, CWD);
    expect(resolveRunContext(l, { live: true }).dbPath).toBe('/db/sim-live.sqlite');
    expect(resolveRunContext(l, { dryRun: true, env: 'demo' }).dbPath).toBe('/db/demo-dry-run.sqlite');
  });
});

describe('run mode resolution', () => {
  it.each([
    [true, {}, 'dry-run'],
    [false, {}, 'live'],
    [false, { dryRun: true }, 'dry-run'],
    [true, { live: true }, 'live'],
    [true, { dryRun: true }, 'dry-run'],
    [false, { live: true }, 'live'],
    [false, { dryRun: false }, 'live'],
  ] as const)('trading.dry_run=%s with flags %j → %s', (dryRun, flags, mode) => {
    const ctx = resolveRunContext(loaded({ trading: { dry_run: dryRun } }), flags);
    expect(ctx.mode).toBe(mode);
  });

  it('--dry-run together with --live is an error', () => {
    expect(issuesOf(() => resolveRunContext(loaded(), { dryRun: true, live: true }))).toEqual([
      { path: '--dry-run', message: '--dry-run and --live cannot be used together' },
    ]);
  });

  it('the --dry-run flag resolves the mode before anything else reads it (origin B2)', () => {
    // The config says live; the flag says dry-run. Every derived value must follow the flag.
    const l = loaded({ trading: { dry_run: false } });
    const ctx = resolveRunContext(l, { dryRun: true });
    expect(ctx.mode).toBe('dry-run');
    expect(ctx.config.trading.dry_run).toBe(true); // the effective config no longer says live
    expect(ctx.lane).toBe('kalshi-autopilot-sim-dry-run');
    expect(ctx.dbPath).toBe('/srv/kap/data/kalshi-autopilot-sim-dry-run.sqlite');
    expect(ctx.overrides).toEqual(['--dry-run']);
    const asDryRunConfig = resolveRunContext(loaded({ trading: { dry_run: true } }));
    expect(ctx.configHash).toBe(asDryRunConfig.configHash); // same effective config ⇒ same hash
    // The loaded config object is not modified by the resolution.
    expect(l.config.trading.dry_run).toBe(false);
  });

  it('--env overrides venues.kalshi.env (lane, db, base url follow it)', () => {
    const ctx = resolveRunContext(loaded({ model: { kind: 'llm' } }), { env: 'prod', live: true });
    expect(ctx.env).toBe('prod');
    expect(ctx.config.venues.kalshi.env).toBe('prod');
    expect(ctx.lane).toBe('kalshi-autopilot-prod-live');
    expect(ctx.kalshiBaseUrl).toBe(KALSHI_BASE_URLS.prod);
    expect(ctx.overrides).toEqual(['--live', '--env']);
  });

  it('an invalid --env is an error naming the flag', () => {
    expect(issuesOf(() => resolveRunContext(loaded(), { env: 'staging' as never }))).toEqual([
      { path: '--env', message: 'must be one of sim, demo, prod (got "staging")' },
    ]);
  });

  it('base url: sim has none, demo/prod their roots, an override (config or flag) wins', () => {
    expect(resolveRunContext(loaded()).kalshiBaseUrl).toBeNull();
    expect(resolveRunContext(loaded(), { env: 'demo' }).kalshiBaseUrl).toBe('https://demo-api.kalshi.co/trade-api/v2');
    expect(resolveRunContext(loaded({ venues: { kalshi: { base_url: 'http://127.0.0.1:9999/trade-api/v2' } } })).kalshiBaseUrl).toBe('http://127.0.0.1:9999/trade-api/v2');
    expect(resolveRunContext(loaded(), { kalshiBaseUrl: 'http://127.0.0.1:1/x' }).kalshiBaseUrl).toBe('http://127.0.0.1:1/x');
    expect(issuesOf(() => resolveRunContext(loaded(), { kalshiBaseUrl: 'nope' }))).toEqual([{ path: '--kalshi-base-url', message: 'must be an http(s) URL' }]);
  });

  it('scope flags replace the config allow-lists', () => {
    const l = loaded({ trading: { allowed_series_tickers: ['KXA'], allowed_market_ids: ['M1'] } });
    const ctx = resolveRunContext(l, { seriesTickers: ['KXNBAGAME', ' KXNFL '], eventTickers: ['EV-1'] });
    expect(ctx.scope).toEqual({ seriesTickers: ['KXNBAGAME', 'KXNFL'], eventTickers: ['EV-1'], marketIds: ['M1'], venue: null });
    expect(ctx.config.trading.allowed_series_tickers).toEqual(['KXNBAGAME', 'KXNFL']);
    expect(issuesOf(() => resolveRunContext(l, { marketIds: [] }))).toEqual([{ path: '--market-ids', message: 'must list at least one item' }]);
    expect(issuesOf(() => resolveRunContext(l, { eventTickers: ['A', ' '] }))).toEqual([{ path: '--event-tickers', message: 'must not contain empty items' }]);
    expect(issuesOf(() => resolveRunContext(l, { seriesTickers: ['A', 'A'] }))).toEqual([{ path: 'trading.allowed_series_tickers', message: 'must not contain duplicates' }]);
  });
});

describe('the run context is immutable', () => {
  const ctx = resolveRunContext(loaded({ trading: { allowed_series_tickers: ['KXNBAGAME'] } }));

  it('is deep-frozen: top level, nested config, arrays, fixed values', () => {
    expect(Object.isFrozen(ctx)).toBe(true);
    expect(Object.isFrozen(ctx.config)).toBe(true);
    expect(Object.isFrozen(ctx.config.trading)).toBe(true);
    expect(Object.isFrozen(ctx.scope.seriesTickers)).toBe(true);
    expect(Object.isFrozen(ctx.fixed)).toBe(true);
  });

  it('assignments throw (strict mode) and leave the values unchanged', () => {
    const m = ctx as unknown as Record<string, any>;
    expect(() => { m.mode = 'live'; }).toThrow(TypeError);
    expect(() => { m.config.trading.dry_run = false; }).toThrow(TypeError);
    expect(() => { m.config.risk = {}; }).toThrow(TypeError);
    expect(() => { m.scope.seriesTickers.push('KXEVIL'); }).toThrow(TypeError);
    expect(() => { m.config.trading.allowed_series_tickers[0] = 'KXEVIL'; }).toThrow(TypeError);
    expect(() => { m.bankrollMicros = 1; }).toThrow(TypeError);
    expect(ctx.mode).toBe('dry-run');
    expect(ctx.config.trading.dry_run).toBe(true);
    expect(ctx.scope.seriesTickers).toEqual(['KXNBAGAME']);
  });
});

describe('fixed-point values', () => {
  it('converts dollars and fractions exactly (no float reaches the ledger)', () => {
    const ctx = resolveRunContext(loaded({
      trading: { bankroll: 250.1 },
      risk: { max_position_size: 10.3, max_notional_per_cycle: 0.7, daily_loss_limit_fraction: 0.1, max_kelly_fraction: 0.3 },
      strategy: { min_edge: 0.07 },
    }));
    expect(ctx.bankrollMicros).toBe(250_100_000);
    expect(ctx.fixed.bankroll).toBe(250_100_000);
    expect(ctx.fixed.maxPositionSize).toBe(10_300_000);
    expect(ctx.fixed.maxNotionalPerCycle).toBe(700_000);
    expect(ctx.fixed.dailyLossLimitFractionPpm).toBe(100_000);
    expect(ctx.fixed.maxKellyFractionPpm).toBe(300_000);
    expect(ctx.fixed.minEdge).toBe(70_000);
    expect(ctx.fixed.maxPriceDrift).toBe(50_000);
    expect(ctx.fixed.llmCostLimitPerCycle).toBe(5_000_000);
    for (const v of Object.values(ctx.fixed)) expect(Number.isSafeInteger(v)).toBe(true);
  });
});

describe('config hash', () => {
  it('is 16 hex chars of sha256 over the canonical JSON', () => {
    const h = configHash(defaultConfig());
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });

  it('is stable under key order', () => {
    const a = parseConfigObject(JSON.parse('{"risk":{"max_positions":3,"max_kelly_fraction":0.2},"trading":{"bankroll":500}}')).config;
    const b = parseConfigObject(JSON.parse('{"trading":{"bankroll":500},"risk":{"max_kelly_fraction":0.2,"max_positions":3}}')).config;
    expect(configHash(a)).toBe(configHash(b));
    const reverseKeys = (v: unknown): unknown => Array.isArray(v) ? v.map(reverseKeys)
      : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverseKeys(x)])) : v;
    const shuffled = reverseKeys(a) as Record<string, unknown>;
    expect(Object.keys(shuffled)).toEqual(Object.keys(a).reverse()); // really reordered (the last section first)
    expect(configHash(shuffled)).toBe(configHash(a));
  });

  it('changes when any single value changes (every leaf key of the schema)', () => {
    const base = defaultConfig();
    const baseHash = configHash(base);
    const seen = new Set<string>([baseHash]);
    let leaves = 0;
    const walk = (obj: Record<string, unknown>, trail: string[]) => {
      for (const [k, v] of Object.entries(obj)) {
        if (v && typeof v === 'object' && !Array.isArray(v)) { walk(v as Record<string, unknown>, [...trail, k]); continue; }
        const copy = structuredClone(base) as unknown as Record<string, any>;
        let cur = copy;
        for (const t of trail) cur = cur[t];
        cur[k] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : Array.isArray(v) ? ['X'] : v === null ? 'x' : `${v}x`;
        const h = configHash(copy);
        expect(seen.has(h)).toBe(false);
        seen.add(h);
        leaves++;
      }
    };
    walk(base as unknown as Record<string, unknown>, []);
    expect(leaves).toBeGreaterThan(50);
  });

  it('excludes secrets and comments; includes the flag overrides', () => {
    const withComments = parseConfigObject({ $comment: 'x', risk: { $comment: 'y' }, secrets: { kalshi_api_key_id: 'abc-123-def-456' } }).config;
    expect(configHash(withComments)).toBe(configHash(defaultConfig()));
    const l = loaded();
    expect(resolveRunContext(l, { live: true }).configHash).not.toBe(resolveRunContext(l).configHash);
    expect(resolveRunContext(l, { env: 'demo' }).configHash).not.toBe(resolveRunContext(l).configHash);
    expect(resolveRunContext(l, { seriesTickers: ['KXA'] }).configHash).not.toBe(resolveRunContext(l).configHash);
  });

  it('the run context carries the hash of its effective config', () => {
    const input: ConfigInput = { trading: { bankroll: 42 }, risk: { max_position_size: 10 } };
    const ctx = resolveRunContext(loaded(input));
    expect(ctx.configHash).toBe(configHash(ctx.config));
  });
});
