/**
 * The workflow cancels a live lane's resting orders (src/workflows/cancel-step.ts, patch cancel-resting-v1), on the
 * time-skipping Temporal server with a real worker and the simulator, judged by the SIMULATOR's own order states:
 * - the kill switch with cancelResting, signalled while the lane waits between cycles: every lane order is off the
 *   book before the next cycle, the foreign order on the same account stays;
 * - `stop` with cancelResting: every lane order is cancelled before the run completes; the result's stopCancel says so;
 * - every live cycle sweeps (reason ttl) right after reconcile: an order without an expiration of its own is cancelled
 *   by the bot at the first cycle past its TTL (the simulator following the workflow's clock), counted in the cycle's
 *   summary; a dry-run lane never calls cancelResting.
 * The lane's resting order is placed by the test with the lane's own client_order_id prefix (the workflow's first run
 * id): reconciliation adopts it into the journal, as it would an order whose create answer was lost.
 */
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Activities, CancelRestingInput } from '../../src/activities/types';
import { clientOrderId } from '../../src/domain/order-id';
import { buildOrderRequest, isRefusal } from '../../src/domain/order-request';
import { killSwitchSignal, statusQuery, stopSignal, type TradingCycleResult } from '../../src/workflows/definitions';
import { timeSkippingWithBundle } from '../helpers/dry-run';
import { cycleInput, startLaneWorker, testIdentity } from '../helpers/lane';
import { liveKeys, liveRig, LiveRig, makerOrder } from '../helpers/live';
import { cycleRows, freshSim, startLane, terminateQuietly, untilClosed } from '../helpers/pipeline';
import { simRunContext } from '../helpers/trading';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { silentLogger } from '../../src/observability/logger';
import { RateLimiter } from '../../src/venues/kalshi';
import { tempDir } from '../helpers/lane';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let rig: LiveRig;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});
afterEach(async () => {
  await rig?.close();
});

function recordingCancels(reasons: string[]) {
  return (a: Activities): Activities => ({
    ...a,
    async cancelResting(input: CancelRestingInput) {
      reasons.push(input.reason);
      return a.cancelResting(input);
    },
  });
}

/** A resting bid far below the market (never fills), placed with the bot's key. */
async function restingBid(clientId: string): Promise<string> {
  const r = await rig.t.venue.createOrder(makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 50_000, count: 100, clientOrderId: clientId }));
  if (r.outcome !== 'ok') throw new Error(`order ${clientId}: ${r.outcome}`);
  return r.value.orderId;
}

const simStatus = (orderId: string) => rig.sim.core.exchange.orders.get(orderId)?.status;

/** Poll (real time: no timer of the workflow fires meanwhile) until `ok()`; then return. */
async function until(ok: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i += 1) {
    if (await ok()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function liveLaneWithOrders(reasons: string[]) {
  rig = await liveRig();
  const id = testIdentity({ mode: 'live' });
  const lw = await startLaneWorker(env, bundle, id, { trading: rig.t, wrapActivities: recordingCancels(reasons) });
  return { id, lw };
}

test('kill switch with cancelResting while waiting: lane orders cancelled before the next cycle; the foreign order stays', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 3 }));
    try {
      const laneOrder = await restingBid(clientOrderId(h.firstExecutionRunId, 40, 0));
      const foreign = await restingBid('manual-foreign-1');
      await until(async () => { const s = await h.query(statusQuery); return s.phase === 'waiting' && s.cycle === 1; }, 'the wait after cycle 1');
      expect(reasons).toEqual(['ttl']); // the routine sweep right after reconcile: nothing due yet
      expect(simStatus(laneOrder)).toBe('resting');

      await h.signal(killSwitchSignal, { engaged: true, reason: 'test', cancelResting: true });
      await until(() => simStatus(laneOrder) !== 'resting', 'the lane order off the book');
      const s = await h.query(statusQuery);
      expect({ cycle: s.cycle, phase: s.phase, killed: s.control.killSwitch.engaged }).toEqual({ cycle: 1, phase: 'waiting', killed: true });
      expect(simStatus(laneOrder)).toBe('canceled');
      expect(simStatus(foreign)).toBe('resting');
      expect(reasons).toEqual(['ttl', 'kill_switch']);

      await h.signal(stopSignal, { reason: 'test done' });
      expect(await untilClosed(env, h)).toBe('COMPLETED');
      // Served once: the stop (without cancelResting) cancels nothing more.
      expect(reasons).toEqual(['ttl', 'kill_switch']);
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);

