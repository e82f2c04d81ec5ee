/**
 * `preflight`: the go-live checklist, automated (issue 11). Each check is one row `{check, ok, detail}`; a check that
 * cannot run (its prerequisite failed) is a failing row saying so. Nothing here writes to the live lane's DB, the
 * exchange or the workflow: the kill-switch drill runs the live order step against a throw-away drill DB with a
 * fetch that refuses every request, so even a bug in the drill could not send an order.
 *
 * The judgements are pure (src/domain/go-live.ts); this file gathers the facts.
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { ConfigError, formatIssues, loadConfig, resolveRunContext } from '../config';
import { applyKillSwitch, initialControlState } from '../domain/control';
import { judgeBalance, judgeBurnIn, judgeClockSkew, maintenanceWithin, type BurnInCycle } from '../domain/go-live';
import { REASON } from '../domain/reason-codes';
import { executeLiveOrders } from '../execution/live-order';
import { buildTradingDeps } from '../activities/trading-deps';
import { isPidAlive, listLanePollers, parseWorkerIdentity, RECENT_POLL_MS, thisWorker } from '../lane-pollers';
import { silentLogger } from '../observability/logger';
import { sendAlert, webhookTarget } from '../observability/notifier';
import { safeErrorMessage } from '../observability/redact';
import { checkDbForMode, openStore, readDbIdentity } from '../store';
import { checkBalanceAssumption } from '../execution/balance-assumption';
import { subaccountParam } from '../execution/lane-subaccount';
import { KalshiClient, RateLimiter, resolveBaseUrl } from '../venues/kalshi';
import type { LaneCliOptions, PreparedLane } from './lane';
import { laneCredentials, prepareLane } from './lane';
import { runFlagsFromOptions } from './config-commands';
import { connectClient } from './temporal-client';
import { DEFAULT_SIM_BASE_URL } from '../activities/trading-deps';

export interface PreflightRow {
  check: string;
  ok: boolean;
  detail: string;
}

export interface PreflightDeps {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  now?: () => number;
  fetchImpl?: typeof fetch;
}

const notChecked = (check: string, why: string): PreflightRow => ({ check, ok: false, detail: `not checked: ${why}` });

/** Every row of the checklist, in order. Never throws (an unexpected error is a failing row). */
export async function runPreflight(o: LaneCliOptions, deps: PreflightDeps = {}): Promise<PreflightRow[]> {
  const env = deps.env ?? process.env;
  const cwd = deps.cwd ?? process.cwd();
  const now = deps.now ?? Date.now;
  const rows: PreflightRow[] = [];
  const row = (check: string, ok: boolean, detail: string): void => void rows.push({ check, ok, detail });
  const guard = async (check: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      row(check, false, safeErrorMessage(err));
    }
  };

  // 1. The config, valid for live (every per-mode rule), exactly as `worker --live` would resolve it.
  let lane: PreparedLane;
  try {
    lane = prepareLane({ ...o, live: true, dryRun: false }, { env, cwd });
    row('config valid for live', true, `lane ${lane.ctx.lane}, config ${lane.ctx.configHash}${lane.warnings.length ? `; warnings: ${lane.warnings.join('; ')}` : ''}`);
  } catch (err) {
    row('config valid for live', false, err instanceof ConfigError ? formatIssues(err.issues).split('\n').map((l) => l.replace(/^\s*-\s*/, '')).filter(Boolean).join('; ') : safeErrorMessage(err));
    for (const c of ['scope', 'keys and signed read', 'clock skew', 'exchange and trading active', 'balance ≥ bankroll', 'database', 'temporal and worker', 'burn-in', 'kill-switch drill', 'webhook test'])
      rows.push(notChecked(c, 'the config is not valid for live'));
    return rows;
  }
  const ctx = lane.ctx;
  const config = ctx.config;

  // 2. Keys load and a signed read succeeds; the same client then reads the rest.
  const baseUrl = ctx.kalshiBaseUrl ?? (ctx.env === 'sim' ? DEFAULT_SIM_BASE_URL : undefined);
  const credentials = laneCredentials(lane, cwd);
  const client = new KalshiClient({
    env: ctx.env, baseUrl, fetchImpl: deps.fetchImpl, rateLimiter: new RateLimiter({ tier: config.venues.kalshi.rate_limit_tier }),
    maxReadAttempts: 2, ...(credentials ? { credentials } : {}),
  });
  let balance: number | null = null;
  let reachable = false;

  // Scope first: every allowed market, event and series exists and is open.
  await guard('scope', async () => {
    const s = ctx.scope;
    const n = s.marketIds.length + s.eventTickers.length + s.seriesTickers.length;
    if (n === 0) return row('scope', false, 'empty: set trading.allowed_market_ids / allowed_event_tickers / allowed_series_tickers');
    const bad: string[] = [];
    for (const t of s.marketIds) {
      const m = await client.getMarket(t).catch((e: unknown) => e as Error);
      if (m instanceof Error) bad.push(`market ${t}: ${notFound(m)}`);
      else if (m.status !== 'active') bad.push(`market ${t}: ${m.status}, not open`);
    }
    for (const t of s.eventTickers) {
      const ev = await client.getEvent(t).catch((e: unknown) => e as Error);
      if (ev instanceof Error) bad.push(`event ${t}: ${notFound(ev)}`);
      else if (!ev.markets.some((m) => m.status === 'active')) bad.push(`event ${t}: no open market`);
    }
    for (const t of s.seriesTickers) {
      const se = await client.getSeries(t).catch((e: unknown) => e as Error);
      if (se instanceof Error) {
        bad.push(`series ${t}: ${notFound(se)}`);
        continue;
      }
      const open = await client.listMarkets({ seriesTicker: t, status: 'open', limit: 1 }, { maxPages: 1, maxItems: 1 });
      if (open.length === 0) bad.push(`series ${t}: no open market`);
    }
    reachable = true;
    row('scope', bad.length === 0, bad.length ? bad.join('; ') : `${n} allowed (${[s.marketIds.length && `${s.marketIds.length} markets`, s.eventTickers.length && `${s.eventTickers.length} events`, s.seriesTickers.length && `${s.seriesTickers.length} series`].filter(Boolean).join(', ')}), each exists and is open`);
  });

  await guard('keys and signed read', async () => {
    if (!credentials) return row('keys and signed read', false, `no Kalshi key for ${ctx.env}: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE`);
    const b = await client.getBalance(subaccountParam(config)); // the lane's subaccount: the money it trades with
    balance = b.balance;
    reachable = true;
    row('keys and signed read', true, `key ${credentials.keyId.slice(0, 8)}…: signed GET /portfolio/balance answered`);
  });

  await guard('clock skew', async () => {
    if (!reachable) await client.getExchangeStatus();
    const v = judgeClockSkew(client.clockSkewMs(), config.execution.max_clock_skew_seconds);
    row('clock skew', v.ok, v.detail);
  });

  await guard('exchange and trading active', async () => {
    const x = await client.getExchangeStatus();
    const problems: string[] = [];
    if (!x.exchangeActive) problems.push('exchange inactive');
    if (!x.tradingActive) problems.push(`trading inactive${x.estimatedResumeTime ? ` (resumes ${x.estimatedResumeTime})` : ''}`);
    const from = now();
    const to = from + config.trading.cycle_interval_seconds * 1000;
    const sched = await client.getExchangeSchedule();
    const w = maintenanceWithin(sched.maintenanceWindows, from, to);
    if (w) problems.push(`maintenance window ${w.start} – ${w.end} within the next cycle`);
    row('exchange and trading active', problems.length === 0, problems.length ? problems.join('; ') : `active; no maintenance window before ${new Date(to).toISOString()}`);
  });

  await guard('balance ≥ bankroll', async () => {
    if (balance === null) return rows.push(notChecked('balance ≥ bankroll', 'no signed read'));
    const v = judgeBalance(balance, ctx.bankrollMicros);
    row('balance ≥ bankroll', v.ok, v.detail);
  });

  if (ctx.env === 'demo') await guard('balance assumption', async () => rows.push(await balanceAssumptionRow(client, subaccountParam(config))));

  await guard('database', async () => {
    const opts = { path: ctx.dbPath, mode: 'live' as const, env: ctx.env, allowLiveLegacyDb: ctx.allowLiveLegacyDb, cwd };
    const warnings = checkDbForMode(opts);
    const exists = fs.existsSync(ctx.dbPath);
    if (exists) {
      const id = readDbIdentity(ctx.dbPath);
      if (id.mode !== 'live' && !ctx.allowLiveLegacyDb) return row('database', false, `${ctx.dbPath} is not the live lane's file (mode ${id.mode ?? 'none'})`);
    }
    const target = exists ? ctx.dbPath : nodePath.dirname(ctx.dbPath);
    let writable = true;
    try {
      fs.accessSync(fs.existsSync(target) ? target : nodePath.dirname(target), fs.constants.W_OK);
    } catch {
      writable = false;
    }
    row('database', writable, `${ctx.dbPath} ${exists ? 'is the live lane\'s file' : 'does not exist yet (the first live cycle creates it)'}${writable ? ', writable' : ', NOT writable'}${warnings.length ? `; ${warnings.join('; ')}` : ''}`);
  });

  await guard('temporal and worker', async () => {
    const { client: tc, close } = await connectClient(lane.temporal);
    try {
      const pollers = await listLanePollers(tc.connection, lane.temporal.namespace, ctx.lane);
      const self = thisWorker();
      const nowMs = now();
      const live = [...new Set(pollers.filter((p) => p.taskQueueType === 'activity' || p.taskQueueType === 'workflow').filter((p) => {
        const id = parseWorkerIdentity(p.identity);
        return id && id.hostname === self.hostname ? isPidAlive(id.pid) : p.lastAccessMs === null || nowMs - p.lastAccessMs < RECENT_POLL_MS;
      }).map((p) => p.identity))];
      row('temporal and worker', live.length > 0, live.length
        ? `Temporal at ${lane.temporal.address} reachable; worker ${live.join(', ')} polls ${ctx.lane}`
        : `Temporal at ${lane.temporal.address} reachable, but no worker polls task queue ${ctx.lane}: run \`kalshi-autopilot worker --env ${ctx.env} --live\``);
    } finally {
      await close();
    }
  });

  await guard('burn-in', async () => {
    const dry = resolveRunContext(loadConfig({ configPath: o.config, env, cwd }), { ...runFlagsFromOptions({ ...o, live: false, dryRun: true, db: undefined }) });
    const cycles = readBurnIn(dry.dbPath, dry.lane);
    if (typeof cycles === 'string') {
      if (config.go_live.min_burn_in_hours <= 0) return row('burn-in', true, 'not required (go_live.min_burn_in_hours is 0)');
      return row('burn-in', false, cycles);
    }
    const v = judgeBurnIn(cycles, dry.configHash, config.go_live.min_burn_in_hours);
    row('burn-in', v.ok, `${v.detail} (lane ${dry.lane})`);
  });

  await guard('kill-switch drill', async () => rows.push(await killSwitchDrill(lane, now())));

  await guard('webhook test', async () => {
    const target = webhookTarget(config, lane.secrets);
    if (!target.url) return row('webhook test', false, 'alerts are off: set observability.webhook_enabled and KALSHI_AUTOPILOT_WEBHOOK_URL (an unattended week needs them)');
    await sendAlert(target, { event: 'test', state: 'info', severity: 'info', lane: ctx.lane, title: 'preflight test message', text: 'if you read this, alerts reach you', atMs: now() }, deps.fetchImpl);
    row('webhook test', true, `test message accepted by ${new URL(target.url).host} (${target.format})`);
  });
  return rows;
}

