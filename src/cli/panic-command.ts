/**
 * `kalshi-autopilot panic --env E [--all --yes] [--json] [--wait-seconds N]`: take the live lane's orders off the
 * exchange NOW, without Temporal and without the worker (issue 9; README "panic").
 *
 *   1. Engage the kill switch in the live lane's EXISTING DB (cancelResting: true), as `kill-switch on` does; a missing
 *      or locked DB does not stop the panic (it says so). The workflow is also signalled, best effort, in parallel.
 *   2. Sweep: list the account's resting orders over REST (the lane's subaccount, every page) and cancel the lane's —
 *      client_order_id prefix `ka1<first run id hex>-` for every first run id the journal holds (without a readable
 *      journal: any id of the bot's shape `ka1<32 hex>-<cycle>-<index>`); with `--all --yes` every resting order of
 *      the account. Outcomes as in src/execution/live-cancel.ts (canceled / gone / cancel_retry / failed).
 *   3. Wait until the exchange's user-data timestamp (GET /exchange/user_data_timestamp: how fresh the order reads are)
 *      has passed the last cancel's exchange time, then sweep again; up to MAX_SWEEPS.
 *   4. Exit 0 only when a sweep after that wait lists nothing of the lane resting (with --all: nothing at all); else 1.
 * `--all` cancels orders that are not the bot's (manual trades on the account): it needs `--yes` too, on a terminal or
 * not (nothing but `init` ever prompts), so it can never be typed by accident.
 */
import { Command, Option } from 'commander';
import { KALSHI_ENVS } from '../config';
import { applyKillSwitch, KillSwitchCommand } from '../domain/control';
import { cancelResting, CancelOutcome } from '../execution/live-cancel';
import { silentLogger } from '../observability/logger';
import { displayPath, safeErrorMessage } from '../observability/redact';
import type { Store } from '../store';
import { KalshiClient, RateLimiter } from '../venues/kalshi';
import { killSwitchSignal } from '../workflows/definitions';
import { laneTarget, LaneTarget, prepareLane } from './lane';
import { openExistingLaneStore } from './lane-db';
import { renderTable, resolveReadTarget } from './read-commands';
import { signalLane } from './temporal-client';
import { UsageError } from './usage-error';
import { laneSubaccount } from '../execution/lane-subaccount';

export const MAX_SWEEPS = 3;

export interface PanicOptions {
  env?: string;
  config?: string;
  db?: string;
  allowLiveLegacyDb?: boolean;
  kalshiBaseUrl?: string;
  temporalAddress?: string;
  namespace?: string;
  all?: boolean;
  yes?: boolean;
  json?: boolean;
  waitSeconds?: number;
}