test('stop with cancelResting: every lane order cancelled before the run completes; stopCancel in the result', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 3 }));
    try {
      const a = await restingBid(clientOrderId(h.firstExecutionRunId, 40, 0));
      const b = await restingBid(clientOrderId(h.firstExecutionRunId, 40, 1));
      const foreign = await restingBid('manual-foreign-2');
      await until(async () => (await h.query(statusQuery)).phase === 'waiting', 'the wait after cycle 1');
      expect([simStatus(a), simStatus(b)]).toEqual(['resting', 'resting']);
      await h.signal(stopSignal, { reason: 'test', cancelResting: true });
      expect(await untilClosed(env, h)).toBe('COMPLETED');
      const result = (await h.result()) as TradingCycleResult;
      expect(result.stopCancel).toMatchObject({ complete: true, attempts: 1, canceled: 2, failed: 0, retry: 0 });
      expect([simStatus(a), simStatus(b), simStatus(foreign)]).toEqual(['canceled', 'canceled', 'resting']);
      expect(reasons).toEqual(['ttl', 'stop']);
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);

test('a dry-run lane never calls cancelResting, not even on stop --cancel-resting (paper orders stay)', async () => {
  const reasons: string[] = [];
  const id = testIdentity();
  const lw = await startLaneWorker(env, bundle, id, { wrapActivities: recordingCancels(reasons) });
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 3 }));
    try {
      await until(async () => (await h.query(statusQuery)).phase === 'waiting', 'the wait after cycle 1');
      await h.signal(stopSignal, { cancelResting: true });
      expect(await untilClosed(env, h)).toBe('COMPLETED');
      expect(((await h.result()) as TradingCycleResult).stopCancel).toBeUndefined();
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
  expect(reasons).toEqual([]);
}, 180_000);

test('the routine sweep: an order resting past execution.order_ttl_seconds is cancelled at the next cycle; summary.cancels counts it', async () => {
  const { bot } = liveKeys();
  const sim = await freshSim(env, { keys: [bot] });
  try {
    const ctx = simRunContext({ trading: { dry_run: false, allowed_series_tickers: ['SIMGDP'] }, execution: { order_ttl_seconds: 600 } });
    const t = buildTradingDeps(ctx, {
      logger: silentLogger(), simBaseUrl: sim.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }),
      venueClock: { advanceTo: async (ms: number) => sim.advanceTo(ms) },
      credentials: { keyId: bot.keyId, privateKeyPem: bot.privateKeyPem }, processEnv: {},
    });
    const reasons: string[] = [];
    let placed: (v: string) => void = () => {};
    const orderPlaced = new Promise<string>((r) => (placed = r));
    const wrap = (a: Activities): Activities => ({
      ...recordingCancels(reasons)(a),
      // Cycle 1's reconcile waits for the test's order, so it is adopted (first seen) at cycle 1's time.
      async reconcile(input) {
        await orderPlaced;
        return a.reconcile(input);
      },
    });
    const id = testIdentity({ mode: 'live' });
    const dbPath = path.join(tempDir('kap-cancel-ttl-'), 'live.sqlite');
    const lw = await startLaneWorker(env, bundle, id, { trading: t, wrapActivities: wrap, dbPath });
    let orderId = '';
    await lw.worker.runUntil(async () => {
      const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 900, maxCycles: 2 }));
      try {
        const market = (await t.venue.listMarkets({ status: 'open' }, { maxPages: 1 })).find((m) => m.closeTime && Date.parse(m.closeTime) - sim.nowMs() > 6 * 3_600_000)!;
        // A bid far below the market with no expiration_time: nothing but a cancel takes it off the book.
        const r = await t.venue.createOrder(makerOrder({ ticker: market.ticker, side: 'yes', action: 'buy', price: 10_000, count: 100, clientOrderId: clientOrderId(h.firstExecutionRunId, 40, 0) }));
        if (r.outcome !== 'ok') throw new Error(`order: ${r.outcome}`);
        orderId = r.value.orderId;
        placed(orderId);
        expect(await untilClosed(env, h, '30 seconds', 200)).toBe('COMPLETED');
      } finally {
        placed('');
        await terminateQuietly(h);
      }
    });
    lw.store.close();
    expect(reasons).toEqual(['ttl', 'ttl']);
    expect(sim.core.exchange.orders.get(orderId)?.status).toBe('canceled');
    const cycles = cycleRows(dbPath);
    expect(cycles.map((c) => (c.summary as { cancels?: { canceled: number } }).cancels?.canceled ?? 0)).toEqual([0, 1]);
  } finally {
    await sim.close();
  }
}, 180_000);

