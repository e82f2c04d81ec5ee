/**
 * The unattended week on the simulator (docs/week-proof.md): a live lane (env sim, the live config shape of
 * test/week/scenario.ts) runs hourly cycles for N simulated days under Temporal's time skipping, its worker a separate
 * OS process running pre-bundled workflow code, with faults, two worker kills at named crash points chosen from the
 * seed (each followed by a restart), a kill-switch drill, a daily-loss breach forced through the marks and a market
 * settled against the bot's position. The harness awaits the `maxCycles` run's result (which lets the server skip
 * time) and schedules its events by simulator time (they run inside the simulator's clock move, at their exact
 * exchange time). Judged by the simulator's own record (src/sim/judge.ts) and the lane DB's ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { CRASH_POINTS } from '../../src/execution/live-order-crash';
import { rngFor } from '../../src/sim/prng';
import { startSimulator, type SimHandle } from '../../src/sim';
import { workflowsPath } from '../../src/worker';
import { WORKFLOW_TYPE, killSwitchSignal, type TradingCycleInput, type TradingCycleResult } from '../../src/workflows/definitions';
import { tempDir } from '../helpers/lane';
import { quietBundlerLogger } from '../helpers/pipeline';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { simRunContext } from '../helpers/trading';
import { makeKey } from '../sim/helpers';
import { judgeWeek, type Criteria } from './judge-week';
import { weekConfig, weekScenario } from './scenario';
import { SimSchedule } from './sim-schedule';
import { serverAlive, workflowFacts, type RunFacts } from './temporal-facts';
import { spawnWorker, type WorkerExit, type WorkerHandle } from './worker-control';
import type { WeekWorkerSpec } from './worker-process';

const HOUR = 3_600_000;
/**
 * Continue-as-new every 12 cycles: a worker that may be killed runs without a workflow cache (see worker-process.ts),
 * so each of its workflow tasks replays its run's history; short runs keep that cheap.
 */
const CYCLES_PER_RUN = 12;

export interface WeekOptions {
  seed: number;
  days: number;
  /** Probability of a fault per request (split over the kinds below); 0 = none. */
  faultRate: number;
  /** Worker kills at crash points (0..2). */
  kills: number;
  log: (line: string) => void;
  /** Called about once a second while the week runs (a TTY shows it). */
  progress?: (p: Progress) => void;
}

export interface Progress { simDay: number; simHour: number; cycles: number; orders: number; faults: number; wallSeconds: number; etaSeconds: number | null }

export interface KillRecord { spec: string; exit: WorkerExit; atSimMs: number; restartedInMs: number }

export interface WeekResult {
  seed: number;
  days: number;
  faultRate: number;
  cycles: number;
  wallSeconds: number;
  historyEventsPerRun: number[];
  activitySecondsSum: number;
  rssStartBytes: number | null;
  rssEndBytes: number | null;
  runs: RunFacts[];
  kills: KillRecord[];
  unplannedExits: WorkerExit[];
  faultsInjected: Record<string, number>;
  drills: Record<string, unknown>;
  criteria: Criteria;
  pass: boolean;
  /** Set when the Temporal server itself went away: not a verdict on the bot. */
  infrastructureFailure: string | null;
}

/** The kill plan from the seed: distinct crash points, each at its n-th hit (spread over the week). */
export function planKills(seed: number, kills: number): string[] {
  const rng = rngFor(seed, 'week-kills');
  // The week's plan draws from the three points it was written with (seeds stay reproducible); npm run drill covers all.
  const points = CRASH_POINTS.filter((p) => p === 'after_journal_write' || p === 'after_create_sent' || p === 'during_fill_booking');
  const out: string[] = [];
  for (let i = 0; i < Math.min(kills, points.length); i++) {
    const p = points.splice(rng.int(points.length), 1)[0];
    out.push(`${p}:${rng.range(1, 3)}`);
  }
  return out;
}

/** The fault mix at `rate`: ~rate of requests fail in one of the ways the issue names. */
export function faultMix(rate: number) {
  return { error5xxRate: rate * 0.4, malformedRate: rate * 0.2, createThen500Rate: rate * 0.2, timeoutCreateRate: rate * 0.2, readLagMs: rate > 0 ? 500 : 0 };
}

export class TestServerDied extends Error {}

/** Wall time without the simulator's clock moving after which the run is declared stalled (and diagnosed). */
const STALL_MS = 180_000;

/** Resolves when the simulator's clock has not moved for `ms` of wall time. */
function stallWatch(sim: SimHandle, ms: number): { stalled: Promise<void>; stop(): void } {
  let last = sim.core.exchange.nowMs;
  let since = Date.now();
  let timer: NodeJS.Timeout | null = null;
  const stalled = new Promise<void>((resolve) => {
    timer = setInterval(() => {
      const now = sim.core.exchange.nowMs;
      if (now !== last) {
        last = now;
        since = Date.now();
      } else if (Date.now() - since > ms) resolve();
    }, 1000);
  });
  return { stalled, stop: () => timer && clearInterval(timer) };
}

