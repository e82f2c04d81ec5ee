/**
 * The seed's risk-guard tests (issue 8, "Risk guards"; plan phase 2), on the real time-skipping Temporal server with
 * a real worker and lane DB, the loopback simulator as the venue:
 * - the kill switch blocks execution from each source (signal, DB flag, env var, file), and a signal that arrives
 *   while a cycle is in flight stops its execute step;
 * - a daily-loss halt blocks new orders, survives a worker restart and continue-as-new, and lifts at the next UTC day;
 * - per-cycle caps truncate deterministically.
 * Judged by the lane DB (paper_orders, decisions, control_state, cycles) and the simulator, not by return values.
 */
import { timeSkippingWithBundle } from './helpers/dry-run';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Duration } from '@temporalio/common';
import { Worker, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cycleInput, KillSources, startLaneWorker, testIdentity, withLaneStore } from './helpers/lane';
import { simTradingDeps, startTestSim } from './helpers/trading';
import { cycleRows, freshSim, startLane, terminateQuietly, untilClosed } from './helpers/pipeline';
import { applyKillSwitch } from '../src/domain/control';
import { compareIntents } from '../src/domain/intent-rank';
import { nextUtcMidnightMs } from '../src/domain/reason-codes';
import type { Activities, DecideOutcome } from '../src/activities/types';
import type { StoredDecision } from '../src/store';
import type { SimHandle } from '../src/sim';
import { killSwitchSignal, statusQuery, WORKFLOW_TYPE, type StatusView } from '../src/workflows/definitions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

const HOUR = 3_600_000;

type Handle = Awaited<ReturnType<typeof startLane>>;

/** Let time skip in small steps until the lane's status shows cycle `n` finished (bounded). */
async function untilCycle(h: Handle, n: number, step: Duration = '1 minute', maxSteps = 120): Promise<StatusView> {
  for (let i = 0; i < maxSteps; i += 1) {
    const s = await h.query(statusQuery);
    if (s.lastCycle && s.lastCycle.cycle >= n) return s;
    await env.sleep(step);
  }
  throw new Error(`cycle ${n} did not finish within ${maxSteps} × ${step}`);
}


/** Let time skip (20-minute steps) until the lane DB records cycle `n` as finished; returns the finished rows. */
async function untilDbCycle(dbPath: string, n: number, maxSteps = 20) {
  for (let i = 0; i < maxSteps; i += 1) {
    const rows = cycleRows(dbPath).filter((r) => r.outcome !== 'running');
    if (rows.some((r) => r.cycle >= n)) return rows;
    await env.sleep('20 minutes');
  }
  throw new Error(`cycle ${n} not recorded within ${maxSteps} × 20 minutes`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms); })]).finally(() => clearTimeout(timer));
}

const paperOrders = (dbPath: string) => withLaneStore(dbPath, (s) => s.paper.orders());
const decisionsOf = (dbPath: string, cycle?: number) => withLaneStore(dbPath, (s) => s.decisions.list(cycle === undefined ? {} : { cycle }));