test('a served kill-switch cancel is not repeated after continue-as-new (the marker is carried); a new engagement is served again', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 600, maxCycles: 3, cyclesPerRun: 1 }));
    try {
      const first = await restingBid(clientOrderId(h.firstExecutionRunId, 40, 0));
      await until(async () => { const s = await h.query(statusQuery); return s.phase === 'waiting' && s.cycle === 1; }, 'the wait after cycle 1');
      await h.signal(killSwitchSignal, { engaged: true, reason: 'test', cancelResting: true });
      await until(() => simStatus(first) === 'canceled', 'the kill-switch cancel');
      // Cycle 2 runs in a new run (continue-as-new): the engagement was served, so it only sweeps.
      await env.sleep('11 minutes');
      await until(async () => { const s = await h.query(statusQuery); return s.phase === 'waiting' && s.cycle === 2 && s.generation === 1; }, 'the wait after cycle 2');
      expect(reasons).toEqual(['ttl', 'kill_switch', 'ttl']);
      // Released and engaged again (a new atMs): served again, at once.
      const second = await restingBid(clientOrderId(h.firstExecutionRunId, 41, 0));
      await h.signal(killSwitchSignal, { engaged: false });
      await env.sleep('1 second');
      await h.signal(killSwitchSignal, { engaged: true, reason: 'again', cancelResting: true });
      await until(() => simStatus(second) === 'canceled', 'the second engagement\'s cancel');
      expect(reasons).toEqual(['ttl', 'kill_switch', 'ttl', 'kill_switch']);
      await h.signal(stopSignal, {});
      expect(await untilClosed(env, h)).toBe('COMPLETED');
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);

test('stop with cancelResting during an exchange pause: 3 attempts, then the run completes with the failure in its result and status', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 3 }));
    try {
      const a = await restingBid(clientOrderId(h.firstExecutionRunId, 40, 0));
      await until(async () => (await h.query(statusQuery)).phase === 'waiting', 'the wait after cycle 1');
      rig.sim.core.exchange.exchangeActive = false; // a full exchange pause: cancels answer 409 trading_is_paused
      await h.signal(stopSignal, { reason: 'test', cancelResting: true });
      expect(await untilClosed(env, h, '10 seconds', 100)).toBe('COMPLETED');
      const result = (await h.result()) as TradingCycleResult;
      expect(result.stopCancel).toMatchObject({ complete: false, attempts: 3, retry: 1, canceled: 0 });
      expect(result.stopCancel!.error).toMatch(/refused during an exchange pause/);
      expect(reasons).toEqual(['ttl', 'stop', 'stop', 'stop']);
      expect(simStatus(a)).toBe('resting');
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);

