/**
 * Every live cycle starts with reconciliation (issue 9; src/workflows/cycle-pipeline.ts behind patched('reconcile-v1')):
 * on the time-skipping Temporal server with a real worker, a live sim lane's first activity after beginCycle is
 * `reconcile`, and its run is in the lane DB; a dry-run lane never calls it.
 */
import { timeSkippingWithBundle } from '../helpers/dry-run';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { cycleInput, startLaneWorker, testIdentity } from '../helpers/lane';
import { openStore } from '../../src/store';
import { startLane, terminateQuietly, untilClosed } from '../helpers/pipeline';
import { liveRig } from '../helpers/live';
import type { Activities } from '../../src/activities/types';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

/** The activities a lane called, in order. */
function recording(calls: string[]) {
  return (a: Activities): Activities => Object.fromEntries(
    Object.entries(a).map(([name, f]) => [name, async (input: unknown) => {
      calls.push(name);
      return (f as (i: unknown) => Promise<unknown>)(input);
    }]),
  ) as unknown as Activities;
}

test('a live lane reconciles first, every cycle; the run is recorded complete in the lane DB', async () => {
  const rig = await liveRig();
  try {
    const id = testIdentity({ mode: 'live' });
    const calls: string[] = [];
    const lw = await startLaneWorker(env, bundle, id, { trading: rig.t, wrapActivities: recording(calls) });
    await lw.worker.runUntil(async () => {
      const h = await startLane(env, cycleInput(id, { maxCycles: 2 }));
      try {
        expect(await untilClosed(env, h)).toBe('COMPLETED');
      } finally {
        await terminateQuietly(h);
      }
    });
    // Reconcile first; then the cancel sweep of resting orders (TTL / before close; src/workflows/cancel-step.ts).
    const starts = calls.flatMap((c, i) => (c === 'beginCycle' ? [calls.slice(i, i + 4)] : []));
    expect(starts).toEqual([['beginCycle', 'reconcile', 'cancelResting', 'scan'], ['beginCycle', 'reconcile', 'cancelResting', 'scan']]);
    lw.store.close();
    const s = openStore({ path: lw.dbPath, mode: 'live', env: 'sim' });
    const runs = s.liveLedger.runs().map((r) => [r.cycle, r.complete, r.mismatch]);
    s.close();
    expect(runs).toEqual([[1, true, false], [2, true, false]]);
  } finally {
    await rig.close();
  }
}, 180_000);

test('a dry-run lane never reconciles', async () => {
  const id = testIdentity();
  const calls: string[] = [];
  const lw = await startLaneWorker(env, bundle, id, { wrapActivities: recording(calls) });
  await lw.worker.runUntil(async () => {
    const h = await startLane(env, cycleInput(id, { maxCycles: 1 }));
    try {
      expect(await untilClosed(env, h)).toBe('COMPLETED');
    } finally {
      await terminateQuietly(h);
    }
  });
  lw.store.close();
  expect(calls).toContain('scan');
  expect(calls).not.toContain('reconcile');
}, 180_000);
