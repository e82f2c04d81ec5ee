import { generateKeyPairSync } from 'node:crypto';
import {
  assertValidForMode, ConfigError, ConfigInput, emptySecrets, POLYMARKET_LIVE_MESSAGE, resolveRunContext, RunFlags, Secrets,
  validateForMode,
} from '../../src/config';
import { loaded, rsaPem, secretsWith } from './helpers';

const SCOPE: ConfigInput = { trading: { allowed_series_tickers: ['KXNBAGAME'] } };
const PROD_LIVE_CFG: ConfigInput = { ...SCOPE, venues: { kalshi: { env: 'prod' } }, model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } } };
const KEYS = (): Secrets => secretsWith({ kalshiApiKeyId: 'key-id-0123456789', kalshiPrivateKeyPem: rsaPem(), kalshiPrivateKeySource: 'env' });

function check(cfg: ConfigInput, flags: RunFlags, secrets: Secrets = emptySecrets()) {
  return validateForMode(resolveRunContext(loaded(cfg), flags), secrets);
}

describe('validateForMode: passing baselines', () => {
  it('defaults validate in dry-run (sim, sim-oracle, no secrets needed)', () => {
    expect(check({}, {})).toEqual({ ok: true, errors: [], warnings: [] });
  });
  it('live on sim with a scope needs no Kalshi keys (sim has no money)', () => {
    expect(check(SCOPE, { live: true })).toEqual({ ok: true, errors: [], warnings: [] });
  });
  it('live on prod with scope, key id and a valid RSA key passes', () => {
    expect(check(PROD_LIVE_CFG, { live: true }, KEYS())).toEqual({ ok: true, errors: [], warnings: [] });
  });
});