test('stop with cancelResting and an unknown order the lookup cannot settle (lost create answer, reads lagging): incomplete, said so', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 3 }));
    try {
      await until(async () => (await h.query(statusQuery)).phase === 'waiting', 'the wait after cycle 1');
      // The create reached the exchange (it rests) but its answer was lost: the journal row is unknown, and the
      // exchange's read surface lags far behind, so neither the resting list nor a lookup can see it yet.
      rig.sim.setFaults({ readLagMs: 6 * 3600_000 });
      const cid = clientOrderId(h.firstExecutionRunId, 40, 0);
      const j = lw.store.journal;
      const req = buildOrderRequest({ clientOrderId: cid, ticker: 'TS-E1-B', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, reduceOnly: false, nowMs: rig.sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
      if (isRefusal(req)) throw new Error(req.detail);
      j.insertPending({ clientOrderId: cid, firstRunId: h.firstExecutionRunId, cycle: 40, idx: 0, ticker: 'TS-E1-B', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, requestBody: req.body, createdAtMs: rig.sim.nowMs() });
      j.markSent(cid, rig.sim.nowMs());
      const a = await restingBid(cid);
      j.recordOutcome(cid, 'unknown', { atMs: rig.sim.nowMs(), detail: 'timeout (test: the answer was lost)' });
      await h.signal(stopSignal, { reason: 'test', cancelResting: true });
      expect(await untilClosed(env, h, '10 seconds', 100)).toBe('COMPLETED');
      const result = (await h.result()) as TradingCycleResult;
      expect(result.stopCancel).toMatchObject({ complete: false, attempts: 3, retry: 0, canceled: 0 });
      expect(result.stopCancel!.error).toMatch(/1 unknown order\(s\) could not be looked up/);
      expect(reasons).toEqual(['ttl', 'stop', 'stop', 'stop']);
      expect(simStatus(a)).toBe('resting'); // the simulator holds it: a "complete" stop would have been a lie
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);

test('kill switch with an unknown order the lookup cannot settle: the engagement is not served (said so); the next cycle, reads caught up, cancels it', async () => {
  const reasons: string[] = [];
  const { id, lw } = await liveLaneWithOrders(reasons);
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 3600, maxCycles: 2 }));
    try {
      await until(async () => { const s = await h.query(statusQuery); return s.phase === 'waiting' && s.cycle === 1; }, 'the wait after cycle 1');
      rig.sim.setFaults({ readLagMs: 6 * 3600_000 }); // neither the resting list nor a lookup sees the new order
      const cid = clientOrderId(h.firstExecutionRunId, 40, 0);
      const req = buildOrderRequest({ clientOrderId: cid, ticker: 'TS-E1-B', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, reduceOnly: false, nowMs: rig.sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
      if (isRefusal(req)) throw new Error(req.detail);
      const j = lw.store.journal;
      j.insertPending({ clientOrderId: cid, firstRunId: h.firstExecutionRunId, cycle: 40, idx: 0, ticker: 'TS-E1-B', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, requestBody: req.body, createdAtMs: rig.sim.nowMs() });
      j.markSent(cid, rig.sim.nowMs());
      const a = await restingBid(cid);
      j.recordOutcome(cid, 'unknown', { atMs: rig.sim.nowMs(), detail: 'timeout (test: the answer was lost)' });

      await h.signal(killSwitchSignal, { engaged: true, reason: 'test', cancelResting: true });
      await until(async () => /could not be looked up; not served/.test((await h.query(statusQuery)).errors.last ?? ''), 'the unserved kill-switch cancel');
      expect(reasons).toEqual(['ttl', 'kill_switch']);
      expect(simStatus(a)).toBe('resting');

      rig.sim.setFaults({ readLagMs: 0 });
      await env.sleep('61 minutes'); // to cycle 2
      await until(() => simStatus(a) === 'canceled', 'the unknown order cancelled at the next point');
      expect(reasons).toEqual(['ttl', 'kill_switch', 'kill_switch']); // tried again at cycle 2, right after reconcile
      expect(await untilClosed(env, h)).toBe('COMPLETED'); // maxCycles 2
      expect(reasons).toEqual(['ttl', 'kill_switch', 'kill_switch']); // served now: not repeated
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
}, 180_000);