export interface PanicDeps {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  out?: (s: string) => void;
  err?: (s: string) => void;
  /** Wall time (the fallback for an exchange time a cancel ack did not give). */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Best-effort workflow signal (default: the lane's Temporal). */
  signal?: (lane: LaneTarget, cmd: KillSwitchCommand) => Promise<void>;
}

export interface PanicReport {
  lane: string;
  db: { ok: boolean; detail: string };
  signal: { ok: boolean; detail: string };
  all: boolean;
  sweeps: Array<Pick<CancelOutcome, 'requested' | 'canceled' | 'gone' | 'retry' | 'failed' | 'restingListed' | 'foreignLeft' | 'listingError' | 'unresolved'> & { waitedForUserData: string | null }>;
  results: Array<{ sweep: number; orderId: string; clientOrderId: string | null; ticker: string; result: string; detail: string }>;
  /** Resting orders of the lane (every order with --all) the final sweep still listed; null when it could not list. */
  leftResting: number | null;
  ok: boolean;
  /** Why the sweeps could not run or finish (no credentials, the exchange unreachable…); the kill switch above stands. */
  error: string | null;
}

export async function runPanic(o: PanicOptions, deps: PanicDeps = {}): Promise<PanicReport> {
  const procEnv = deps.env ?? process.env;
  const cwd = deps.cwd ?? process.cwd();
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = deps.now ?? Date.now;
  if (!o.env) throw new UsageError('panic needs --env sim|demo|prod (the live lane of that environment)');
  if (o.all && !o.yes) throw new UsageError('--all cancels EVERY resting order of the account, not only the bot\'s: add --yes to confirm (nothing ever prompts)');
  const waitMs = Math.round((o.waitSeconds ?? 30) * 1000);
  const lane = laneTarget({ ...o, live: true, dryRun: false }, { env: procEnv, cwd });
  const cmd: KillSwitchCommand = { engaged: true, reason: `panic from the CLI${o.all ? ' (--all)' : ''}`, cancelResting: true, source: 'cli' };

  // 1. The kill switch: the DB first (works with Temporal and the worker down), the signal in parallel.
  let store: Store | null = null;
  let db: PanicReport['db'];
  try {
    store = openExistingLaneStore(lane);
    const at = now();
    store.control.write(applyKillSwitch(store.control.readOrInitial(), cmd, 'cli', at), at, 'cli', 'kill_switch');
    db = { ok: true, detail: `kill switch engaged (cancelResting) in ${displayPath(lane.dbPath)}` };
  } catch (err) {
    store?.close();
    store = null;
    db = { ok: false, detail: `kill switch NOT written to the DB (${safeErrorMessage(err)}); cancelling anyway, orders matched by the bot's id shape` };
  }
  const signalling = (deps.signal ?? ((l, c) => signalLane(l.temporal, l.lane, killSwitchSignal, c)))(lane, cmd).then(
    () => ({ ok: true, detail: `signalled ${lane.lane}` }),
    (err: unknown) => ({ ok: false, detail: `not signalled (${safeErrorMessage(err)})` }),
  );

  const report: PanicReport = { lane: lane.lane, db, signal: { ok: false, detail: '' }, all: o.all === true, sweeps: [], results: [], leftResting: null, ok: false, error: null };
  try {
    const target = resolveReadTarget({ env: lane.env, kalshiBaseUrl: o.kalshiBaseUrl, config: o.config }, true, 'panic', procEnv, cwd);
    const venue = new KalshiClient({ env: target.env, baseUrl: target.baseUrl, credentials: target.credentials, rateLimiter: new RateLimiter({ tier: 'basic' }) });
    let subaccount: number | undefined;
    try {
      subaccount = laneSubaccount(prepareLane({ ...o, live: true, dryRun: false }, { validate: false, env: procEnv, cwd }).ctx.config);
    } catch {
      subaccount = undefined; // an unusable config: the account's default subaccount
    }
    const cancelDeps = {
      venue, journal: store ? store.journal : null, logger: silentLogger(), venueNowMs: async () => now(),
      // panic cancels everything of the lane: TTL and the close margin do not apply (the planner still wants valid values).
      orderTtlSeconds: 600, cancelBeforeCloseSeconds: 120, ...(subaccount !== undefined ? { subaccount } : {}),
    };
    let waited: string | null = null;
    for (let sweep = 1; sweep <= MAX_SWEEPS; sweep += 1) {
      const out = await cancelResting(cancelDeps, { reason: 'panic', all: o.all === true, anyBotPrefix: store === null });
      report.sweeps.push({
        requested: out.requested, canceled: out.canceled, gone: out.gone, retry: out.retry, failed: out.failed, restingListed: out.restingListed,
        foreignLeft: out.foreignLeft, listingError: out.listingError, unresolved: out.unresolved, waitedForUserData: waited,
      });
      for (const r of out.results) report.results.push({ sweep, orderId: r.orderId, clientOrderId: r.clientOrderId, ticker: r.ticker, result: r.result, detail: r.detail });
      // Listed after the user-data timestamp passed every earlier cancel, and nothing of the lane rests: done.
      // An unknown order no lookup could settle may rest unseen: not done (cancel-unknown.ts).
      if (sweep > 1 && out.listingError === null && out.restingListed === 0 && out.unresolved.length === 0) {
        report.leftResting = 0;
        report.ok = true;
        break;
      }
      report.leftResting = out.listingError === null ? out.restingListed - out.canceled - out.gone : null;
      if (sweep === MAX_SWEEPS) break;
      waited = await waitForUserData(venue, out.lastCancelAtMs, waitMs, sleep);
    }
  } catch (err) {
    report.error = safeErrorMessage(err);
    report.ok = false;
  } finally {
    store?.close();
    report.signal = await signalling;
  }
  return report;
}

/** Wait until GET /exchange/user_data_timestamp is at or past `afterMs` (reads then show every cancel up to it). */
async function waitForUserData(venue: KalshiClient, afterMs: number | null, maxMs: number, sleep: (ms: number) => Promise<void>): Promise<string> {
  const target = afterMs ?? 0;
  let last = 'unread';
  for (let spent = 0; ; spent += 250) {
    try {
      const { asOfTime } = await venue.getUserDataTimestamp();
      last = asOfTime;
      const ms = Date.parse(asOfTime);
      if (Number.isFinite(ms) && ms >= target) return `user-data timestamp ${asOfTime} ≥ the last cancel`;
    } catch (err) {
      last = `unreadable (${safeErrorMessage(err)})`;
    }
    if (spent >= maxMs) return `gave up after ${Math.round(maxMs / 1000)} s: user-data timestamp ${last} (sweeping anyway)`;
    await sleep(250);
  }
}

export function panicText(r: PanicReport): string {
  const lines = [`panic ${r.lane}${r.all ? ' --all' : ''}`, `  db: ${r.db.detail}`, `  workflow: ${r.signal.detail}`];
  r.sweeps.forEach((s, i) => {
    if (s.waitedForUserData) lines.push(`  waited: ${s.waitedForUserData}`);
    lines.push(`  sweep ${i + 1}: listed resting ${s.restingListed}, cancel requested ${s.requested}: canceled ${s.canceled}, gone ${s.gone}, ` +
      `cancel_retry ${s.retry}, failed ${s.failed}; foreign left alone ${s.foreignLeft}${s.listingError ? `; NOT LISTED: ${s.listingError}` : ''}` +
      `${s.unresolved.length > 0 ? `; UNKNOWN, not looked up: ${s.unresolved.join(', ')}` : ''}`);
  });
  if (r.results.length > 0) {
    lines.push(renderTable(['sweep', 'order_id', 'client_order_id', 'ticker', 'result'], r.results.map((x) => [String(x.sweep), x.orderId, x.clientOrderId, x.ticker, x.result])));
  }
  if (r.error) lines.push(`  ERROR: ${r.error}`);
  lines.push(r.ok ? `done: nothing of ${r.all ? 'the account' : 'the lane'} rests on the exchange`
    : `NOT DONE: ${r.error ? 'the sweeps did not finish' : r.leftResting === null ? 'the resting orders could not be listed' : `${r.leftResting} order(s) may still rest`}; fix what is named above and run panic again${r.error ? '' : ' (an exchange pause refuses cancels)'}`);
  return `${lines.join('\n')}\n`;
}

export function registerPanicCommand(program: Command, deps: PanicDeps = {}): void {
  program.command('panic')
    .description("engage the kill switch in the DB and cancel the live lane's resting orders over REST (no Temporal or worker needed)")
    .addOption(new Option('--env <env>', 'Kalshi environment of the live lane').choices([...KALSHI_ENVS]))
    .option('--all', 'cancel EVERY resting order of the account, not only the bot\'s (needs --yes)')
    .option('--yes', 'confirm --all')
    .option('--json', 'print the report as JSON')
    .option('--wait-seconds <n>', 'how long to wait for the user-data timestamp between sweeps (default 30)', (v) => {
      if (!/^\d+$/.test(v)) throw new UsageError('--wait-seconds must be a whole number of seconds');
      return Number(v);
    })
    .option('--kalshi-base-url <url>', 'Kalshi API base URL (default: the config\'s, else the env\'s)')
    .option('--db <path>', 'explicit database file (overrides database.path and the derived path)')
    .option('--allow-live-legacy-db', 'allow a live lane on a legacy database file name')
    .option('--config <path>', 'config file (default ./kalshi-autopilot.config.json)')
    .option('--temporal-address <host:port>', 'Temporal frontend for the best-effort signal (env TEMPORAL_ADDRESS, default 127.0.0.1:7233)')
    .option('--namespace <ns>', 'Temporal namespace (env TEMPORAL_NAMESPACE, default "default")')
    .action(async (o: PanicOptions) => {
      const r = await runPanic(o, deps);
      const out = deps.out ?? ((s: string) => process.stdout.write(s));
      out(o.json ? `${JSON.stringify(r)}\n` : panicText(r));
      if (!r.ok) process.exitCode = 1;
    });
}