describe('validateForMode: one failing case per rule', () => {
  it('live without scope when require_scope_in_live', () => {
    const v = check({}, { live: true });
    expect(v.ok).toBe(false);
    expect(v.errors.map((e) => e.path)).toEqual(['trading.require_scope_in_live']);
    expect(v.errors[0].message).toMatch(/^live mode requires an explicit market scope/);
  });
  it('...unless require_scope_in_live=false (then a warning)', () => {
    const v = check({ trading: { require_scope_in_live: false } }, { live: true });
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([{ path: 'trading.require_scope_in_live', message: 'is false: a live run without a scope may trade any market' }]);
  });
  it('a scope from runtime flags satisfies the live scope rule', () => {
    expect(check({}, { live: true, eventTickers: ['KXNBAGAME-26JAN01LALBOS'] }).ok).toBe(true);
  });
  it('live + Polymarket enabled is refused with the explicit message', () => {
    const v = check({ ...SCOPE, trading: { allowed_series_tickers: ['KXNBAGAME'], scope_venue: 'kalshi' }, venues: { polymarket: { enabled: true } } }, { live: true });
    expect(v.errors).toEqual([{ path: 'venues.polymarket.enabled', message: POLYMARKET_LIVE_MESSAGE }]);
    expect(POLYMARKET_LIVE_MESSAGE).toBe('Polymarket execution is not implemented; disable venues.polymarket or run dry-run');
  });
  it('ambiguous scope with both venues enabled: error in live, warning in dry-run; scope_venue resolves it', () => {
    const both: ConfigInput = { ...SCOPE, venues: { polymarket: { enabled: true } } };
    const live = check(both, { live: true });
    expect(live.errors).toContainEqual({ path: 'trading.scope_venue', message: 'the market scope is ambiguous with both venues enabled: set trading.scope_venue to kalshi or polymarket' });
    const dry = check(both, {});
    expect(dry.ok).toBe(true);
    expect(dry.warnings.map((w) => w.path)).toEqual(['venues.polymarket.enabled', 'trading.scope_venue']);
    const named = check({ trading: { allowed_series_tickers: ['KXNBAGAME'], scope_venue: 'kalshi' }, venues: { polymarket: { enabled: true } } }, {});
    expect(named.warnings.map((w) => w.path)).toEqual(['venues.polymarket.enabled']);
  });
  it('scope_venue naming a disabled venue', () => {
    expect(check({ trading: { scope_venue: 'polymarket' } }, {}).errors).toEqual([
      { path: 'trading.scope_venue', message: 'names polymarket, which is not enabled (venues.polymarket.enabled=false)' },
    ]);
  });
  it('no venue enabled', () => {
    expect(check({ venues: { kalshi: { enabled: false } } }, {}).errors).toEqual([{ path: 'venues', message: 'no venue is enabled: enable venues.kalshi' }]);
  });
  it('sim-oracle is only valid with env sim', () => {
    expect(check({}, { env: 'demo' }).errors).toEqual([
      { path: 'model.kind', message: 'sim-oracle is only valid with venues.kalshi.env=sim (env is demo); use signals-file or llm' },
    ]);
  });
  it('model.kind=llm needs the provider key (anthropic, openai)', () => {
    expect(check({ model: { kind: 'llm' } }, {}).errors).toEqual([
      { path: 'ANTHROPIC_API_KEY', message: 'is required for model.kind=llm with model.llm.provider=anthropic' },
    ]);
    expect(check({ model: { kind: 'llm', llm: { provider: 'openai' } } }, {}).errors).toEqual([
      { path: 'OPENAI_API_KEY', message: 'is required for model.kind=llm with model.llm.provider=openai' },
    ]);
    expect(check({ model: { kind: 'llm' } }, {}, secretsWith({ anthropicApiKey: 'sk-ant-0123456789' })).ok).toBe(true);
  });
  it('an ensemble member needs what its kind needs: an llm member the key, a sim-oracle member env sim', () => {
    const ens = (members: { kind: string; weight: number }[], env = 'sim') => ({ venues: { kalshi: { env } }, model: { kind: 'ensemble', ensemble: { members } } }) as ConfigInput;
    expect(check(ens([{ kind: 'sim-oracle', weight: 1 }, { kind: 'llm', weight: 1 }]), {}).errors).toEqual([
      { path: 'ANTHROPIC_API_KEY', message: 'is required for an llm ensemble member with model.llm.provider=anthropic' },
    ]);
    expect(check(ens([{ kind: 'sim-oracle', weight: 1 }, { kind: 'llm', weight: 1 }]), {}, secretsWith({ anthropicApiKey: 'sk-ant-0123456789' })).ok).toBe(true);
    expect(check(ens([{ kind: 'sim-oracle', weight: 1 }], 'demo'), {}).errors).toContainEqual(
      { path: 'model.ensemble.members', message: 'a sim-oracle member is only valid with venues.kalshi.env=sim (env is demo)' },
    );
  });
  it('live on prod needs the key id', () => {
    const s = secretsWith({ kalshiPrivateKeyPem: rsaPem(), kalshiPrivateKeySource: 'env' });
    expect(check(PROD_LIVE_CFG, { live: true }, s).errors).toEqual([{ path: 'KALSHI_API_KEY_ID', message: 'is required for live trading on prod' }]);
  });
  it('live on prod needs the private key', () => {
    const s = secretsWith({ kalshiApiKeyId: 'key-id-0123456789' });
    expect(check(PROD_LIVE_CFG, { live: true }, s).errors).toEqual([
      { path: 'KALSHI_PRIVATE_KEY', message: 'is required for live trading on prod (or KALSHI_PRIVATE_KEY_FILE)' },
    ]);
  });
  it('live on demo needs keys too', () => {
    const v = check({ ...PROD_LIVE_CFG, venues: { kalshi: { env: 'demo' } } }, { live: true });
    expect(v.errors.map((e) => e.path)).toEqual(['KALSHI_API_KEY_ID', 'KALSHI_PRIVATE_KEY']);
  });
  it('the private key must parse as RSA; the message never echoes it', () => {
    const garbage = '-----BEGIN PRIVATE KEY-----\nTm90QUtleUF0QWxsSnVzdFRleHQ=\n-----END PRIVATE KEY-----\n';
    const v = check(PROD_LIVE_CFG, { live: true }, secretsWith({ kalshiApiKeyId: 'key-id-0123456789', kalshiPrivateKeyPem: garbage, kalshiPrivateKeySource: 'env' }));
    expect(v.errors).toEqual([{ path: 'KALSHI_PRIVATE_KEY', message: 'does not parse as a PEM RSA private key' }]);
    expect(JSON.stringify(v)).not.toContain('Tm90QUtleUF0QWxsSnVzdFRleHQ');
  });
  it('a non-RSA key (EC) is refused', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const v = check(PROD_LIVE_CFG, { live: true }, secretsWith({ kalshiApiKeyId: 'key-id-0123456789', kalshiPrivateKeyPem: ec, kalshiPrivateKeySource: 'env-file', kalshiPrivateKeyFile: '/k.pem' }));
    expect(v.errors).toEqual([{ path: 'KALSHI_PRIVATE_KEY_FILE', message: 'is a ec key; Kalshi needs an RSA private key' }]);
  });
  it('an unreadable key file is reported with its path', () => {
    const v = check(PROD_LIVE_CFG, { live: true }, secretsWith({ kalshiApiKeyId: 'key-id-0123456789', kalshiPrivateKeySource: 'config-file', kalshiPrivateKeyError: 'private key file /etc/k.pem cannot be read (ENOENT)' }));
    expect(v.errors).toEqual([{ path: 'secrets.kalshi_private_key_file', message: 'private key file /etc/k.pem cannot be read (ENOENT)' }]);
  });
  it('dry-run on prod with a broken key: a warning, not an error', () => {
    const v = check(PROD_LIVE_CFG, {}, secretsWith({ kalshiApiKeyId: 'key-id-0123456789' }));
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([{ path: 'KALSHI_PRIVATE_KEY', message: 'is required (or KALSHI_PRIVATE_KEY_FILE) (needed for live)' }]);
  });
  it('live refuses a legacy database name unless --allow-live-legacy-db', () => {
    expect(check(SCOPE, { live: true, dbPath: './kalshi.sqlite' }).errors).toEqual([
      { path: '--db', message: 'kalshi.sqlite is a legacy database name; a live lane uses its own file (pass --allow-live-legacy-db to reuse it deliberately)' },
    ]);
    expect(check({ ...SCOPE, database: { path: 'data/kalshi_live.sqlite' } }, { live: true }).errors.map((e) => e.path)).toEqual(['database.path']);
    expect(check(SCOPE, { live: true, dbPath: './kalshi.sqlite', allowLiveLegacyDb: true }).ok).toBe(true);
  });
  it('an explicit path that is another lane\'s file is refused (lanes never share a file; origin B17)', () => {
    expect(check(SCOPE, { live: true, dbPath: 'data/kalshi-autopilot-sim-dry-run.sqlite' }).errors).toEqual([
      { path: '--db', message: 'kalshi-autopilot-sim-dry-run.sqlite is the database of lane kalshi-autopilot-sim-dry-run; lanes never share a file' },
    ]);
    expect(check(SCOPE, { live: true, dbPath: 'data/kalshi-autopilot-sim-live.sqlite' }).ok).toBe(true);
  });
  it('an explicit database.path without {env}/{mode} warns that every lane would share it', () => {
    expect(check({ database: { path: 'shared.sqlite' } }, {}).warnings).toEqual([
      { path: 'database.path', message: 'an explicit path without {env}/{mode} (or {lane}) is used for every lane this config runs in; prefer database.dir or add the placeholders' },
    ]);
    expect(check({ database: { path: '{lane}.sqlite' } }, {}).warnings).toEqual([]);
  });
  it('webhook_enabled needs KALSHI_AUTOPILOT_WEBHOOK_URL', () => {
    expect(check({ observability: { webhook_enabled: true } }, {}).errors).toEqual([
      { path: 'observability.webhook_enabled', message: 'is true but KALSHI_AUTOPILOT_WEBHOOK_URL is not set' },
    ]);
    expect(check({ observability: { webhook_enabled: true } }, {}, secretsWith({ webhookUrl: 'https://hooks.example/x' })).ok).toBe(true);
  });
  it('prod with a non-kalshi base_url override warns', () => {
    const v = check({ ...PROD_LIVE_CFG, venues: { kalshi: { env: 'prod', base_url: 'https://evil.example/trade-api/v2' } } }, { live: true }, KEYS());
    expect(v.warnings).toEqual([{ path: 'venues.kalshi.base_url', message: 'overrides the production API root with a non-kalshi.com host' }]);
  });
  it('lists every error at once', () => {
    const v = check({ venues: { polymarket: { enabled: true }, kalshi: { env: 'prod' } } }, { live: true });
    expect(v.errors.map((e) => e.path)).toEqual([
      'venues.polymarket.enabled', 'trading.require_scope_in_live', 'model.kind', 'KALSHI_API_KEY_ID', 'KALSHI_PRIVATE_KEY',
    ]);
  });
});

describe('assertValidForMode', () => {
  it('throws a ConfigError with every issue, naming the lane', () => {
    const ctx = resolveRunContext(loaded({}), { live: true });
    try {
      assertValidForMode(ctx, emptySecrets());
      throw new Error('unreachable');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as ConfigError).issues.map((i) => i.path)).toEqual(['trading.require_scope_in_live']);
      expect((e as Error).message).toMatch(/^kalshi-autopilot-sim-live: invalid configuration:\n {2}- trading\.require_scope_in_live: /);
    }
  });
  it('returns the warnings when valid', () => {
    const ctx = resolveRunContext(loaded({ venues: { polymarket: { enabled: true } } }));
    expect(assertValidForMode(ctx, emptySecrets()).map((w) => w.path)).toEqual(['venues.polymarket.enabled']);
  });
});