describe('the kill switch blocks execution from each source', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await freshSim(env);
  });
  afterAll(async () => {
    await sim?.close();
  });

  /** One cycle of a dry-run lane on the shared sim; `arrange` engages one source before the first cycle. */
  async function oneCycle(arrange: (lw: { dbPath: string; killSources: KillSources }) => void, signal?: { reason: string }) {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim) });
    arrange(lw);
    await lw.worker.runUntil(async () => {
      const input = cycleInput(id, { maxCycles: 1 });
      const h = signal
        ? await env.client.workflow.signalWithStart(WORKFLOW_TYPE, {
            taskQueue: id.lane, workflowId: id.lane, args: [input], signal: killSwitchSignal, signalArgs: [{ engaged: true, reason: signal.reason }],
          })
        : await startLane(env, input);
      try {
        expect(await untilClosed(env, h)).toBe('COMPLETED');
      } finally {
        await terminateQuietly(h);
      }
    });
    const [row, ...more] = cycleRows(lw.dbPath);
    expect(more).toEqual([]);
    return { row, orders: paperOrders(lw.dbPath), decisions: decisionsOf(lw.dbPath), control: withLaneStore(lw.dbPath, (s) => s.control.read()) };
  }

  function expectKilled(r: Awaited<ReturnType<typeof oneCycle>>, source: string, reason: string) {
    expect(r.row.outcome).toBe('skipped:kill_switch_guard');
    expect(r.orders).toEqual([]);
    // The guards still ran: the signals it had were recorded as refused by the kill switch.
    const refused = r.decisions.filter((d) => d.reason === 'kill_switch_guard');
    expect(refused.length).toBeGreaterThan(0);
    expect(r.decisions.filter((d) => d.decision === 'order')).toEqual([]);
    expect(r.row.summary).toMatchObject({ orders: 0 });
    expect(r.row.summary.skipped?.kill_switch_guard).toBe(refused.length);
    expect(r.control?.killSwitch).toMatchObject({ engaged: true, source, reason });
  }

  it('baseline: the same lane with no kill source places paper orders', async () => {
    const r = await oneCycle(() => {});
    expect(r.row.outcome).toBe('completed');
    expect(r.orders.length).toBeGreaterThan(0);
  });

  it('signal', async () => {
    expectKilled(await oneCycle(() => {}, { reason: 'operator says stop' }), 'signal', 'operator says stop');
  });

  it('DB flag written by the CLI (kill-switch command) before the workflow starts', async () => {
    const r = await oneCycle((lw) =>
      withLaneStore(lw.dbPath, (s) => {
        const now = Date.now();
        s.control.write(applyKillSwitch(s.control.readOrInitial(), { engaged: true, reason: 'cli stop' }, 'cli', now), now, 'cli', 'kill_switch');
      }),
    );
    expectKilled(r, 'cli', 'cli stop');
  });

  it('env var', async () => {
    expectKilled(await oneCycle((lw) => { lw.killSources.envKill = { reason: 'BOT_DISABLE_TRADING=1' }; }), 'env', 'BOT_DISABLE_TRADING=1');
  });

  it('file', async () => {
    expectKilled(await oneCycle((lw) => { lw.killSources.fileKill = { reason: 'kill file present' }; }), 'file', 'kill file present');
  });

  it('a signal that arrives while the cycle is deciding stops its execute step', async () => {
    const id = testIdentity();
    let entered!: (d: DecideOutcome) => void;
    const decided = new Promise<DecideOutcome>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let executeCalls = 0;
    const wrap = (a: Activities): Activities => ({
      ...a,
      async decide(input) {
        const d = await a.decide(input);
        entered(d);
        await released;
        return d;
      },
      async execute(input) {
        executeCalls += 1;
        return a.execute(input);
      },
    });
    const lw = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim), wrapActivities: wrap });
    await lw.worker.runUntil(async () => {
      const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600 }));
      try {
        const d = await decided;
        expect(d.intents.length).toBeGreaterThan(0); // it had orders to place, unblocked when it decided
        await h.signal(killSwitchSignal, { engaged: true, reason: 'stop mid-cycle' });
        for (let i = 0; i < 100 && !(await h.query(statusQuery)).control.killSwitch.engaged; i += 1) await new Promise((r) => setTimeout(r, 20));
        expect((await h.query(statusQuery)).phase).toBe('cycle'); // still inside cycle 1, decide not yet returned
        release();
        const s = await untilCycle(h, 1, '5 seconds');
        expect(s.lastCycle?.outcome).toBe('skipped:kill_switch_guard');
        expect(s.lastCycle?.summary?.skipped.kill_switch_guard).toBe(d.intents.length);
        await env.sleep('10 seconds');
      } finally {
        release();
        await terminateQuietly(h);
      }
    });
    expect(executeCalls).toBe(0);
    expect(paperOrders(lw.dbPath)).toEqual([]);
    // decide had recorded them as orders (it did not know): the DB shows the intents and that none was placed.
    expect(decisionsOf(lw.dbPath, 1).filter((d) => d.decision === 'order').length).toBeGreaterThan(0);
    expect(cycleRows(lw.dbPath)[0].outcome).toBe('skipped:kill_switch_guard');
    expect(withLaneStore(lw.dbPath, (s) => s.control.read()?.killSwitch)).toMatchObject({ engaged: true, reason: 'stop mid-cycle', source: 'signal' });
  });
});

