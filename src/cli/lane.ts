/**
 * Shared by every command that acts on a lane: the lane flags, and `prepareLane`, which loads the config, resolves
 * the ONE immutable run context and validates it for its mode, before anything is built or any network call is made.
 */
import { Command } from 'commander';
import { addRunFlagOptions, runFlagsFromOptions } from './config-commands';
import nodePath from 'node:path';
import {
  assertValidForMode,
  ConfigError,
  defaultDbPath,
  expandPathTemplate,
  KALSHI_ENVS,
  laneName,
  killSwitchFromEnv,
  killSwitchFromFile,
  loadConfig,
  readRawConfigFile,
  resolveConfigPath,
  resolveRunContext,
  RunContext,
  Secrets,
} from '../config';
import type { ExternalControl } from '../domain/control';
import { formatDollars } from '../domain/fixed';
import { displayPath, scrub } from '../observability/redact';
import type { LaneIdentity, StartupBanner, TradingCycleInput } from '../workflows/definitions';
import type { NativeConnection } from '@temporalio/worker';
import type { Logger } from 'pino';
import type { LaneWorkerOptions } from '../worker';
import { buildTradingDeps } from '../activities/trading-deps';
import { cycleReport } from './cycle-report';
import { webhookTarget } from '../observability/notifier';
import type { KalshiCredentials } from '../venues/kalshi';
import { readSimKey, simKeyDir } from './sim-key';
import { addTemporalTlsOptions, temporalAuthFrom, type TemporalTlsCliOptions } from './temporal-tls';
import type { TemporalTarget } from './temporal-client';

export interface LaneCliOptions extends TemporalTlsCliOptions {
  config?: string;
  env?: string;
  dryRun?: boolean;
  live?: boolean;
  db?: string;
  allowLiveLegacyDb?: boolean;
  kalshiBaseUrl?: string;
  seriesTickers?: string;
  eventTickers?: string;
  marketIds?: string;
  nonInteractive?: boolean;
  temporalAddress?: string;
  namespace?: string;
}

