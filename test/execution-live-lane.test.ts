/**
 * The live order path through the real workflow and worker on the time-skipping Temporal server, the simulator as
 * the exchange: a live lane's execute activity places its orders; the first create executes and answers 500
 * (createThen500Next) and the first execute attempt loses its result (the activity fails after doing its work), so
 * Temporal retries it. The simulator's own log must hold exactly one order per placed intent, and the retry sends nothing.
 * The live order path's not_reconciled_guard gate is the worker process's (buildTradingDeps' default on a live lane):
 * orders go only because the workflow's `reconcile` ran first and completed in this process.
 * An idempotency conflict (a journal row holding another order under an intent's client_order_id) latches the lane
 * through the execute outcome's `latch`: the simulator receives no order, in that cycle or the next. A latch in the
 * reconcile result (a tripped order group) is latched before the cycle's orders.
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { buildTradingDeps } from '../src/activities/trading-deps';
import type { Activities } from '../src/activities/types';
import { silentLogger } from '../src/observability/logger';
import type { SimHandle } from '../src/sim';
import { openStore } from '../src/store';
import { RateLimiter } from '../src/venues/kalshi';
import { buildOrderRequest, isRefusal } from '../src/domain/order-request';
import { workflowsPath } from '../src/worker';
import { cycleInput, startLaneWorker, tempDir, testIdentity } from './helpers/lane';
import { liveKeys } from './helpers/live';
import { cycleRows, freshSim, quietBundlerLogger, startLane, terminateQuietly, untilClosed } from './helpers/pipeline';
import { simRunContext } from './helpers/trading';
import { createTimeSkippingEnv } from './helpers/temporal';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sim: SimHandle;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quietBundlerLogger });
}, 180_000);
afterAll(async () => {
  await sim?.close();
  await env?.teardown();
});

test('a live lane: an execute retry after a createThen500 makes exactly one order per intent on the simulator', async () => {
  const { bot } = liveKeys();
  // An account large enough for the configured bankroll's sizing (the default $1,000 refuses with insufficient_balance).
  sim = await freshSim(env, { keys: [bot], startingBalanceMicros: 1_000_000_000_000 });
  const ctx = simRunContext({ trading: { dry_run: false, allowed_series_tickers: ['SIMHIGHTEMP', 'SIMGDP'] } });
  const t = buildTradingDeps(ctx, {
    logger: silentLogger(), simBaseUrl: sim.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
    venueClock: { advanceTo: async (ms: number) => sim.advanceTo(ms) },
    credentials: { keyId: bot.keyId, privateKeyPem: bot.privateKeyPem },
    processEnv: {},
  });
  sim.setFaults({ createThen500Next: 1 });
  let attempts = 0;
  const wrap = (a: Activities): Activities => ({
    ...a,
    async execute(input) {
      attempts += 1;
      const r = await a.execute(input);
      if (attempts === 1) throw new Error('test: the first attempt lost its result after placing');
      return r;
    },
  });
  const id = testIdentity({ mode: 'live' });
  const dbPath = path.join(tempDir('kap-live-lane-'), 'live.sqlite');
  const lw = await startLaneWorker(env, bundle, id, { trading: t, wrapActivities: wrap, dbPath });
  let h: Awaited<ReturnType<typeof startLane>> | null = null;
  await lw.worker.runUntil(async () => {
    h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 1 }));
    try {
      await untilClosed(env, h);
    } finally {
      await terminateQuietly(h);
    }
  });
  const cycles = cycleRows(dbPath);
  const store = openStore({ path: dbPath, mode: 'live', env: 'sim' });
  try {
    const rows = store.journal.rows();
    const sent = rows.filter((r) => r.sentAtMs !== null);
    const made = sim.listOrders().filter((o) => o.key_id === bot.keyId && o.outcome !== 'rejected' && o.order_id !== null);
    expect({ attempts, outcome: cycles[0]?.outcome }).toEqual({ attempts: 2, outcome: 'completed' });
    const placed = sent.filter((r) => ['resting', 'executed', 'canceled'].includes(r.status));
    expect(placed.length).toBeGreaterThan(0);
    // One order per intent: a placed row has exactly one order on the simulator, a refused one none.
    for (const r of sent) expect(made.filter((o) => o.client_order_id === r.clientOrderId)).toHaveLength(placed.includes(r) ? 1 : 0);
    expect(made).toHaveLength(placed.length);
    // The retried attempt sent nothing: each row's requests are its own sends (the resend of the 500 included).
    for (const r of sent) expect(sim.listOrders().filter((o) => o.client_order_id === r.clientOrderId)).toHaveLength(r.sendCount);
    expect(sim.listOrders().some((o) => o.outcome === 'created_then_500')).toBe(true);
    expect(store.journal.hasUnknown()).toBe(false);
  } finally {
    store.close();
  }
}, 180_000);

test('a planted journal row under an intent\'s client_order_id latches idempotency_conflict_guard: the simulator receives no order', async () => {
  const { bot } = liveKeys();
  const sim2 = await freshSim(env, { keys: [bot], startingBalanceMicros: 1_000_000_000_000 });
  const ctx = simRunContext({ trading: { dry_run: false, allowed_series_tickers: ['SIMHIGHTEMP', 'SIMGDP'] } });
  const t = buildTradingDeps(ctx, {
    logger: silentLogger(), simBaseUrl: sim2.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
    venueClock: { advanceTo: async (ms: number) => sim2.advanceTo(ms) },
    credentials: { keyId: bot.keyId, privateKeyPem: bot.privateKeyPem },
    processEnv: {},
  });
  const dbPath = path.join(tempDir('kap-live-conflict-'), 'live.sqlite');
  let executes = 0;
  // Right before the first execute, another order is planted under the first intent's id (its count differs).
  const wrap = (a: Activities): Activities => ({
    ...a,
    async execute(input) {
      executes += 1;
      const o = input.orders[0];
      const count = o.intent.countCentis + 100;
      const req = buildOrderRequest({ clientOrderId: o.clientOrderId, ticker: o.intent.ticker, side: o.intent.side, action: o.intent.action, priceMicros: o.intent.priceMicros, countCentis: count, reduceOnly: false, nowMs: input.nowMs, orderTtlSeconds: 3600, closeTimeMs: null });
      if (isRefusal(req)) throw new Error(req.detail);
      const s = openStore({ path: dbPath, mode: 'live', env: 'sim' });
      try {
        if (!s.journal.get(o.clientOrderId)) {
          s.journal.insertPending({ clientOrderId: o.clientOrderId, firstRunId: input.firstRunId!, cycle: input.cycle, idx: 0, ticker: o.intent.ticker, eventTicker: o.intent.eventTicker, side: o.intent.side, action: o.intent.action, priceMicros: o.intent.priceMicros, countCentis: count, requestBody: req.body, createdAtMs: input.nowMs });
        }
      } finally {
        s.close();
      }
      return a.execute(input);
    },
  });
  const id = testIdentity({ mode: 'live' });
  try {
    const lw = await startLaneWorker(env, bundle, id, { trading: t, wrapActivities: wrap, dbPath });
    await lw.worker.runUntil(async () => {
      const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 2 }));
      try {
        await untilClosed(env, h, '5 minutes');
      } finally {
        await terminateQuietly(h);
      }
    });
    const cycles = cycleRows(dbPath);
    // The next cycle: the latched halt (all orders) skips it before execute (the workflow's own check).
    expect(cycles.map((c) => c.outcome)).toEqual(['completed', 'skipped:idempotency_conflict_guard']);
    expect(cycles[0].summary.skipped?.idempotency_conflict_guard).toBeGreaterThan(0);
    expect(executes).toBe(1);
    const store = openStore({ path: dbPath, mode: 'live', env: 'sim' });
    try {
      expect(store.control.read()!.latchedHalts.map((h) => h.code)).toEqual(['idempotency_conflict_guard']);
      expect(store.journal.rows().filter((r) => r.sentAtMs !== null)).toEqual([]);
    } finally {
      store.close();
    }
    expect(sim2.listOrders().filter((o) => o.key_id === bot.keyId)).toEqual([]);
  } finally {
    await sim2.close();
  }
}, 180_000);

test('a latch in the reconcile result (a tripped order group) is latched by the workflow before any order: the simulator receives none', async () => {
  const { bot } = liveKeys();
  const sim3 = await freshSim(env, { keys: [bot], startingBalanceMicros: 1_000_000_000_000 });
  const ctx = simRunContext({ trading: { dry_run: false, allowed_series_tickers: ['SIMHIGHTEMP', 'SIMGDP'] } });
  const t = buildTradingDeps(ctx, {
    logger: silentLogger(), simBaseUrl: sim3.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
    venueClock: { advanceTo: async (ms: number) => sim3.advanceTo(ms) },
    credentials: { keyId: bot.keyId, privateKeyPem: bot.privateKeyPem },
    processEnv: {},
  });
  const dbPath = path.join(tempDir('kap-live-group-'), 'live.sqlite');
  let executes = 0;
  const wrap = (a: Activities): Activities => ({
    ...a,
    async reconcile(input) {
      const r = await a.reconcile(input);
      return { ...r, latch: [{ code: 'order_group_tripped_guard', reason: 'test: the exchange refused an entry of the group' }] };
    },
    async execute(input) {
      executes += 1;
      return a.execute(input);
    },
  });
  const id = testIdentity({ mode: 'live' });
  try {
    const lw = await startLaneWorker(env, bundle, id, { trading: t, wrapActivities: wrap, dbPath });
    await lw.worker.runUntil(async () => {
      const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 1 }));
      try {
        await untilClosed(env, h);
      } finally {
        await terminateQuietly(h);
      }
    });
    const cycles = cycleRows(dbPath);
    expect(cycles.map((c) => c.outcome)).toEqual(['skipped:order_group_tripped_guard']);
    expect(executes).toBe(0); // every intent was an entry, blocked by the fresh latch before execute
    const store = openStore({ path: dbPath, mode: 'live', env: 'sim' });
    try {
      expect(store.control.read()!.latchedHalts.map((h) => h.code)).toEqual(['order_group_tripped_guard']);
    } finally {
      store.close();
    }
    expect(sim3.listOrders().filter((o) => o.key_id === bot.keyId)).toEqual([]);
  } finally {
    await sim3.close();
  }
}, 180_000);