/** What the server holds when the run stalled: the last history events and pending activities. */
async function diagnoseStall(handle: WorkflowHandle): Promise<string> {
  try {
    const d = await handle.describe();
    const h = await handle.fetchHistory();
    const tail = (h.events ?? []).slice(-3).map((e) => Object.keys(e).find((k) => k.endsWith('EventAttributes')) ?? String(e.eventType));
    return `history length ${d.historyLength}, last events ${tail.join(' → ')}, pending activities ${(d.raw.pendingActivities ?? []).map((a) => a.activityType?.name).join(', ') || 'none'}`;
  } catch (e) {
    return `could not describe the workflow: ${(e as Error).message}`;
  }
}

/** The run in progress (run-week's Ctrl-C handler tears it down: the test server must not outlive the harness). */
let active: { teardown(): Promise<void> } | null = null;
export async function abortActiveWeek(): Promise<void> {
  await active?.teardown().catch(() => undefined);
}

export async function runWeek(o: WeekOptions): Promise<WeekResult> {
  const wall0 = Date.now();
  const plan = planKills(o.seed, o.kills);
  o.log(`week proof: seed ${o.seed}, ${o.days} simulated days, faults ${o.faultRate}, kills ${plan.join(', ') || 'none'}`);
  const dir = tempDir('kap-week-');
  const env = await createTimeSkippingEnv();
  active = env;
  let sim: SimHandle | null = null;
  let worker: WorkerHandle | null = null;
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);
    const key = makeKey('week-bot');
    const startMs = (await env.currentTimeMs()) - 60_000;
    sim = await startSimulator({
      admin: true, rateLimit: false, seed: o.seed, clock: { mode: 'manual', startMs }, scenario: weekScenario(o.days) as never,
      keys: [key], startingBalanceMicros: 2_000_000_000,
    });
    const s = sim;
    const counted = countFaults(s);
    const config = weekConfig();
    const dbPath = path.join(dir, 'live.sqlite');
    const ctx = simRunContext(config, { dbPath });
    const maxCycles = o.days * 24 + 1;
    const spec: WeekWorkerSpec = {
      address: env.address, namespace: 'default', config, dbPath, bundlePath, simBaseUrl: s.baseUrl, simRootUrl: s.rootUrl,
      keyId: key.keyId, privateKeyPem: key.privateKeyPem, logPath: path.join(dir, 'worker.log'),
    };
    const input: TradingCycleInput = {
      lane: { lane: ctx.lane, mode: ctx.mode, env: ctx.env, configHash: ctx.configHash },
      cycleIntervalSeconds: 3600, maxCycles, cyclesPerRun: CYCLES_PER_RUN,
      banner: { dbPath, scope: `series=${ctx.scope.seriesTickers.join(',')}`, bankroll: '$1000.00', startedBy: 'week-proof' },
    };
    let handle: WorkflowHandle | null = null;
    const drills: Record<string, unknown> = {};
    const schedule = new SimSchedule(s);
    scheduleDrills(schedule, s, key.keyId, startMs, o, drills, () => handle);

    const kills: KillRecord[] = [];
    const unplanned: WorkerExit[] = [];
    const specs = [...plan];
    worker = nextWorker(spec, specs);
    await worker.polling;
    const rssStartBytes = worker.rssBytes();
    if (o.faultRate > 0) s.setFaults(faultMix(o.faultRate));
    handle = await env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: ctx.lane, workflowId: ctx.lane, args: [input] });
    const ticker = o.progress ? setInterval(() => o.progress!(progressOf(s, startMs, wall0, maxCycles, counted, dbPath)), 1000) : null;
    let result: TradingCycleResult | null = null;
    let infrastructureFailure: string | null = null;
    let stalled: string | null = null;
    const watch = stallWatch(s, STALL_MS);
    try {
      const resultP = handle.result() as Promise<TradingCycleResult>;
      resultP.catch(() => undefined);
      for (;;) {
        const w: WorkerHandle = worker;
        const next = await Promise.race([resultP.then((r) => ({ r }), (e: Error) => ({ e })), w.exited.then((x) => ({ x })), watch.stalled.then(() => ({ stall: true as const }))]);
        if ('stall' in next) {
          if (!(await serverAlive(env.connection))) throw new TestServerDied('the Temporal test server is gone (the run stalled)');
          stalled = `no progress for ${STALL_MS / 1000} s at sim ${new Date(s.nowMs()).toISOString()}: ${await diagnoseStall(handle)}`;
          o.log(`STALLED: ${stalled}`);
          break;
        }
        if ('r' in next) {
          result = next.r;
          break;
        }
        if ('e' in next) {
          if (!(await serverAlive(env.connection))) throw new TestServerDied(`the Temporal test server is gone (${next.e.message})`);
          throw next.e;
        }
        const atSimMs = s.nowMs();
        if (!(await serverAlive(env.connection))) throw new TestServerDied(`the Temporal test server is gone after the worker exited (code ${next.x.code})`);
        const t0 = Date.now();
        const planned = next.x.code === 137 && next.x.crashedAt !== null;
        if (!planned) unplanned.push(next.x);
        if (unplanned.length > 3) throw new Error(`crash loop: the worker exited ${unplanned.length} times unplanned; last: ${next.x.stderrTail}`);
        worker = nextWorker(spec, specs);
        await worker.polling;
        if (planned) kills.push({ spec: `${next.x.crashedAt}`, exit: next.x, atSimMs, restartedInMs: Date.now() - t0 });
        o.log(`worker ${planned ? `killed at ${next.x.crashedAt}` : `exited unplanned (code ${next.x.code})`} at sim ${new Date(atSimMs).toISOString()}; restarted`);
      }
    } catch (e) {
      if (e instanceof TestServerDied) infrastructureFailure = e.message;
      else throw e;
    } finally {
      if (ticker) clearInterval(ticker);
      watch.stop();
    }
    const rssEndBytes = worker.rssBytes();
    await worker.stop();
    worker = null;
    const runs = infrastructureFailure || !result ? [] : await workflowFacts(env.client, ctx.lane, result.firstRunId);
    const criteria = judgeWeek({
      sim: s, accountId: key.keyId, dbPath, config: ctx, maxCycles, result, kills: kills.length, plannedKills: plan.length,
      unplannedExits: unplanned.length, killSwitch: drills.killSwitch as never, stalled,
    });
    const out: WeekResult = {
      seed: o.seed, days: o.days, faultRate: o.faultRate, cycles: result?.cycles ?? 0,
      wallSeconds: (Date.now() - wall0) / 1000,
      historyEventsPerRun: runs.map((r) => r.events),
      activitySecondsSum: Math.round(runs.reduce((a, r) => a + r.activitySeconds, 0) * 1000) / 1000,
      rssStartBytes, rssEndBytes, runs, kills, unplannedExits: unplanned, faultsInjected: counted, drills, criteria,
      pass: infrastructureFailure === null && Object.values(criteria).every((c) => c.pass),
      infrastructureFailure,
    };
    return out;
  } finally {
    await worker?.stop().catch(() => undefined);
    await sim?.close();
    await env.teardown().catch(() => undefined);
    active = null;
  }
}