describe('a daily-loss halt', () => {
  it('blocks new orders, survives a worker restart and continue-as-new, and lifts at the next UTC day', async () => {
    // Start at 00:30 UTC of a logical day, so the halt (latched in cycle 2) has a whole day to hold.
    const now = await env.currentTimeMs();
    const t0 = nextUtcMidnightMs(now) + 30 * 60_000;
    await env.sleep(t0 - now);
    const sim = await freshSim(env);
    const id = testIdentity();
    // 0.01% of the $10,000 bankroll: a $1 loss trips it. One order per cycle, so one position to lose.
    const cfg = { risk: { daily_loss_limit_fraction: 0.0001, max_orders_per_cycle: 1 } };
    let h: Handle | null = null;
    try {
      // Worker A keeps no workflow cache (every workflow task replays the history): the time-skipping test server does
      // not implement ShutdownWorker / ResetStickyTaskQueue, so a stopped worker's sticky queue would hold the run's
      // next task forever. (A real server hands it to the lane's queue after the sticky timeout.)
      const create = Worker.create.bind(Worker);
      const spy = jest.spyOn(Worker, 'create').mockImplementation((o) => create({ ...o, maxCachedWorkflows: 0 }));
      const lwA = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim, cfg) }).finally(() => spy.mockRestore());
      const dbPath = lwA.dbPath;
      let expiresAtMs = 0;
      await lwA.worker.runUntil(async () => {
        await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, cyclesPerRun: 2 }));
        h = env.client.workflow.getHandle(id.lane) as Handle; // the lane's latest run, across continue-as-new
        await untilCycle(h, 1, '10 seconds');
        const [first, ...others] = paperOrders(dbPath);
        expect(others).toEqual([]);
        expect(first.filledCentis).toBeGreaterThan(0);
        const position = withLaneStore(dbPath, (s) => s.paper.positions({ open: true }));
        expect(position.map((p) => [p.ticker, p.side])).toEqual([[first.ticker, first.side]]);
        expect(position[0].costMicros).toBeGreaterThanOrEqual(1_000_000); // losing it all breaches the $1 limit
        // The venue settles the held market against the held side.
        sim.forceSettle(first.ticker, first.side === 'yes' ? 'no' : 'yes');

        const s2 = await untilCycle(h, 2, '20 minutes');
        const c2 = cycleRows(dbPath)[1];
        expiresAtMs = nextUtcMidnightMs(c2.startedAtMs);
        expect(expiresAtMs).toBe(t0 - 30 * 60_000 + 86_400_000);
        expect(s2.lastCycle?.outcome).toBe('skipped:daily_loss_guard');
        expect(s2.control.latchedHalts).toEqual([expect.objectContaining({ code: 'daily_loss_guard', expiresAtMs })]);
        const row = withLaneStore(dbPath, (s) => s.control.read());
        expect(row?.latchedHalts).toEqual([expect.objectContaining({ code: 'daily_loss_guard', expiresAtMs })]);
        // It refused a real signal, and the loss is realised in the paper ledger.
        expect(decisionsOf(dbPath, 2).filter((d) => d.reason === 'daily_loss_guard').length).toBeGreaterThan(0);
        expect(withLaneStore(dbPath, (s) => s.paper.realizedPnlMicros())).toBe(-position[0].costMicros);
        expect(paperOrders(dbPath)).toHaveLength(1);
      });
      lwA.store.close();

      // A new worker process on the same DB (the old one is gone: no cached workflow state, history is replayed).
      const lwB = await startLaneWorker(env, bundle, id, { dbPath, trading: simTradingDeps(sim, cfg) });
      await lwB.worker.runUntil(async () => {
        // Judged by the lane DB while it runs; the status query once at the end.
        let rows = await untilDbCycle(dbPath, 5);
        expect(new Set(rows.slice(0, 5).map((r) => r.runId)).size).toBe(3); // 2 cycles per run: 1-2, 3-4, 5
        expect(rows.slice(1, 5).map((r) => r.outcome)).toEqual(Array(4).fill('skipped:daily_loss_guard'));
        expect(withLaneStore(dbPath, (s) => s.control.read()?.latchedHalts)).toEqual([expect.objectContaining({ code: 'daily_loss_guard', expiresAtMs })]);
        // Hour by hour to the first cycle on or after the next 00:00 UTC.
        for (let i = 0; i < 30 && rows.at(-1)!.startedAtMs < expiresAtMs; i += 1) rows = await untilDbCycle(dbPath, rows.at(-1)!.cycle + 1);
        const last = rows.at(-1)!;
        expect(last.startedAtMs).toBeGreaterThanOrEqual(expiresAtMs);
        expect(last.startedAtMs).toBeLessThan(expiresAtMs + 2 * HOUR);
        const s = await withTimeout(h!.query(statusQuery), 20_000, 'status query after the restart');
        expect(s.generation).toBeGreaterThanOrEqual(10);
        expect(s.control.latchedHalts).toEqual([]);
        expect(s.tradingBlockedBy).toBeNull();
      });
      await terminateQuietly(h);
      lwB.store.close();

      const rows = cycleRows(dbPath);
      const held = rows.filter((r) => r.cycle >= 2 && r.startedAtMs < expiresAtMs);
      const after = rows.filter((r) => r.startedAtMs >= expiresAtMs);
      expect(held.length).toBeGreaterThanOrEqual(20);
      expect(held.map((r) => r.outcome)).toEqual(Array(held.length).fill('skipped:daily_loss_guard'));
      expect(new Set(held.map((r) => r.runId)).size).toBeGreaterThanOrEqual(10); // continue-as-new every 2 cycles
      // While it held: still the one order of cycle 1. After 00:00 UTC: orders again.
      const orders = paperOrders(dbPath);
      expect(orders.filter((o) => o.placedAtMs > rows[0].startedAtMs && o.placedAtMs < expiresAtMs)).toEqual([]);
      expect(after[0].outcome).toBe('completed');
      expect(orders.filter((o) => o.placedAtMs >= expiresAtMs)).toHaveLength(1);
      expect(after[0].summary).toMatchObject({ orders: 1 });
      expect(withLaneStore(dbPath, (s) => s.control.read()?.latchedHalts)).toEqual([]);
    } finally {
      await terminateQuietly(h);
      await sim.close();
    }
  }, 120_000);
});

