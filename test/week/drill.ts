/**
 * The crash drill (`npm run drill`, docs/week-proof.md "The crash drill"): one live lane runs hourly cycles under
 * Temporal's time skipping (2 per iteration plus a tail; every cycle decides fresh intents, so orders accumulate) while
 * its worker — a separate OS process (test/week/worker-process.ts via worker-control.ts, as in the week proof) — is
 * killed N times, each worker at the next crash point of the seed's plan (KALSHI_AUTOPILOT_CRASH_AT=<point>:1,
 * src/execution/live-order-crash.ts) and restarted; then the lane settles (one-cycle runs, each reconciling first,
 * until no journal row is pending_submit/unknown). One simulator, one Temporal test server, one workflow bundle and
 * one workflow for the whole drill (a new run after the drilled one would start on the test server's clock years on).
 * Judged at the end by the simulator's own record (src/sim/judge.ts S5) and the lane DB's ledger.
 */
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { bundleWorkflowCode } from '@temporalio/worker';
import { CRASH_POINTS, type CrashPoint } from '../../src/execution/live-order-crash';
import { judgeHistory } from '../../src/sim/judge';
import { rngFor } from '../../src/sim/prng';
import { startSimulator, type SimHandle } from '../../src/sim';
import { workflowsPath } from '../../src/worker';
import { WORKFLOW_TYPE, type TradingCycleInput, type TradingCycleResult } from '../../src/workflows/definitions';
import { tempDir } from '../helpers/lane';
import { quietBundlerLogger } from '../helpers/pipeline';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { simRunContext } from '../helpers/trading';
import { makeKey } from '../sim/helpers';
import { TestServerDied } from './harness';
import { laneLedgerView } from './judge-week';
import { IN_SCOPE_SERIES, weekConfig, weekScenario } from './scenario';
import type { ScenarioInput } from '../../src/sim';
import { serverAlive } from './temporal-facts';
import { spawnWorker, type WorkerHandle } from './worker-control';
import type { WeekWorkerSpec } from './worker-process';

export interface DrillOptions { iterations: number; seed: number; log: (line: string) => void }

export interface DrillIteration { point: CrashPoint; killed: boolean }

export interface DrillResult {
  seed: number;
  iterations: number;
  /** Client order ids the lane journaled (each an intent it decided to send). */
  intents: number;
  /** Orders the simulator created for the lane's account (its own record). */
  orders: number;
  duplicates: number;
  /** S5's ledger-vs-simulator differences (and "could not compare"), besides duplicates. */
  mismatches: number;
  violations: string[];
  kills: Record<string, number>;
  /** One-cycle runs after the drilled run until no journal row was pending_submit/unknown. */
  settleRuns: number;
  perIteration: DrillIteration[];
  wallSeconds: number;
  /** Set when the Temporal server itself went away: not a verdict on the bot. */
  infrastructureFailure: string | null;
}

/** Hourly cycles budgeted per iteration (a kill waits for its point: an order, a fill, a reconciliation). */
const CYCLES = 2;
/** Cycles after the last planned kill: the last worker reconciles what the kills left. */
const TAIL_CYCLES = 2;
/** Wall time without the simulator's clock moving after which the drill is declared stalled. */
const STALL_MS = 180_000;
/** Continue-as-new every 12 cycles, as the week does (a cache-less worker replays its run's history per task). */
const CYCLES_PER_RUN = 12;
/** Settle runs (one cycle each) before an iteration's unresolved rows count as a failure. */
const MAX_SETTLE_RUNS = 3;

/** The crash point of each iteration, from the seed. */
export function planDrill(seed: number, iterations: number): CrashPoint[] {
  const rng = rngFor(seed, 'drill-kills');
  return Array.from({ length: iterations }, () => CRASH_POINTS[rng.int(CRASH_POINTS.length)]);
}

/**
 * The week's series with one fresh in-scope event per iteration, opening as the iteration's cycles begin (its first
 * cycle finds a new edge: the lane holds at most one position per event, duplicate_exposure_guard) and closing 12 h
 * later (so settlements come into the ledger too); alternating which way it is mispriced.
 */