function notFound(e: Error): string {
  const status = (e as { status?: unknown }).status;
  return status === 404 ? 'does not exist' : safeErrorMessage(e);
}

/** The dry-run lane's cycles with their config hashes, or why they cannot be read. Read-only. */
function readBurnIn(dbPath: string, lane: string): BurnInCycle[] | string {
  if (!fs.existsSync(dbPath)) return `no burn-in: no dry-run lane DB at ${dbPath}; run \`start --dry-run\` (and a worker) with the live config`;
  const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
  try {
    const cols = (db.prepare("SELECT name FROM pragma_table_info('cycles')").all() as { name: string }[]).map((c) => c.name);
    if (!cols.includes('config_hash')) return `the dry-run lane DB ${dbPath} predates recording config hashes: run the burn-in with this release`;
    return (db.prepare('SELECT started_at_ms, finished_at_ms, outcome, config_hash FROM cycles WHERE lane = ? ORDER BY started_at_ms').all(lane) as Record<string, unknown>[]).map((r) => ({
      startedAtMs: r.started_at_ms as number, finishedAtMs: (r.finished_at_ms as number | null) ?? null, outcome: r.outcome as string, configHash: (r.config_hash as string | null) ?? null,
    }));
  } finally {
    db.close();
  }
}

/**
 * The kill-switch drill: a throw-away live DB (never the operator's) with the drill flag engaged, the live order step
 * run to the network boundary with a fetch that refuses and counts every request; it must refuse with
 * kill_switch_guard and send nothing. The drill DB is deleted after; the operator's switch is never touched.
 */