describe('per-cycle caps truncate deterministically', () => {
  const score = (d: StoredDecision) => ({
    ticker: d.ticker, eventTicker: '', side: d.side!, action: 'buy' as const, priceMicros: d.priceMicros!, countCentis: d.countCentis,
    fairPpm: d.fairValuePpm!, edgeMicros: d.edgeMicros!, confidencePpm: d.confidencePpm!, reduceOnly: false, feeMicros: 0,
  });

  const strip = (d: StoredDecision) => [d.ticker, d.side, d.decision, d.reason, d.priceMicros, d.countCentis, d.edgeMicros];

  /**
   * Two identical lanes, each on its own fresh simulator (same seed, same start), run one cycle at the same logical
   * instant (20 s into a market-time minute, so both see the same liquidity ticks).
   */
  async function twinLanes(risk: Record<string, number>, seed = 7) {
    const now = await env.currentTimeMs();
    const minute = Math.ceil(now / 60_000) * 60_000 + 60_000;
    await env.sleep(minute + 20_000 - now);
    const sims = [
      await startTestSim({ seed, clock: { mode: 'manual', startMs: minute - 60_000 } }),
      await startTestSim({ seed, clock: { mode: 'manual', startMs: minute - 60_000 } }),
    ];
    try {
      const ids = [testIdentity(), testIdentity()];
      const lws = [
        await startLaneWorker(env, bundle, ids[0], { trading: simTradingDeps(sims[0], { risk }) }),
        await startLaneWorker(env, bundle, ids[1], { trading: simTradingDeps(sims[1], { risk }) }),
      ];
      await lws[0].worker.runUntil(() =>
        lws[1].worker.runUntil(async () => {
          const hs = await Promise.all(ids.map((id) => startLane(env, cycleInput(id, { maxCycles: 1 }))));
          try {
            for (const h of hs) expect(await untilClosed(env, h)).toBe('COMPLETED');
          } finally {
            for (const h of hs) await terminateQuietly(h);
          }
        }),
      );
      return lws.map((lw) => ({ orders: paperOrders(lw.dbPath), decisions: decisionsOf(lw.dbPath, 1), row: cycleRows(lw.dbPath)[0] }));
    } finally {
      for (const sim of sims) await sim.close();
    }
  }

  function expectTopRankedKept(decisions: StoredDecision[], code: string) {
    const ordered = decisions.filter((d) => d.decision === 'order');
    const capped = decisions.filter((d) => d.reason === code);
    expect(ordered).toHaveLength(1);
    expect(capped.length).toBeGreaterThanOrEqual(2);
    // The kept one ranks first among everything the cap saw (score, |edge|, ticker).
    for (const c of capped) expect(compareIntents(score(ordered[0]), score(c))).toBeLessThan(0);
    return { ordered: ordered[0], capped };
  }

  it('max_orders_per_cycle 1: exactly the top-ranked intent is placed, the rest recorded; a twin lane chooses the same', async () => {
    const [a, b] = await twinLanes({ max_orders_per_cycle: 1 });
    const { ordered, capped } = expectTopRankedKept(a.decisions, 'max_orders_per_cycle_guard');
    expect(a.orders.map((o) => [o.ticker, o.side, o.limitPriceMicros, o.countCentis])).toEqual([
      [ordered.ticker, ordered.side, ordered.priceMicros, ordered.countCentis],
    ]);
    expect(a.row.summary).toMatchObject({ orders: 1 });
    expect(a.row.summary.skipped?.max_orders_per_cycle_guard).toBe(capped.length);

    expect(b.decisions.map(strip)).toEqual(a.decisions.map(strip));
    expect(b.orders.map((o) => [o.ticker, o.side, o.limitPriceMicros, o.countCentis, o.filledCentis])).toEqual(
      a.orders.map((o) => [o.ticker, o.side, o.limitPriceMicros, o.countCentis, o.filledCentis]),
    );
  });

  it('max_notional_per_cycle: the walk keeps the top-ranked intent and cuts at the first that would exceed the cap', async () => {
    // Each position is capped at $10 (so each intent is ~$9–10); $15 a cycle admits exactly one.
    const risk = { max_orders_per_cycle: 20, max_position_size: 10, max_notional_per_cycle: 15 };
    const [a, b] = await twinLanes(risk);
    const { ordered, capped } = expectTopRankedKept(a.decisions, 'max_notional_per_cycle_guard');
    expect(a.orders.map((o) => o.ticker)).toEqual([ordered.ticker]);
    expect(a.row.summary.skipped?.max_notional_per_cycle_guard).toBe(capped.length);
    expect(a.row.summary.skipped?.max_orders_per_cycle_guard).toBeUndefined();
    expect(b.decisions.map(strip)).toEqual(a.decisions.map(strip));
    expect(b.orders.map((o) => [o.ticker, o.side, o.limitPriceMicros, o.countCentis])).toEqual(a.orders.map((o) => [o.ticker, o.side, o.limitPriceMicros, o.countCentis]));
  });
});
