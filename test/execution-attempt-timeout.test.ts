/**
 * A real Temporal dev server retries an `execute` attempt whose heartbeat came too late (issue 9 review #2). Attempt 1
 * stalls in its venue-clock read (before its journal write) and stops heartbeating; the server times it out (2 s
 * heartbeat timeout) and the same worker runs attempt 2, which places the order. Released afterwards, attempt 1 stops
 * with CancelledFailure before its next write (src/execution/attempt-guard.ts). The simulator's own record: exactly one
 * create for the order; the journal holds no idempotency conflict.
 */
import path from 'node:path';
import { CancelledFailure, Context } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { TradingDeps } from '../src/activities/trading-deps';
import { clientOrderId } from '../src/domain/order-id';
import { AttemptFence } from '../src/execution/attempt-guard';
import { executeLiveOrders } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { createLocalEnv } from './helpers/temporal';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';
import { executeOnceWorkflow } from './helpers/workflows/execute-once';

jest.setTimeout(120_000);
const logger = silentLogger();
let env: TestWorkflowEnvironment | undefined;
let rig: LiveRig | undefined;
afterAll(async () => {
  await rig?.close();
  await env?.teardown();
});

test('a timed-out attempt is retried; the old attempt stops before its journal write; one create on the simulator', async () => {
  env = await createLocalEnv();
  const r = await liveRig();
  rig = r;
  const mk = await r.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 1000, clientOrderId: 'mk-no-48' }));
  if (mk.outcome !== 'ok') throw new Error('maker');
  const scanId = await r.scan();
  const id = clientOrderId(FIRST_RUN_ID, 1, 0);
  const fence = new AttemptFence();

  let release!: () => void;
  const gate = new Promise<void>((res) => (release = res));
  let attempt1: Promise<unknown> | null = null;
  const stalled: TradingDeps = { ...r.t, attemptFence: fence, venueNowMs: async () => { await gate; return r.sim.nowMs(); } };
  const activities = {
    async executeOnce(sid: number) {
      const attempt = Context.current().info.attempt;
      const p = executeLiveOrders(attempt === 1 ? stalled : { ...r.t, attemptFence: fence }, r.store, logger, {
        cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: r.sim.nowMs(), scanId: sid, orders: [{ clientOrderId: id, intent: entryIntent(520_000, 600_000) }],
      });
      if (attempt === 1) attempt1 = p.then(() => null, (e: unknown) => e);
      const out = await p;
      return { placed: out.placed, attempt };
    },
  };
  const taskQueue = 'attempt-timeout';
  const worker = await Worker.create({
    connection: env.nativeConnection, taskQueue, activities,
    workflowsPath: path.join(__dirname, 'helpers', 'workflows', 'execute-once.ts'),
  });
  const { result, e1 } = await worker.runUntil(async () => {
    const res = await env!.client.workflow.execute(executeOnceWorkflow, { args: [scanId], taskQueue, workflowId: `attempt-timeout-${process.pid}` });
    release();
    return { result: res, e1: await attempt1! };
  });
  // Attempt 2 places it (on a starved machine a later attempt may be the one that answers: it resumes the same row).
  expect(result.placed).toBe(1);
  expect(result.attempt).toBeGreaterThanOrEqual(2);
  expect(e1).toBeInstanceOf(CancelledFailure);
  expect((e1 as Error).message).toMatch(/attempt 1 (superseded by attempt \d+|cancelled \(.*\)) before/);
  expect(r.botRequests(id)).toHaveLength(1);
  expect(r.store.journal.events(id).filter((e) => e.kind === 'conflict')).toEqual([]);
});