async function killSwitchDrill(lane: PreparedLane, nowMs: number): Promise<PreflightRow> {
  const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'kap-drill-'));
  const sent: string[] = [];
  const refusingFetch = (async (url: string | URL | Request) => {
    sent.push(String(url));
    throw new Error('preflight drill: no request may leave');
  }) as typeof fetch;
  const store = openStore({ path: nodePath.join(dir, `${lane.ctx.lane}.sqlite`), mode: 'live', env: lane.ctx.env });
  try {
    store.control.write(applyKillSwitch(initialControlState(), { engaged: true, reason: 'preflight drill' }, 'cli', nowMs), nowMs, 'preflight', 'drill');
    const drillCtx = { ...lane.ctx, kalshiBaseUrl: lane.ctx.kalshiBaseUrl ?? resolveBaseUrl(lane.ctx.env) };
    const t = buildTradingDeps(drillCtx, { logger: silentLogger(), fetchImpl: refusingFetch, credentials: null, reconciledCycle: null, crashAt: null, venueNowMs: async () => nowMs, simBaseUrl: DEFAULT_SIM_BASE_URL });
    const ticker = lane.ctx.scope.marketIds[0] ?? 'PREFLIGHT-DRILL';
    const out = await executeLiveOrders(t, store, silentLogger(), {
      cycle: 1, firstRunId: 'preflight-drill', nowMs, scanId: 0,
      orders: [{ clientOrderId: 'preflight-drill-1', intent: { ticker, eventTicker: 'PREFLIGHT', side: 'yes', action: 'buy', priceMicros: 10_000, countCentis: 100, fairPpm: 500_000, edgeMicros: 0, confidencePpm: 1_000_000, reduceOnly: false, feeMicros: 0 } }],
    });
    const code = out.refused[0]?.code ?? null;
    const ok = code === REASON.kill_switch_guard && out.placed === 0 && sent.length === 0 && store.journal.unresolved().length === 0;
    return {
      check: 'kill-switch drill',
      ok,
      detail: ok
        ? 'drill flag engaged on a scratch DB: the live order step refused (kill_switch_guard) and sent nothing; drill DB removed, your kill switch untouched'
        : `the live order step did NOT refuse as it must: code ${code ?? 'none'}, placed ${out.placed}, ${sent.length} request(s) attempted`,
    };
  } finally {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Issue 9's check of whether Kalshi's balance excludes resting collateral (src/execution/balance-assumption.ts): one
 * post-only $0.01 probe far from the market, the balance read before and after, the probe cancelled. Demo only (it
 * places, then cancels, a real order on the demo exchange); passes when the account behaves as the bot assumes and
 * the probe was cancelled.
 */
export async function balanceAssumptionRow(client: KalshiClient, subaccount: { subaccount?: number } = {}): Promise<PreflightRow> {
  const r = await checkBalanceAssumption(client, subaccount);
  const ok = r.agrees && r.cancelled;
  const what = `assumed ${r.assumption}, observed ${r.observed} on ${r.ticker}`;
  return { check: 'balance assumption', ok, detail: `${what}${r.cancelled ? '' : '; the probe order may still rest: cancel it'}${ok ? '' : ` — ${r.detail}`}` };
}