/**
 * The next worker: with the next planned crash point, without a workflow cache (a killed worker's sticky queue would
 * hold the next workflow task for ever on the time-skipping server); the last one, with no kill planned, with the
 * SDK's cache (fast: no replay per workflow task).
 */
function nextWorker(spec: WeekWorkerSpec, specs: string[]): WorkerHandle {
  const crash = specs.shift() ?? null;
  return spawnWorker(spec, crash, crash ? {} : { KAP_WEEK_WORKFLOW_CACHE: '1' });
}

/** The drills, at simulator times: 429 bursts, the kill switch on and off, the marks drop, a settlement against. */
function scheduleDrills(schedule: SimSchedule, sim: SimHandle, accountId: string, startMs: number, o: WeekOptions, drills: Record<string, unknown>, handle: () => WorkflowHandle | null): void {
  const end = startMs + o.days * 24 * HOUR;
  if (o.faultRate > 0) {
    for (let t = startMs + 6 * HOUR; t < end - 4 * HOUR; t += 12 * HOUR) schedule.at(t, () => void sim.setFaults({ burst429: 3 }));
    // A quiet tail: the last reconciliations read the exchange without faults, so the ledger can be compared.
    schedule.at(end - 3 * HOUR, () => void sim.setFaults({ error5xxRate: 0, malformedRate: 0, createThen500Rate: 0, timeoutCreateRate: 0, readLagMs: 0, burst429: 0 }));
  }
  // Kill switch: on at ~day 0.6 (or 1.4 on longer runs) for 5 hours.
  const onAt = startMs + Math.round((o.days >= 3 ? 1.4 : 0.6) * 24 * HOUR) + 17 * 60_000;
  const offAt = onAt + 5 * HOUR;
  const ks: { onMs: number; offMs: number; signalled: string[] } = { onMs: onAt, offMs: offAt, signalled: [] };
  drills.killSwitch = ks;
  schedule.at(onAt, () => {
    void handle()?.signal(killSwitchSignal, { engaged: true, reason: 'week-proof drill' }).then(() => ks.signalled.push('on'), (e: Error) => ks.signalled.push(`on failed: ${e.message}`));
  });
  schedule.at(offAt, () => {
    void handle()?.signal(killSwitchSignal, { engaged: false, reason: 'week-proof drill over' }).then(() => ks.signalled.push('off'), (e: Error) => ks.signalled.push(`off failed: ${e.message}`));
  });
  // Daily-loss breach through the marks: a held market's quotes drop to the floor (tried hourly from the drill time).
  const lossFrom = startMs + Math.round((o.days >= 3 ? 2.5 : 1.1) * 24 * HOUR);
  const loss: { ticker: string | null; atMs: number | null } = { ticker: null, atMs: null };
  drills.marksDrop = loss;
  for (let t = lossFrom; t < end - 6 * HOUR; t += HOUR) {
    schedule.at(t, () => {
      if (loss.ticker) return;
      const held = heldMarkets(sim, accountId);
      if (held.length === 0) return;
      loss.ticker = held[0].ticker;
      loss.atMs = sim.core.exchange.nowMs;
      dropQuotes(sim, held[0].ticker);
    });
  }
  // One market settles against the bot's position.
  const settleFrom = startMs + Math.round((o.days >= 3 ? 3.5 : 1.5) * 24 * HOUR);
  const settled: { ticker: string | null; result: string | null; position: number | null; atMs: number | null } = { ticker: null, result: null, position: null, atMs: null };
  drills.settledAgainst = settled;
  for (let t = settleFrom; t < end - 6 * HOUR; t += HOUR) {
    schedule.at(t, () => {
      if (settled.ticker) return;
      const held = heldMarkets(sim, accountId).filter((p) => p.ticker !== loss.ticker);
      if (held.length === 0) return;
      const p = held[0];
      const result = p.position > 0 ? 'no' : 'yes';
      Object.assign(settled, { ticker: p.ticker, result, position: p.position, atMs: sim.core.exchange.nowMs });
      sim.core.forceSettle(p.ticker, result);
    });
  }
}

