/**
 * `kalshi-autopilot config …`: show, verify, set, and the dedicated allow-list setters.
 *
 *   config show   [--config P] [--json] [--dry-run|--live] [--env E]       effective config; secrets only as set/unset
 *   config verify [--mode live|dry-run] [--env E] [--config P] [--json] [run flags]   exit 0, or 2 listing every issue
 *   config set KEY=VALUE [KEY=VALUE…] [--config P]                         validated before writing, atomic
 *   config [--config P] --set-allowed-market-ids CSV | --set-allowed-event-tickers CSV | --set-allowed-series-tickers CSV
 *
 * Also exported for the lane commands (src/cli/lane.ts): `addRunFlagOptions(cmd)` and `runFlagsFromOptions(opts)`.
 * Nothing here reads stdin or prompts.
 */
import { Command, Option } from 'commander';
import {
  ConfigError,
  ConfigIssue,
  Env,
  KALSHI_ENVS,
  KalshiEnv,
  loadConfig,
  LoadedConfig,
  parseConfigValue,
  parseCsvList,
  resolveRunContext,
  RunContext,
  RunFlags,
  secretStatus,
  setConfigValues,
  validateForMode,
  resolveConfigPath,
} from '../config';
import { safeErrorMessage, scrub } from '../observability/redact';

export interface ConfigCliIo {
  out(text: string): void;
  err(text: string): void;
  exit(code: number): void;
  env: Env;
  cwd: string;
}

function defaultIo(): ConfigCliIo {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    exit: (code) => {
      process.exitCode = code;
    },
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Options every command that resolves a run context accepts (the lane commands, config verify, config show). */
export function addRunFlagOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--dry-run', 'run mode dry-run (overrides trading.dry_run)'))
    .addOption(new Option('--live', 'run mode live (overrides trading.dry_run)'))
    .addOption(new Option('--env <env>', 'Kalshi environment (overrides venues.kalshi.env)').choices([...KALSHI_ENVS]))
    .option('--db <path>', 'explicit database file (overrides database.path and the derived path)')
    .option('--allow-live-legacy-db', 'allow a live lane on a legacy database file name')
    .option('--series-tickers <csv>', 'scope: series tickers (replaces trading.allowed_series_tickers)')
    .option('--event-tickers <csv>', 'scope: event tickers (replaces trading.allowed_event_tickers)')
    .option('--market-ids <csv>', 'scope: market tickers (replaces trading.allowed_market_ids)')
    .option('--kalshi-base-url <url>', 'Kalshi REST root (overrides venues.kalshi.base_url)');
}

export interface RunFlagOptions {
  dryRun?: boolean;
  live?: boolean;
  env?: string;
  db?: string;
  allowLiveLegacyDb?: boolean;
  seriesTickers?: string;
  eventTickers?: string;
  marketIds?: string;
  kalshiBaseUrl?: string;
  mode?: string;
}

/** Commander options → RunFlags (CSV lists parsed with parseCsvList, so errors name the flag). */
export function runFlagsFromOptions(o: RunFlagOptions): RunFlags {
  const flags: RunFlags = {};
  if (o.mode !== undefined) {
    if (o.mode === 'live') flags.live = true;
    else if (o.mode === 'dry-run') flags.dryRun = true;
    else throw new ConfigError([{ path: '--mode', message: `must be live or dry-run (got ${JSON.stringify(o.mode)})` }]);
  }
  if (o.dryRun) flags.dryRun = true;
  if (o.live) flags.live = true;
  if (o.env !== undefined) flags.env = o.env as KalshiEnv;
  if (o.db !== undefined) flags.dbPath = o.db;
  if (o.allowLiveLegacyDb) flags.allowLiveLegacyDb = true;
  if (o.seriesTickers !== undefined) flags.seriesTickers = parseCsvList('--series-tickers', o.seriesTickers);
  if (o.eventTickers !== undefined) flags.eventTickers = parseCsvList('--event-tickers', o.eventTickers);
  if (o.marketIds !== undefined) flags.marketIds = parseCsvList('--market-ids', o.marketIds);
  if (o.kalshiBaseUrl !== undefined) flags.kalshiBaseUrl = o.kalshiBaseUrl;
  return flags;
}