export function drillScenario(iterations: number): ScenarioInput {
  const base = weekScenario(1);
  const mk = (ticker: string, open: string, close: string, p: string, market?: string) => ({
    ticker, title: ticker, yes_sub_title: ticker, no_sub_title: ticker, open_time: open, close_time: close, true_probability: p,
    initial_volume: '20000.00', initial_open_interest: '8000.00', ...(market ? { market_probability: market } : {}),
    determination_delay_seconds: 600, settlement_timer_seconds: 1800,
  });
  const events = Array.from({ length: iterations + 1 }, (_, i) => {
    const open = i === 0 ? '-1h' : `+${i * CYCLES - 1}h30m`;
    const close = `+${i * CYCLES + 12}h`;
    const under = i % 2 === 0;
    return {
      event_ticker: `WKTEMP-X${i + 1}`, series_ticker: IN_SCOPE_SERIES, title: `Drill event ${i + 1}`, mutually_exclusive: true,
      markets: [mk(`WKTEMP-X${i + 1}-A`, open, close, under ? '0.6200' : '0.3000', under ? '0.4000' : '0.5000'), mk(`WKTEMP-X${i + 1}-B`, open, close, under ? '0.3800' : '0.7000')],
    };
  });
  return { ...base, name: 'crash-drill', events };
}

/** The week's live config with caps that let every iteration trade again in the same markets. */
export function drillConfig(): Record<string, unknown> {
  const c = weekConfig() as { risk: Record<string, unknown> };
  return { ...c, risk: { ...c.risk, max_notional_per_cycle: 100_000, max_positions: 50, max_position_size: 100_000, max_trades_per_market_per_day: 1000, daily_loss_limit_fraction: 0.5 } };
}

function unsettledRows(dbPath: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare(`SELECT COUNT(*) AS n FROM order_journal WHERE status IN ('pending_submit', 'unknown')`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

function journalRows(dbPath: string): number {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM order_journal').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The drill in progress (run-drill's Ctrl-C handler tears it down: the test server must not outlive the drill). */
let active: { teardown(): Promise<void> } | null = null;
export async function abortActiveDrill(): Promise<void> {
  await active?.teardown().catch(() => undefined);
}

export async function runDrill(o: DrillOptions): Promise<DrillResult> {
  const wall0 = Date.now();
  const plan = planDrill(o.seed, o.iterations);
  const dir = tempDir('kap-drill-');
  o.log(`crash drill: seed ${o.seed}, ${o.iterations} iterations (lane DB and worker log in ${dir})`);
  const env = await createTimeSkippingEnv();
  active = env;
  let sim: SimHandle | null = null;
  let worker: WorkerHandle | null = null;
  try {
    const bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    fs.writeFileSync(bundlePath, bundle.code);
    const key = makeKey('drill-bot');
    const startMs = (await env.currentTimeMs()) - 60_000;
    sim = await startSimulator({
      admin: true, rateLimit: false, seed: o.seed, clock: { mode: 'manual', startMs }, scenario: drillScenario(o.iterations) as never,
      keys: [key], startingBalanceMicros: 1_000_000_000_000,
    });
    const s = sim;
    const config = drillConfig();
    const dbPath = path.join(dir, 'live.sqlite');
    const ctx = simRunContext(config, { dbPath });
    const spec: WeekWorkerSpec = {
      address: env.address, namespace: 'default', config, dbPath, bundlePath, simBaseUrl: s.baseUrl, simRootUrl: s.rootUrl,
      keyId: key.keyId, privateKeyPem: key.privateKeyPem, logPath: path.join(dir, 'worker.log'),
    };
    const input = (maxCycles: number): TradingCycleInput => ({
      lane: { lane: ctx.lane, mode: ctx.mode, env: ctx.env, configHash: ctx.configHash },
      cycleIntervalSeconds: 3600, maxCycles, cyclesPerRun: CYCLES_PER_RUN,
      banner: { dbPath, scope: `series=${ctx.scope.seriesTickers.join(',')}`, bankroll: '$1000.00', startedBy: 'drill' },
    });

    /**
     * One workflow run to its result. Each worker carries the next planned crash point; when it dies there (exit 137)
     * the next worker starts with the next point; the last (none left) keeps the workflow cache (see harness.ts).
     */
    const runOnce = async (maxCycles: number, specs: CrashPoint[], onKill: (point: string) => void): Promise<void> => {
      const spawnNext = () => {
        const p = specs.shift();
        worker = p ? spawnWorker(spec, `${p}:1`) : spawnWorker(spec, null, { KAP_WEEK_WORKFLOW_CACHE: '1' });
        return worker.polling;
      };
      await spawnNext();
      const handle = await env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: ctx.lane, workflowId: ctx.lane, args: [input(maxCycles)] });
      const resultP = handle.result() as Promise<TradingCycleResult>;
      resultP.catch(() => undefined);
      let progressAt = Date.now();
      let lastSim = s.nowMs();
      for (;;) {
        const w: WorkerHandle = worker!;
        let timer: NodeJS.Timeout | null = null;
        const stall = new Promise<{ stall: true }>((r) => {
          timer = setInterval(() => {
            if (s.nowMs() !== lastSim) {
              lastSim = s.nowMs();
              progressAt = Date.now();
            } else if (Date.now() - progressAt > STALL_MS) r({ stall: true });
          }, 1000);
        });
        const next = await Promise.race([resultP.then((r) => ({ r }), (e: Error) => ({ e })), w.exited.then((x) => ({ x })), stall]);
        if (timer) clearInterval(timer);
        if ('r' in next) {
          await worker!.stop();
          worker = null;
          return;
        }
        if (!(await serverAlive(env.connection))) throw new TestServerDied('the Temporal test server is gone');
        if ('stall' in next) throw new Error(`the drill made no progress for ${STALL_MS / 1000} s (sim ${new Date(s.nowMs()).toISOString()})`);
        if ('e' in next) throw next.e;
        if (!(next.x.code === 137 && next.x.crashedAt !== null)) throw new Error(`the worker exited unplanned (code ${next.x.code}): ${next.x.stderrTail}`);
        onKill(next.x.crashedAt);
        await spawnNext();
      }
    };

    const kills: Record<string, number> = {};
    const killed: string[] = [];
    await runOnce(o.iterations * CYCLES + TAIL_CYCLES, [...plan], (p) => {
      kills[p] = (kills[p] ?? 0) + 1;
      killed.push(p);
      o.log(`kill ${killed.length}/${plan.length}: worker killed at ${p} (sim ${new Date(s.nowMs()).toISOString()}); restarted`);
    });
    // Settle: one-cycle runs (each reconciles first) until no journal row is pending_submit/unknown.
    let settleRuns = 0;
    while (unsettledRows(dbPath) > 0 && settleRuns < MAX_SETTLE_RUNS) {
      settleRuns += 1;
      await runOnce(1, [], () => undefined);
    }
    const perIteration: DrillIteration[] = plan.map((point, i) => ({ point, killed: i < killed.length }));
    if (killed.length < plan.length) o.log(`${plan.length - killed.length} planned kills were not reached in ${o.iterations * CYCLES + TAIL_CYCLES} cycles`);
    return { seed: o.seed, iterations: o.iterations, ...judge(s, key.keyId, dbPath, plan.length - killed.length), kills, settleRuns, perIteration, wallSeconds: (Date.now() - wall0) / 1000, infrastructureFailure: null };
  } catch (e) {
    if (!(e instanceof TestServerDied)) throw e;
    return {
      seed: o.seed, iterations: o.iterations, intents: 0, orders: 0, duplicates: 0, mismatches: 0, violations: [], kills: {}, settleRuns: 0, perIteration: [],
      wallSeconds: (Date.now() - wall0) / 1000, infrastructureFailure: e.message,
    };
  } finally {
    await (worker as WorkerHandle | null)?.stop().catch(() => undefined);
    await sim?.close();
    await env.teardown().catch(() => undefined);
    active = null;
  }
}

