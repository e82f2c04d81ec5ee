/**
 * Platform safety gate (plan phase 7, origin §4.7): a live run refuses to start while a venue that cannot trade live
 * (Polymarket) is enabled; a Kalshi-only live config with credentials and a scope passes; dry-run only warns.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assertValidForMode, ConfigError, loadConfig, POLYMARKET_LIVE_MESSAGE, resolveRunContext, validateForMode } from '../src/config';
import { clearRegisteredSecrets } from '../src/observability/redact';
import { rsaPem, tmpDir } from './config/helpers';

afterEach(() => clearRegisteredSecrets());

function setup(config: unknown, env: Record<string, string> = {}) {
  const dir = tmpDir('kap-platform-');
  fs.writeFileSync(path.join(dir, 'kalshi-autopilot.config.json'), JSON.stringify(config));
  return loadConfig({ cwd: dir, env });
}

const LIVE_PROD_KALSHI = {
  trading: { dry_run: false, allowed_series_tickers: ['KXNBAGAME'] },
  venues: { kalshi: { enabled: true, env: 'prod' }, polymarket: { enabled: false } },
  model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } },
};
const CREDS = () => ({ KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY: rsaPem() });

describe('platform live validation', () => {
  it('live + Polymarket enabled ⇒ validation error with the explicit message', () => {
    const l = setup({ ...LIVE_PROD_KALSHI, trading: { ...LIVE_PROD_KALSHI.trading, scope_venue: 'kalshi' }, venues: { kalshi: { env: 'prod' }, polymarket: { enabled: true } } }, CREDS());
    const ctx = resolveRunContext(l);
    expect(ctx.mode).toBe('live');
    const v = validateForMode(ctx, l.secrets);
    expect(v.ok).toBe(false);
    expect(v.errors).toEqual([{ path: 'venues.polymarket.enabled', message: 'Polymarket execution is not implemented; disable venues.polymarket or run dry-run' }]);
    expect(() => assertValidForMode(ctx, l.secrets)).toThrow(ConfigError);
    expect(() => assertValidForMode(ctx, l.secrets)).toThrow(POLYMARKET_LIVE_MESSAGE);
  });

  it('live + Polymarket enabled on sim is refused too (the gate does not depend on the Kalshi env)', () => {
    const l = setup({ trading: { dry_run: false, allowed_series_tickers: ['KXNBAGAME'], scope_venue: 'kalshi' }, venues: { polymarket: { enabled: true } } });
    expect(validateForMode(resolveRunContext(l), l.secrets).errors).toEqual([{ path: 'venues.polymarket.enabled', message: POLYMARKET_LIVE_MESSAGE }]);
  });

  it('live + Kalshi only, with key id + a valid generated RSA private key + scope ⇒ passes', () => {
    const l = setup(LIVE_PROD_KALSHI, CREDS());
    const ctx = resolveRunContext(l);
    expect(ctx.lane).toBe('kalshi-autopilot-prod-live');
    expect(validateForMode(ctx, l.secrets)).toEqual({ ok: true, errors: [], warnings: [] });
    expect(assertValidForMode(ctx, l.secrets)).toEqual([]);
  });

  it('dry-run with Polymarket enabled passes with a startup warning that it cannot trade live', () => {
    const l = setup({ venues: { polymarket: { enabled: true } } });
    const v = validateForMode(resolveRunContext(l), l.secrets);
    expect(v.ok).toBe(true);
    expect(v.warnings).toEqual([{ path: 'venues.polymarket.enabled', message: 'Polymarket is enabled but cannot trade live (market data only); a live run with this config is refused' }]);
  });

  it('--dry-run on a live config with Polymarket enabled: dry-run rules apply (warning only)', () => {
    const l = setup({ ...LIVE_PROD_KALSHI, trading: { ...LIVE_PROD_KALSHI.trading, scope_venue: 'kalshi' }, venues: { kalshi: { env: 'prod' }, polymarket: { enabled: true } } });
    const ctx = resolveRunContext(l, { dryRun: true });
    const v = validateForMode(ctx, l.secrets);
    expect(ctx.mode).toBe('dry-run');
    expect(v.ok).toBe(true);
    expect(v.warnings.map((w) => w.path)).toEqual(['venues.polymarket.enabled']);
  });
});
