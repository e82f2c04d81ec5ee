/**
 * Per-mode validation: pure, no I/O beyond parsing the private key in memory, so every failure is raised before any
 * network call. `validateForMode` returns all errors and warnings; `assertValidForMode` throws a ConfigError listing
 * every error and returns the warnings.
 */
import * as nodePath from 'node:path';
import { LEGACY_DB_NAMES as STORE_LEGACY_DB_NAMES } from '../store/db';
import { ConfigError, ConfigIssue } from './errors';
import { checkRsaPrivateKey, SECRET_ENV, Secrets } from './secrets';
import { defaultDbPath, laneName, RunContext } from './run-context';
import { KALSHI_ENVS, RUN_MODES } from './schema';

export const POLYMARKET_LIVE_MESSAGE = 'Polymarket execution is not implemented; disable venues.polymarket or run dry-run';

/** Database file names of the origin (Python) bot: never reused by a live lane without --allow-live-legacy-db. */
const LEGACY_DB_NAMES = new Set(STORE_LEGACY_DB_NAMES);

export interface ModeValidation {
  ok: boolean;
  errors: ConfigIssue[];
  warnings: ConfigIssue[];
}

export function validateForMode(ctx: RunContext, secrets: Secrets): ModeValidation {
  const errors: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const c = ctx.config;
  const live = ctx.mode === 'live';
  const kalshi = c.venues.kalshi.enabled;
  const poly = c.venues.polymarket.enabled;

  // ---- venues ------------------------------------------------------------------------------------------------------
  if (!kalshi && !poly) errors.push({ path: 'venues', message: 'no venue is enabled: enable venues.kalshi' });
  if (poly) {
    warnings.push({ path: 'venues.polymarket.enabled', message: 'Polymarket is enabled but cannot trade live (market data only); a live run with this config is refused' });
    if (live) errors.push({ path: 'venues.polymarket.enabled', message: POLYMARKET_LIVE_MESSAGE });
  }

  // ---- scope -------------------------------------------------------------------------------------------------------
  const s = ctx.scope;
  const hasScope = s.marketIds.length + s.eventTickers.length + s.seriesTickers.length > 0;
  if (live && c.trading.require_scope_in_live && !hasScope) {
    errors.push({
      path: 'trading.require_scope_in_live',
      message: 'live mode requires an explicit market scope: set trading.allowed_series_tickers, trading.allowed_event_tickers or trading.allowed_market_ids (or --series-tickers / --event-tickers / --market-ids), or set trading.require_scope_in_live=false',
    });
  }
  if (kalshi && poly && hasScope && s.venue === null) {
    const issue = { path: 'trading.scope_venue', message: 'the market scope is ambiguous with both venues enabled: set trading.scope_venue to kalshi or polymarket' };
    (live ? errors : warnings).push(issue);
  }
  if (s.venue !== null && !c.venues[s.venue].enabled) {
    errors.push({ path: 'trading.scope_venue', message: `names ${s.venue}, which is not enabled (venues.${s.venue}.enabled=false)` });
  }

  // ---- model -------------------------------------------------------------------------------------------------------
  if (c.model.kind === 'sim-oracle' && ctx.env !== 'sim') {
    errors.push({ path: 'model.kind', message: `sim-oracle is only valid with venues.kalshi.env=sim (env is ${ctx.env}); use signals-file or llm` });
  }
  const members = c.model.kind === 'ensemble' ? c.model.ensemble.members.map((m) => m.kind as string) : [];
  if (members.includes('sim-oracle') && ctx.env !== 'sim') {
    errors.push({ path: 'model.ensemble.members', message: `a sim-oracle member is only valid with venues.kalshi.env=sim (env is ${ctx.env})` });
  }
  // cross-venue on a real exchange must read the real Polymarket: a loopback host is the Polymarket simulator.
  if ((c.model.kind === 'cross-venue' || members.includes('cross-venue')) && ctx.env !== 'sim') {
    for (const key of ['gamma_base_url', 'clob_base_url'] as const) {
      const host = new URL(c.model.cross_venue[key]).hostname;
      if (['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host) || host.startsWith('127.')) {
        const issue = { path: `model.cross_venue.${key}`, message: `is on loopback (${host}), the Polymarket simulator's address, on env ${ctx.env}: fair values for real markets must come from Polymarket` };
        (live ? errors : warnings).push(issue);
      }
    }
  }
  if (c.model.kind === 'llm' || members.includes('llm')) {
    const anthropic = c.model.llm.provider === 'anthropic';
    const key = anthropic ? secrets.anthropicApiKey : secrets.openaiApiKey;
    if (!key) {
      const name = anthropic ? SECRET_ENV.anthropicApiKey : SECRET_ENV.openaiApiKey;
      errors.push({ path: name, message: `is required for ${c.model.kind === 'llm' ? 'model.kind=llm' : 'an llm ensemble member'} with model.llm.provider=${c.model.llm.provider}` });
    }
  }

  // ---- Kalshi credentials --------------------------------------------------------------------------------------------
  // Live on sim needs none (sim is a venue without money). Live on demo/prod needs the key id and an RSA private key.
  const needKeys = live && kalshi && ctx.env !== 'sim';
  const keyIssues: ConfigIssue[] = [];
  if (!secrets.kalshiApiKeyId) keyIssues.push({ path: SECRET_ENV.kalshiApiKeyId, message: `is required for live trading on ${ctx.env}` });
  if (secrets.kalshiPrivateKeyError) {
    keyIssues.push({ path: secrets.kalshiPrivateKeySource === 'config-file' ? 'secrets.kalshi_private_key_file' : SECRET_ENV.kalshiPrivateKeyFile, message: secrets.kalshiPrivateKeyError });
  } else if (!secrets.kalshiPrivateKeyPem) {
    keyIssues.push({ path: SECRET_ENV.kalshiPrivateKey, message: `is required for live trading on ${ctx.env} (or ${SECRET_ENV.kalshiPrivateKeyFile})` });
  } else {
    const bad = checkRsaPrivateKey(secrets.kalshiPrivateKeyPem);
    if (bad) keyIssues.push({ path: secrets.kalshiPrivateKeySource === 'env' ? SECRET_ENV.kalshiPrivateKey : secrets.kalshiPrivateKeySource === 'config-file' ? 'secrets.kalshi_private_key_file' : SECRET_ENV.kalshiPrivateKeyFile, message: bad });
  }
  if (needKeys) {
    errors.push(...keyIssues);
  } else if (kalshi && ctx.env !== 'sim' && (secrets.kalshiApiKeyId || secrets.kalshiPrivateKeyPem || secrets.kalshiPrivateKeyError)) {
    // Partially configured credentials in dry-run: worth knowing before switching to live.
    warnings.push(...keyIssues.map((i) => ({ path: i.path, message: `${i.message.replace(/ for live trading on \w+/, '')} (needed for live)` })));
  }
  if (kalshi && ctx.env === 'prod' && c.venues.kalshi.base_url && !/^https:\/\/[^/]*kalshi\.com\//i.test(c.venues.kalshi.base_url + '/')) {
    warnings.push({ path: 'venues.kalshi.base_url', message: 'overrides the production API root with a non-kalshi.com host' });
  }

  // ---- database -------------------------------------------------------------------------------------------------------
  const base = nodePath.basename(ctx.dbPath);
  if (live && LEGACY_DB_NAMES.has(base) && !ctx.allowLiveLegacyDb) {
    errors.push({ path: ctx.dbPathSource === 'flag' ? '--db' : 'database.path', message: `${base} is a legacy database name; a live lane uses its own file (pass --allow-live-legacy-db to reuse it deliberately)` });
  }
  if (ctx.dbPathSource !== 'derived') {
    for (const e of KALSHI_ENVS) {
      for (const m of RUN_MODES) {
        if (e === ctx.env && m === ctx.mode) continue;
        if (base === nodePath.basename(defaultDbPath(e, m))) {
          errors.push({ path: ctx.dbPathSource === 'flag' ? '--db' : 'database.path', message: `${base} is the database of lane ${laneName(e, m)}; lanes never share a file` });
        }
      }
    }
    const p = c.database.path ?? '';
    if (ctx.dbPathSource === 'config' && !(p.includes('{lane}') || (p.includes('{env}') && p.includes('{mode}')))) {
      warnings.push({ path: 'database.path', message: 'an explicit path without {env}/{mode} (or {lane}) is used for every lane this config runs in; prefer database.dir or add the placeholders' });
    }
  }

  // ---- observability ---------------------------------------------------------------------------------------------------
  if (c.observability.webhook_enabled && !secrets.webhookUrl) {
    errors.push({ path: 'observability.webhook_enabled', message: `is true but ${SECRET_ENV.webhookUrl} is not set` });
  }
  if (live && c.trading.require_scope_in_live === false) {
    warnings.push({ path: 'trading.require_scope_in_live', message: 'is false: a live run without a scope may trade any market' });
  }

  return { ok: errors.length === 0, errors, warnings };
}

/** Throws ConfigError with every error; returns the warnings for the startup banner. */
export function assertValidForMode(ctx: RunContext, secrets: Secrets): ConfigIssue[] {
  const v = validateForMode(ctx, secrets);
  if (!v.ok) throw new ConfigError(v.errors, `${ctx.lane}`);
  return v.warnings;
}