function reportError(io: ConfigCliIo, e: unknown): void {
  if (e instanceof ConfigError) {
    for (const i of e.issues) io.err(scrub(`error: ${i.path}: ${i.message}\n`));
  } else {
    io.err(`error: ${safeErrorMessage(e)}\n`);
  }
  // The CLI's convention: 2 for invalid config, flags or arguments; 1 for anything else.
  io.exit(e instanceof ConfigError ? 2 : 1);
}

function flatten(value: unknown, prefix: string, out: [string, string][]): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else {
    out.push([prefix, JSON.stringify(value)]);
  }
}

function runSummary(ctx: RunContext) {
  return {
    mode: ctx.mode,
    env: ctx.env,
    lane: ctx.lane,
    db_path: ctx.dbPath,
    db_path_source: ctx.dbPathSource,
    heartbeat_path: ctx.heartbeatPath,
    config_hash: ctx.configHash,
    overrides: ctx.overrides,
  };
}

function load(io: ConfigCliIo, configPath: string | undefined): LoadedConfig {
  return loadConfig({ configPath, env: io.env, cwd: io.cwd });
}

export function configShow(io: ConfigCliIo, opts: RunFlagOptions & { config?: string; json?: boolean }): void {
  try {
    const loaded = load(io, opts.config);
    const ctx = resolveRunContext(loaded, runFlagsFromOptions(opts));
    const secrets = secretStatus(loaded.secrets);
    if (opts.json) {
      const doc = { config_file: loaded.path, config_file_exists: loaded.exists, run: runSummary(ctx), config: ctx.config, secrets };
      io.out(scrub(`${JSON.stringify(doc, null, 2)}\n`));
      return;
    }
    const lines: string[] = [];
    lines.push(`config file   ${loaded.path}${loaded.exists ? '' : ' (not found: defaults)'}`);
    lines.push(`mode          ${ctx.mode}`);
    lines.push(`env           ${ctx.env}`);
    lines.push(`lane          ${ctx.lane}`);
    lines.push(`database      ${ctx.dbPath} (${ctx.dbPathSource})`);
    lines.push(`heartbeat     ${ctx.heartbeatPath}`);
    lines.push(`config hash   ${ctx.configHash}`);
    if (ctx.overrides.length) lines.push(`overrides     ${ctx.overrides.join(' ')}`);
    lines.push('');
    const rows: [string, string][] = [];
    flatten(ctx.config, '', rows);
    const w = Math.max(...rows.map(([k]) => k.length));
    for (const [k, v] of rows) lines.push(`${k.padEnd(w)}  ${v}`);
    lines.push('');
    lines.push('secrets (environment; shown only as set/unset)');
    const sw = Math.max(...Object.keys(secrets).map((k) => k.length));
    for (const [k, v] of Object.entries(secrets)) lines.push(`  ${k.padEnd(sw)}  ${v}`);
    io.out(scrub(`${lines.join('\n')}\n`));
  } catch (e) {
    reportError(io, e);
  }
}

export function configVerify(io: ConfigCliIo, opts: RunFlagOptions & { config?: string; json?: boolean }): void {
  let ctx: RunContext;
  let loaded: LoadedConfig;
  try {
    loaded = load(io, opts.config);
    ctx = resolveRunContext(loaded, runFlagsFromOptions(opts));
  } catch (e) {
    if (opts.json && e instanceof ConfigError) {
      io.out(`${JSON.stringify({ ok: false, errors: e.issues, warnings: [] }, null, 2)}\n`);
      io.exit(2);
      return;
    }
    reportError(io, e);
    return;
  }
  const v = validateForMode(ctx, loaded.secrets);
  if (opts.json) {
    io.out(scrub(`${JSON.stringify({ ok: v.ok, run: runSummary(ctx), errors: v.errors, warnings: v.warnings }, null, 2)}\n`));
  } else {
    const fmt = (kind: string, i: ConfigIssue) => `${kind}: ${i.path}: ${i.message}\n`;
    for (const wi of v.warnings) io.err(scrub(fmt('warning', wi)));
    if (v.ok) io.out(`OK: ${ctx.lane} (config ${ctx.configHash}, database ${ctx.dbPath})\n`);
    else {
      io.err(`config verify failed for ${ctx.lane}: ${v.errors.length} error(s)\n`);
      for (const ei of v.errors) io.err(scrub(fmt('error', ei)));
    }
  }
  io.exit(v.ok ? 0 : 2);
}

