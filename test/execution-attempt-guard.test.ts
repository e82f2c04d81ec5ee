/**
 * One execute attempt at a time (issue 9 review #2; src/execution/attempt-guard.ts). The SDK's own activity context
 * (MockActivityEnvironment from @temporalio/testing: the real Context, cancellation and heartbeats) runs two attempts
 * of the same execute activity against the simulator; the first is held in its venue-clock read, before its journal
 * write, like an attempt whose heartbeat came too late and that the server has already retried:
 * - superseded (the worker never heard of the timeout): attempt 2 places the order; attempt 1, released, stops with
 *   CancelledFailure before its next write — the simulator received exactly ONE create, no conflict in the journal
 *   (before, attempt 1 went on: a second create, or an idempotency_conflict_guard latch when its body differed);
 * - cancelled (the heartbeat answer said TIMED_OUT): attempt 1 stops before writing anything, attempt 2 places it once.
 * It also heartbeats per order and around each network call.
 */
import { CancelledFailure } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { TradingDeps } from '../src/activities/trading-deps';
import { clientOrderId } from '../src/domain/order-id';
import { AttemptFence } from '../src/execution/attempt-guard';
import { executeLiveOrders, LiveExecuteOutcome } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(60_000);
const logger = silentLogger();
let rig: LiveRig;
afterEach(async () => {
  await rig?.close();
});
const id = clientOrderId(FIRST_RUN_ID, 1, 0);
const info = (attempt: number) => ({ attempt, activityId: 'execute-1', workflowExecution: { workflowId: 'lane-wf', runId: 'run-1' }, heartbeatTimeoutMs: 10_000 });
const env = (attempt: number) => new MockActivityEnvironment(info(attempt), { logger: new DefaultLogger('ERROR', () => {}) });

/** Attempt 1's deps: its first venue-clock read waits until released (it stands in for a stalled attempt). */
function stalled(t: TradingDeps, fence: AttemptFence) {
  let release!: () => void;
  let reached!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const atGate = new Promise<void>((r) => (reached = r));
  let held = true;
  const deps: TradingDeps = {
    ...t, attemptFence: fence,
    venueNowMs: async () => {
      if (held) {
        held = false;
        reached();
        await gate;
      }
      return rig.sim.nowMs();
    },
  };
  return { deps, release, atGate };
}

async function setup() {
  rig = await liveRig();
  const mk = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 1000, clientOrderId: 'mk-no-48' }));
  if (mk.outcome !== 'ok') throw new Error('maker');
  const scanId = await rig.scan();
  const fence = new AttemptFence();
  const run = (t: TradingDeps, env: MockActivityEnvironment) =>
    env.run(() => executeLiveOrders(t, rig.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id, intent: entryIntent(520_000, 600_000) }] })) as Promise<LiveExecuteOutcome>;
  return { fence, run };
}

const conflicts = () => rig.store.journal.events(id).filter((e) => e.kind === 'conflict');

test('superseded: attempt 2 places the order; attempt 1 stops before its journal write; the simulator got one create', async () => {
  const { fence, run } = await setup();
  const s1 = stalled(rig.t, fence);
  const env1 = env(1);
  const p1 = run(s1.deps, env1);
  p1.catch(() => {});
  await s1.atGate;
  rig.sim.advance(5_000); // the retry runs later: its expiration_time differs from what attempt 1 would build

  const env2 = env(2);
  const beats: unknown[] = [];
  env2.on('heartbeat', (d) => beats.push(d));
  const r2: LiveExecuteOutcome = await run({ ...rig.t, attemptFence: fence }, env2);
  expect(r2.placed).toBe(1);
  expect(r2.latch).toEqual([]);

  s1.release();
  const e1 = await p1.then(() => null, (e: unknown) => e);
  expect(e1).toBeInstanceOf(CancelledFailure);
  expect((e1 as Error).message).toMatch(/attempt 1 superseded by attempt 2 before/);
  expect(rig.botRequests(id)).toHaveLength(1);
  expect(rig.botOrdersMade(id)).toHaveLength(1);
  expect(conflicts()).toEqual([]);
  expect(rig.store.journal.get(id)!.status).toBe('executed');
  // Heartbeats per order and around each network call.
  expect(beats).toEqual(expect.arrayContaining([
    expect.objectContaining({ stage: 'order', clientOrderId: id }), expect.objectContaining({ stage: 'book read' }),
    expect.objectContaining({ stage: 'send', clientOrderId: id }),
  ]));
});

test('cancelled (TIMED_OUT): attempt 1 writes and sends nothing; attempt 2 places the order once', async () => {
  const { fence, run } = await setup();
  const s1 = stalled(rig.t, fence);
  const env1 = env(1);
  const p1 = run(s1.deps, env1);
  p1.catch(() => {});
  await s1.atGate;
  env1.cancel('TIMED_OUT');
  s1.release();
  const e1 = await p1.then(() => null, (e: unknown) => e);
  expect(e1).toBeInstanceOf(CancelledFailure);
  expect((e1 as Error).message).toMatch(/attempt 1 cancelled .* before/);
  expect(rig.store.journal.get(id)).toBeNull();
  expect(rig.botRequests(id)).toEqual([]);

  const r2 = await run({ ...rig.t, attemptFence: fence }, env(2));
  expect(r2.placed).toBe(1);
  expect(rig.botRequests(id)).toHaveLength(1);
  expect(conflicts()).toEqual([]);
});