/** S5 from the simulator's own history (what GET /__sim/history serves) against the lane DB's ledger. */
function judge(sim: SimHandle, accountId: string, dbPath: string, notReached: number): Pick<DrillResult, 'intents' | 'orders' | 'duplicates' | 'mismatches' | 'violations'> {
  const ledger = laneLedgerView(dbPath);
  const v = judgeHistory({
    history: sim.history(accountId), accountId,
    scope: { seriesTickers: [], eventTickers: [], marketIds: [] },
    caps: { maxOrdersPerCycle: Number.MAX_SAFE_INTEGER, maxNotionalPerCycleMicros: Number.MAX_SAFE_INTEGER, maxPositions: Number.MAX_SAFE_INTEGER, maxTradesPerMarketPerDay: Number.MAX_SAFE_INTEGER },
    windows: [], ledger,
  }).S5;
  const duplicates = Number(v.evidence.duplicates);
  const others = v.violations.filter((x) => !/^client_order_id .*: \d+ exchange orders/.test(x));
  if (!ledger) others.push('no complete reconciliation in the lane DB: the ledger could not be compared');
  if (notReached > 0) others.push(`${notReached} planned kills were not reached: the drill proved less than it was asked to`);
  const unsettled = unsettledRows(dbPath);
  if (unsettled > 0) others.push(`${unsettled} journal rows still pending_submit/unknown after settling`);
  return { intents: journalRows(dbPath), orders: Number(v.evidence.orders), duplicates, mismatches: others.length, violations: [...v.violations.filter((x) => !others.includes(x)), ...others] };
}
