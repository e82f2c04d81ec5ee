/** Per-mode validation of the cross-venue model: the Polymarket simulator's loopback hosts are refused for a live lane on a real exchange. */
import { ConfigInput, emptySecrets, resolveRunContext, RunFlags, Secrets, validateForMode } from '../../src/config';
import { loaded, rsaPem, secretsWith } from './helpers';

const KEYS = (): Secrets => secretsWith({ kalshiApiKeyId: 'key-id-0123456789', kalshiPrivateKeyPem: rsaPem(), kalshiPrivateKeySource: 'env' });
const check = (cfg: ConfigInput, flags: RunFlags, secrets: Secrets = emptySecrets()) => validateForMode(resolveRunContext(loaded(cfg), flags), secrets);
const cfg = (env: 'sim' | 'prod', cv: Record<string, unknown> = {}): ConfigInput => ({
  trading: { allowed_series_tickers: ['KXFED'] }, venues: { kalshi: { env } },
  model: { kind: 'cross-venue', cross_venue: { mapping_file: 'm.jsonl', ...cv } },
});
const LOOP = { gamma_base_url: 'http://127.0.0.1:8788/gamma', clob_base_url: 'http://localhost:8788/clob' };

test('live on prod with the real Polymarket hosts (the defaults) passes; with loopback hosts it is refused naming each key', () => {
  expect(check(cfg('prod'), { live: true }, KEYS())).toEqual({ ok: true, errors: [], warnings: [] });
  const v = check(cfg('prod', LOOP), { live: true }, KEYS());
  expect(v.ok).toBe(false);
  expect(v.errors.map((e) => e.path)).toEqual(['model.cross_venue.gamma_base_url', 'model.cross_venue.clob_base_url']);
  expect(v.errors[0].message).toMatch(/^is on loopback \(127\.0\.0\.1\), the Polymarket simulator's address, on env prod/);
});

test('dry-run on prod with loopback hosts is a warning; on sim loopback is the expected setup', () => {
  const d = check(cfg('prod', LOOP), {});
  expect([d.ok, d.warnings.map((w) => w.path)]).toEqual([true, ['model.cross_venue.gamma_base_url', 'model.cross_venue.clob_base_url']]);
  expect(check(cfg('sim', LOOP), { live: true })).toEqual({ ok: true, errors: [], warnings: [] });
});

test('an ensemble member cross-venue is checked the same way', () => {
  const c: ConfigInput = { ...cfg('prod', LOOP), model: { kind: 'ensemble', ensemble: { members: [{ kind: 'cross-venue', weight: 1 }] }, cross_venue: { mapping_file: 'm.jsonl', ...LOOP } } };
  expect(check(c, { live: true }, KEYS()).errors.map((e) => e.path)).toEqual(['model.cross_venue.gamma_base_url', 'model.cross_venue.clob_base_url']);
});

test('the quickstart config of docs/simulator.md (ensemble of sim-oracle and cross-venue on the simulators) validates in dry-run on sim', () => {
  const quickstart: ConfigInput = {
    model: {
      kind: 'ensemble',
      ensemble: { members: [{ kind: 'sim-oracle', weight: 1 }, { kind: 'cross-venue', weight: 1 }] },
      cross_venue: { mapping_file: 'data/sim-polymarket/mapping.jsonl', gamma_base_url: 'http://127.0.0.1:8788/gamma', clob_base_url: 'http://127.0.0.1:8788/clob' },
    },
  };
  expect(check(quickstart, {})).toEqual({ ok: true, errors: [], warnings: [] });
});