/** Parse `KEY=VALUE` arguments; the value is JSON when it parses, else a string. */
export function parseAssignments(args: string[]): [string, unknown][] {
  const issues: ConfigIssue[] = [];
  const out: [string, unknown][] = [];
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) {
      issues.push({ path: a || '(empty)', message: 'expected KEY=VALUE (e.g. risk.max_positions=5)' });
      continue;
    }
    out.push([a.slice(0, eq).trim(), parseConfigValue(a.slice(eq + 1))]);
  }
  if (issues.length) throw new ConfigError(issues);
  return out;
}

function writeAndReport(io: ConfigCliIo, configPath: string | undefined, entries: [string, unknown][], json?: boolean): void {
  const path = resolveConfigPath(configPath, io.cwd);
  const res = setConfigValues(path, entries);
  if (json) {
    io.out(`${JSON.stringify({ ok: true, path, created: !res.existed, set: Object.fromEntries(entries) }, null, 2)}\n`);
    return;
  }
  if (!res.existed) io.out(`created ${path} from the defaults\n`);
  for (const [k, v] of entries) io.out(`set ${k} = ${JSON.stringify(v)} in ${path}\n`);
}

export function configSet(io: ConfigCliIo, assignments: string[], opts: { config?: string; json?: boolean }): void {
  try {
    writeAndReport(io, opts.config, parseAssignments(assignments), opts.json);
  } catch (e) {
    reportError(io, e);
  }
}

const LIST_SETTERS = [
  ['setAllowedMarketIds', '--set-allowed-market-ids', 'trading.allowed_market_ids'],
  ['setAllowedEventTickers', '--set-allowed-event-tickers', 'trading.allowed_event_tickers'],
  ['setAllowedSeriesTickers', '--set-allowed-series-tickers', 'trading.allowed_series_tickers'],
] as const;

export function configListSetters(io: ConfigCliIo, opts: Record<string, unknown> & { config?: string; json?: boolean }, help: () => void): void {
  try {
    const entries: [string, unknown][] = [];
    for (const [optKey, flag, key] of LIST_SETTERS) {
      const v = opts[optKey];
      if (typeof v === 'string') entries.push([key, parseCsvList(flag, v)]);
    }
    if (entries.length === 0) {
      help();
      return;
    }
    writeAndReport(io, opts.config, entries, opts.json);
  } catch (e) {
    reportError(io, e);
  }
}

export function registerConfigCommands(program: Command, io: ConfigCliIo = defaultIo()): Command {
  const config = program
    .command('config')
    .description('show, verify and edit kalshi-autopilot.config.json')
    .option('--config <path>', 'config file (default ./kalshi-autopilot.config.json)')
    .option('--json', 'JSON output')
    .option('--set-allowed-market-ids <csv>', 'write trading.allowed_market_ids')
    .option('--set-allowed-event-tickers <csv>', 'write trading.allowed_event_tickers')
    .option('--set-allowed-series-tickers <csv>', 'write trading.allowed_series_tickers')
    .action((opts) => configListSetters(io, opts, () => io.out(config.helpInformation())));

  // Subcommands accept --config/--json themselves as well as on `config`.
  const merged = (cmd: Command) => ({ ...config.opts(), ...cmd.opts() });

  const show = addRunFlagOptions(
    config.command('show').description('print the effective config (secrets only as set/unset)')
      .option('--config <path>', 'config file').option('--json', 'JSON output'),
  ).action((_o, cmd: Command) => configShow(io, merged(cmd)));
  void show;

  addRunFlagOptions(
    config.command('verify').description('validate the config for a run mode; exit 2 listing every issue')
      .addOption(new Option('--mode <mode>', 'run mode to validate').choices(['live', 'dry-run']))
      .option('--config <path>', 'config file').option('--json', 'JSON output'),
  ).action((_o, cmd: Command) => configVerify(io, merged(cmd)));

  config.command('set').description('set KEY=VALUE (JSON values when they parse, else strings); validated, atomic')
    .argument('<assignments...>', 'KEY=VALUE pairs, e.g. risk.max_positions=5 trading.allowed_series_tickers=["KXNBAGAME"]')
    .option('--config <path>', 'config file').option('--json', 'JSON output')
    .action((assignments: string[], _o, cmd: Command) => configSet(io, assignments, merged(cmd)));

  return config;
}