function heldMarkets(sim: SimHandle, accountId: string): Array<{ ticker: string; position: number }> {
  const acct = sim.core.exchange.accounts.get(accountId);
  if (!acct) return [];
  return [...acct.positions.values()].filter((p) => p.position !== 0 && sim.core.exchange.market(p.ticker)?.status === 'active').map((p) => ({ ticker: p.ticker, position: p.position })).sort((a, b) => a.ticker.localeCompare(b.ticker));
}

/** The house maker re-centres on 0.02 at once (the floor of its quote centre): marks of the held contracts collapse. */
function dropQuotes(sim: SimHandle, ticker: string): void {
  const ex = sim.core.exchange;
  const m = ex.market(ticker)!;
  m.marketProbability = 0;
  m.driftMax = 0;
  m.driftOffset = 0;
  for (const o of ex.books.get(ticker)!.allOrders()) if (o.house) ex.cancelResting(o, 'user');
}

/** Count every fault the simulator injects (wrapping its seeded draws; the draws themselves are unchanged). */
function countFaults(sim: SimHandle): Record<string, number> {
  const counts: Record<string, number> = { '429': 0, '5xx_before': 0, create_then_500: 0, create_timeout: 0, malformed: 0 };
  const f = sim.core.faults as unknown as Record<string, () => boolean>;
  const wrap = (name: string, label: string) => {
    const orig = f[name].bind(f);
    f[name] = () => {
      const hit = orig();
      if (hit) counts[label] += 1;
      return hit;
    };
  };
  wrap('take429', '429');
  wrap('take5xx', '5xx_before');
  wrap('takeCreateThen500', 'create_then_500');
  wrap('takeCreateTimeout', 'create_timeout');
  wrap('takeMalformed', 'malformed');
  return counts;
}

function progressOf(sim: SimHandle, startMs: number, wall0: number, maxCycles: number, faults: Record<string, number>, _dbPath: string): Progress {
  const elapsed = sim.core.exchange.nowMs - startMs;
  const cycles = Math.max(0, Math.floor(elapsed / HOUR) + 1);
  const wallSeconds = (Date.now() - wall0) / 1000;
  return {
    simDay: Math.floor(elapsed / (24 * HOUR)), simHour: Math.floor((elapsed % (24 * HOUR)) / HOUR), cycles: Math.min(cycles, maxCycles),
    orders: sim.core.received.length, faults: Object.values(faults).reduce((a, b) => a + b, 0), wallSeconds,
    etaSeconds: cycles > 2 ? Math.round((wallSeconds / cycles) * (maxCycles - cycles)) : null,
  };
}