/** The lane flags: the run flags shared with `config show/verify` plus the Temporal target and --config. */
export function addLaneOptions(cmd: Command): Command {
  const c = addRunFlagOptions(cmd)
    .option('--config <path>', 'config file (default ./kalshi-autopilot.config.json)')
    .option('--non-interactive', 'never prompt (the default for every command but init)')
    .option('--temporal-address <host:port>', 'Temporal frontend (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
    .option('--namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")');
  return addTemporalTlsOptions(c);
}

export interface PreparedLane {
  ctx: RunContext;
  secrets: Secrets;
  warnings: string[];
  identity: LaneIdentity;
  banner: StartupBanner;
  temporal: TemporalTarget;
}

export function temporalTarget(o: Pick<LaneCliOptions, 'temporalAddress' | 'namespace'> & TemporalTlsCliOptions, env = process.env): TemporalTarget {
  return {
    address: o.temporalAddress ?? env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    namespace: o.namespace ?? env.TEMPORAL_NAMESPACE ?? 'default',
    // TLS / API key for a Temporal cluster or Cloud (src/cli/temporal-tls.ts); none for the local dev server.
    ...temporalAuthFrom(o, env),
  };
}

/** Resolve and validate the lane. `validate: false` is for read-only commands (status) that must work on any config. */
export function prepareLane(o: LaneCliOptions, opts: { validate?: boolean; env?: NodeJS.ProcessEnv; cwd?: string } = {}): PreparedLane {
  const env = opts.env ?? process.env;
  const loaded = loadConfig({ configPath: o.config, env, cwd: opts.cwd });
  const ctx = resolveRunContext(loaded, runFlagsFromOptions(o));
  const warnings = opts.validate === false ? [] : assertValidForMode(ctx, loaded.secrets).map((w) => `${w.path}: ${w.message}`);
  return {
    ctx,
    secrets: loaded.secrets,
    warnings,
    identity: { lane: ctx.lane, mode: ctx.mode, env: ctx.env, configHash: ctx.configHash },
    banner: {
      dbPath: ctx.dbPath,
      scope: scopeSummary(ctx),
      bankroll: `$${formatDollars(ctx.bankrollMicros, 2)}`,
      startedBy: `kalshi-autopilot pid ${process.pid}`,
    },
    temporal: temporalTarget(o, env),
  };
}

/** What the operator commands (status, kill-switch, pause, resume, clear-halt, backup) need to act on a lane. */
export interface LaneTarget {
  lane: string;
  mode: RunContext['mode'];
  env: RunContext['env'];
  dbPath: string;
  /** Where dbPath came from, in words (for messages). */
  dbFrom: string;
  allowLiveLegacyDb: boolean;
  temporal: TemporalTarget;
  /** Set when the config could not be used and the lane was taken from the flags alone. */
  note: string | null;
}

/**
 * The lane to act on. The emergency commands must work even when the config file is broken: then the lane is taken
 * from `--env` and `--dry-run|--live` alone, and the DB path from `--db`, else (best effort) the `database.path` /
 * `database.dir` the raw config file holds, else the default — with a note saying so.
 */
export function laneTarget(o: LaneCliOptions, opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): LaneTarget {
  const env = opts.env ?? process.env;
  const cwd = nodePath.resolve(opts.cwd ?? process.cwd());
  try {
    const p = prepareLane(o, { validate: false, env, cwd });
    const c = p.ctx;
    const dbFrom = c.dbPathSource === 'flag' ? '--db'
      : !c.configFileExists ? `the default path (no config file at ${displayPath(c.configPath)})`
      : `${displayPath(c.configPath)} (database.${c.dbPathSource === 'config' ? 'path' : 'dir'})`;
    return { lane: c.lane, mode: c.mode, env: c.env, dbPath: c.dbPath, dbFrom, allowLiveLegacyDb: c.allowLiveLegacyDb, temporal: p.temporal, note: null };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const mode = o.live ? 'live' : o.dryRun ? 'dry-run' : null;
    if (!o.env || !(KALSHI_ENVS as readonly string[]).includes(o.env) || !mode || (o.live && o.dryRun)) {
      throw new ConfigError(
        [...err.issues, { path: '--env/--dry-run/--live', message: 'the config is unusable: name the lane with --env and --dry-run or --live to act on it anyway' }],
        err.message,
      );
    }
    const kEnv = o.env as RunContext['env'];
    const db = fallbackDbPath(o, kEnv, mode, cwd);
    return {
      lane: laneName(kEnv, mode),
      mode,
      env: kEnv,
      dbPath: db.path,
      dbFrom: db.from,
      allowLiveLegacyDb: o.allowLiveLegacyDb === true,
      temporal: temporalTarget(o, env),
      note: `config unusable (${err.issues.map((i) => i.path).join(', ')}); acting on lane ${laneName(kEnv, mode)} from the flags, db from ${db.from}`,
    };
  }
}

/** The DB path of a lane whose config is unusable: --db, else what the raw file says (best effort), else the default. */
function fallbackDbPath(o: LaneCliOptions, env: RunContext['env'], mode: RunContext['mode'], cwd: string): { path: string; from: string } {
  const at = (p: string) => nodePath.resolve(cwd, expandPathTemplate(p, env, mode));
  if (typeof o.db === 'string' && o.db.trim() !== '') return { path: at(o.db.trim()), from: '--db' };
  let database: Record<string, unknown> = {};
  try {
    const raw = readRawConfigFile(resolveConfigPath(o.config, cwd));
    const d = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).database : undefined;
    if (d && typeof d === 'object' && !Array.isArray(d)) database = d as Record<string, unknown>;
  } catch {
    // Unreadable or not JSON: nothing to honour.
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const path = text(database.path);
  if (path) return { path: at(path), from: "the config file's database.path" };
  const dir = text(database.dir);
  if (dir) return { path: nodePath.resolve(cwd, defaultDbPath(env, mode, dir)), from: "the config file's database.dir" };
  return { path: nodePath.resolve(cwd, defaultDbPath(env, mode)), from: 'the default path' };
}

export function scopeSummary(ctx: RunContext): string {
  const parts: string[] = [];
  if (ctx.scope.seriesTickers.length) parts.push(`series=${ctx.scope.seriesTickers.join(',')}`);
  if (ctx.scope.eventTickers.length) parts.push(`events=${ctx.scope.eventTickers.join(',')}`);
  if (ctx.scope.marketIds.length) parts.push(`markets=${ctx.scope.marketIds.join(',')}`);
  return parts.length ? parts.join(' ') : 'unrestricted (dry-run only)';
}

/** The worker's level kill-switch sources, read fresh at every call. */
export function killSourceReader(ctx: RunContext, env: NodeJS.ProcessEnv = process.env) {
  return (): Pick<ExternalControl, 'envKill' | 'fileKill'> => {
    const e = killSwitchFromEnv(env, ctx.killSwitch.envVar);
    const f = killSwitchFromFile(ctx.killSwitch.file);
    return {
      envKill: e.engaged ? { reason: e.reason ?? ctx.killSwitch.envVar } : null,
      fileKill: f.engaged ? { reason: f.reason ?? 'kill switch file present' } : null,
    };
  };
}

/** The startup banner, every line scrubbed (a warning may quote a value the operator set; a secret never leaves). */
export function bannerLines(p: PreparedLane): string[] {
  return [
    `kalshi-autopilot  mode=${p.ctx.mode}  env=${p.ctx.env}  lane=${p.ctx.lane}`,
    `  db=${displayPath(p.ctx.dbPath)}`,
    `  scope=${p.banner.scope}  bankroll=${p.banner.bankroll}  config=${p.ctx.configHash}`,
    ...(p.ctx.overrides.length ? [`  overrides: ${p.ctx.overrides.join(' ')}`] : []),
    ...p.warnings.map((w) => `  warning: ${w}`),
  ].map(scrub);
}

/** The worker of a prepared lane, exactly as `worker` and `up` build it. */
export function laneWorkerOptions(
  p: PreparedLane,
  logger: Logger,
  connection: NativeConnection,
  venue: { simBaseUrl?: string | null } = {},
): LaneWorkerOptions {
  return {
    trading: buildTradingDeps(p.ctx, {
      logger,
      simBaseUrl: venue.simBaseUrl ?? null,
      credentials: p.ctx.mode === 'live' ? laneCredentials(p) : null,
      llmKeys: { anthropicApiKey: p.secrets.anthropicApiKey, openaiApiKey: p.secrets.openaiApiKey },
    }),
    alerts: webhookTarget(p.ctx.config, p.secrets),
    onCycleFinished: process.stderr.isTTY ? (c) => process.stderr.write(`${cycleReport(c)}\n`) : undefined,
    identity: p.identity,
    banner: p.banner,
    dbPath: p.ctx.dbPath,
    allowLiveLegacyDb: p.ctx.allowLiveLegacyDb,
    heartbeatPath: p.ctx.heartbeatPath,
    readKillSources: killSourceReader(p.ctx),
    logger,
    connection,
    namespace: p.temporal.namespace,
  };
}

/**
 * The Kalshi credentials of a lane's worker: the operator's key id + private key from the secrets (env or the config
 * file's key file), as the read commands take them; on env sim without them, the local simulator key
 * (`<database.dir>/sim-key`, made by `up`/`sim`) when it exists; otherwise none (market data only — a live lane's
 * creates then fail with 401, recorded as rejected). Never the sim key on demo or prod. The worker passes them to live
 * lanes only: a dry-run lane reads public market data and never needs (or fails on) a key.
 */
export function laneCredentials(p: Pick<PreparedLane, 'ctx' | 'secrets'>, cwd = process.cwd()): KalshiCredentials | null {
  const s = p.secrets;
  if (s.kalshiApiKeyId && s.kalshiPrivateKeyPem) return { keyId: s.kalshiApiKeyId, privateKeyPem: s.kalshiPrivateKeyPem };
  if (s.kalshiApiKeyId && s.kalshiPrivateKeyFile) return { keyId: s.kalshiApiKeyId, privateKeyFile: s.kalshiPrivateKeyFile };
  if (p.ctx.env !== 'sim') return null;
  const key = readSimKey(simKeyDir(p.ctx.config.database.dir, cwd));
  return key ? { keyId: key.keyId, privateKeyFile: key.privateKeyFile } : null;
}

/** The workflow input of a prepared lane (what `start` and `up` send). */
export function cycleInputFor(p: PreparedLane, extra: Pick<TradingCycleInput, 'maxCycles'> = {}): TradingCycleInput {
  return { lane: p.identity, cycleIntervalSeconds: p.ctx.config.trading.cycle_interval_seconds, banner: p.banner, ...extra };
}

