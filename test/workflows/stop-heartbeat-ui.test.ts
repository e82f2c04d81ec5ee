/**
 * Issue 10 items 5, 7 (workflow half) and 11 on a real time-skipping Temporal server, a real worker and SQLite:
 * the heartbeat is rewritten on every control change (a kill switch by signal shows at once), the graceful `stop`
 * signal, and the Web UI metadata (activity and timer summaries, current details).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTimeSkippingEnv } from '../helpers/temporal';
import { cycleInput, startLaneWorker, tempDir, testIdentity, withLaneStore } from '../helpers/lane';
import { workflowsPath } from '../../src/worker';
import {
  killSwitchSignal,
  statusQuery,
  stopSignal,
  WORKFLOW_TYPE,
  type TradingCycleInput,
  type TradingCycleResult,
} from '../../src/workflows/definitions';
import type { Heartbeat } from '../../src/observability/heartbeat';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
const quiet = { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as never;

beforeAll(async () => {
  env = await createTimeSkippingEnv();
  bundle = await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: quiet });
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

function start(input: TradingCycleInput) {
  return env.client.workflow.start(WORKFLOW_TYPE, { taskQueue: input.lane.lane, workflowId: input.lane.lane, args: [input] });
}
const readHeartbeat = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as Heartbeat;
const iso = (ms: number) => new Date(ms).toISOString();

describe('Web UI metadata', () => {
  it('activities carry "cycle N · step" summaries, the wait timer names the next cycle, current details say what happened', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 3600 }));
      await env.sleep('10 seconds');
      const s = await h.query(statusQuery);
      const sum = s.lastCycle!.summary!;
      const next = iso(s.nextCycleAtMs!).slice(11, 16);
      const meta = await h.query<{ currentDetails: string }>('__temporal_workflow_metadata');
      const ordersText = `${sum.orders} order${sum.orders === 1 ? '' : 's'}`;
      expect(sum.scanned).toBeGreaterThan(0);
      expect(meta.currentDetails).toContain(`cycle 1 · scanned ${sum.scanned} · in scope ${sum.inScope} · ${ordersText}`);
      expect(meta.currentDetails).toMatch(new RegExp(` · next cycle (\\d{4}-\\d\\d-\\d\\d )?${next} UTC$`));

      const history = await h.fetchHistory();
      const summaries = (history.events ?? [])
        .map((e) => e.userMetadata?.summary?.data)
        .filter((d): d is Uint8Array => d !== undefined && d !== null)
        .map((d) => JSON.parse(Buffer.from(d).toString('utf8')) as string);
      const pipeline = summaries.filter((x) => x.startsWith('cycle 1 · '));
      expect(pipeline[0]).toBe('cycle 1 · begin');
      expect(pipeline[1]).toBe('cycle 1 · scan');
      expect(pipeline[2]).toBe(`cycle 1 · decide · scanned ${sum.scanned} · in scope ${sum.inScope}`);
      expect(pipeline).toContain(`cycle 1 · book · ${ordersText}`);
      // The cycle ends with finishCycle, then the webhook alerts step (issue 11, patch alerts-v1).
      expect(pipeline.slice(-2)).toEqual(['cycle 1 · finish · completed', 'cycle 1 · alerts']);
      expect(summaries.find((x) => x.startsWith('wait for cycle 2 at '))).toMatch(new RegExp(`^wait for cycle 2 at (\\d{4}-\\d\\d-\\d\\d )?${next} UTC$`));
      await h.terminate('test done');
    });
  });
});

describe('heartbeat', () => {
  it('a kill switch engaged by signal shows in the heartbeat (engaged, status killed) long before the next cycle is due', async () => {
    const id = testIdentity();
    const dir = tempDir();
    const heartbeatPath = path.join(dir, 'heartbeat.json');
    const lw = await startLaneWorker(env, bundle, id, { heartbeatPath });
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 3600 }));
      await env.sleep('10 seconds');
      const s1 = await h.query(statusQuery);
      const after1 = readHeartbeat(heartbeatPath);
      const sum = s1.lastCycle!.summary!;
      const lastCycle = {
        cycle: 1, outcome: 'completed', started_at: iso(s1.lastCycle!.startedAtMs), finished_at: iso(s1.lastCycle!.finishedAtMs),
        scanned: sum.scanned, in_scope: sum.inScope, estimates: sum.estimates, orders: sum.orders, fills: sum.fills, why_no_trade: sum.whyNoTrade,
      };
      expect(sum.scanned).toBeGreaterThan(0);
      // After the cycle: written by finishCycle, active, the next cycle due about one interval after it finished.
      expect(after1).toMatchObject({
        written_by: 'cycle', status: 'active', interval_seconds: 3600, cycle: 1, outcome: 'completed', tradingBlockedBy: null,
        worker: { pid: process.pid, host: os.hostname() },
        workflow: { id: id.lane, runId: h.firstExecutionRunId, firstRunId: h.firstExecutionRunId, state: 'waiting', generation: 0 },
        last_cycle: lastCycle, stoppedBy: null, lane: id, dbPath: lw.dbPath,
      });
      const due = Date.parse(after1.next_cycle_at!);
      expect(due - s1.lastCycle!.finishedAtMs).toBe(3600_000);
      expect(Math.abs(due - s1.nextCycleAtMs!)).toBeLessThan(5_000);

      await h.signal(killSwitchSignal, { engaged: true, reason: 'watchdog test' });
      await env.sleep('5 seconds'); // far less than the hour to the next cycle
      const s = await h.query(statusQuery);
      expect(s.cycle).toBe(1);
      const hb = readHeartbeat(heartbeatPath);
      expect(hb).toEqual({
        at: hb.at,
        written_by: 'control:signal',
        status: 'killed',
        next_cycle_at: iso(s.nextCycleAtMs!),
        interval_seconds: 3600,
        worker: { pid: process.pid, host: os.hostname() },
        workflow: { id: id.lane, runId: h.firstExecutionRunId, firstRunId: h.firstExecutionRunId, state: 'waiting', generation: 0 },
        lane: id,
        dbPath: lw.dbPath,
        cycle: 1,
        outcome: 'completed',
        tradingBlockedBy: 'kill_switch_guard',
        control: s.control,
        errors: { consecutive: 0, total: 0, last: null },
        last_cycle: lastCycle,
        summary: sum,
        stoppedBy: null,
      });
      expect(hb.control.killSwitch).toMatchObject({ engaged: true, reason: 'watchdog test', source: 'signal' });
      expect(Date.parse(hb.at)).toBeLessThan(s.nextCycleAtMs!);
      expect(Date.parse(hb.at)).toBeGreaterThan(Date.parse(after1.at));
      // Written atomically: no temp file is left next to it.
      expect(fs.readdirSync(dir)).toEqual(['heartbeat.json']);

      // The next cycle rewrites it again, still killed, with the cycle's own outcome.
      await env.sleep('3600 seconds');
      const hb2 = readHeartbeat(heartbeatPath);
      expect(hb2).toMatchObject({ written_by: 'cycle', status: 'killed', cycle: 2, outcome: 'skipped:kill_switch_guard', last_cycle: { cycle: 2 } });
      await h.terminate('test done');
    });
  });
});

describe('stop signal', () => {
  it('wakes the wait, persists the control state, records stoppedBy in result, status and heartbeat, and completes', async () => {
    const id = testIdentity();
    const heartbeatPath = path.join(tempDir(), 'heartbeat.json');
    const lw = await startLaneWorker(env, bundle, id, { heartbeatPath });
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 3600 }));
      await env.sleep('10 seconds');
      const before = await h.query(statusQuery);
      await h.signal(stopSignal, { reason: 'config change', cancelResting: true });
      const r = (await h.result()) as TradingCycleResult;
      expect(r.cycles).toBe(1);
      expect(r.stoppedBy).toEqual({ reason: 'config change', atMs: r.stoppedBy!.atMs, cancelResting: true });
      // It stopped at once, not at the next cycle an hour later.
      expect(r.stoppedBy!.atMs).toBeLessThan(before.nextCycleAtMs!);
      const s = await h.query(statusQuery);
      expect(s.phase).toBe('stopped');
      expect(s.stoppedBy).toEqual(r.stoppedBy);
      expect(s.nextCycleAtMs).toBeNull();
      const ev = withLaneStore(lw.dbPath, (db) => db.control.events()[0]);
      expect(ev).toMatchObject({ kind: 'stop', source: 'workflow' });
      const hb = readHeartbeat(heartbeatPath);
      expect(hb).toMatchObject({
        written_by: 'control:stop', status: 'active', next_cycle_at: null, stoppedBy: r.stoppedBy,
        workflow: { id: id.lane, runId: h.firstExecutionRunId, state: 'stopped' },
      });
      const meta = await h.query<{ currentDetails: string }>('__temporal_workflow_metadata');
      expect(meta.currentDetails).toMatch(/^cycle 1 · scanned \d+ · in scope \d+ · \d+ orders? .*· stopped: config change$/);
    });
  });

  it('lets the cycle in flight finish, then stops before the next', async () => {
    const id = testIdentity();
    let entered!: () => void;
    const inBook = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const lw = await startLaneWorker(env, bundle, id, {
      wrapActivities: (acts) => ({
        ...acts,
        async book(input) {
          entered();
          await gate;
          return acts.book(input);
        },
      }),
    });
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 60 }));
      await inBook;
      await h.signal(stopSignal, { reason: 'mid-cycle' });
      expect((await h.query(statusQuery)).phase).toBe('cycle');
      release();
      const r = (await h.result()) as TradingCycleResult;
      expect(r.cycles).toBe(1);
      expect(r.stoppedBy).toMatchObject({ reason: 'mid-cycle', cancelResting: false });
      expect((await h.query(statusQuery)).lastCycle?.outcome).toBe('completed');
    });
  });

  it('a malformed stop payload still stops, recording the parse error', async () => {
    for (const [bad, error] of [
      [42, 'payload: must be an object'],
      [{ reason: 7, cancelResting: 'yes' }, 'reason: must be a string; cancelResting: must be a boolean'],
    ] as const) {
      const id = testIdentity();
      const lw = await startLaneWorker(env, bundle, id);
      await lw.worker.runUntil(async () => {
        const h = await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
        await env.sleep('10 seconds');
        await h.signal(stopSignal, bad as never);
        const r = (await h.result()) as TradingCycleResult;
        expect(r.stoppedBy).toEqual({ reason: null, atMs: r.stoppedBy!.atMs, cancelResting: false, error });
        const s = await h.query(statusQuery);
        expect(s.errors.last).toBe(`rejected stop signal: ${error} (stopping anyway)`);
      });
    }
  });

  it('a kill switch engaged together with the stop is persisted before the run completes', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('10 seconds');
      await h.signal(killSwitchSignal, { engaged: true, reason: 'stop and halt' });
      await h.signal(stopSignal, {});
      const r = (await h.result()) as TradingCycleResult;
      expect(r.stoppedBy).toMatchObject({ reason: null, cancelResting: false });
      expect(r.control.killSwitch.engaged).toBe(true);
    });
    expect(withLaneStore(lw.dbPath, (db) => db.control.read()?.killSwitch)).toMatchObject({ engaged: true, reason: 'stop and halt' });
  });
});

describe('search attributes on a dev server that has them registered', () => {
  it('the start sets KapLane/KapMode/KapEnv/KapStatus with the static summary; the workflow keeps KapStatus current', async () => {
    const { createLocalEnv } = await import('../helpers/temporal');
    const { laneStartMetadata, SEARCH_ATTRIBUTES } = await import('../../src/workflows/start-metadata');
    const dev = await createLocalEnv({ server: { searchAttributes: Object.values(SEARCH_ATTRIBUTES) } });
    try {
      const id = testIdentity();
      const lw = await startLaneWorker(dev, bundle, id);
      await lw.worker.runUntil(async () => {
        const input = cycleInput(id, { cycleIntervalSeconds: 3600 });
        const meta = await laneStartMetadata(dev.client, input);
        expect(meta.staticSummary).toBe('sim · dry-run · series=KXTEST · every 1 h');
        const h = await dev.client.workflow.start(WORKFLOW_TYPE, { taskQueue: id.lane, workflowId: id.lane, args: [input], ...meta });
        const until = async (pred: () => Promise<boolean>) => {
          for (let i = 0; i < 100 && !(await pred()); i++) await new Promise((r) => setTimeout(r, 200));
        };
        await until(async () => (await h.query(statusQuery)).phase === 'waiting');
        await h.signal(killSwitchSignal, { engaged: true, reason: 'ui' });
        const status = async () => (await h.describe()).typedSearchAttributes.get(SEARCH_ATTRIBUTES.status);
        await until(async () => (await status()) === 'killed');
        const d = await h.describe();
        expect(d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.status)).toBe('killed');
        expect(d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.lane)).toBe(id.lane);
        expect(d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.mode)).toBe('dry-run');
        expect(d.typedSearchAttributes.get(SEARCH_ATTRIBUTES.env)).toBe('sim');
        expect(await d.staticSummary()).toBe('sim · dry-run · series=KXTEST · every 1 h');
        await h.signal(stopSignal, { reason: 'test done' });
        await h.result();
      });
    } finally {
      await dev.teardown();
    }
  }, 120_000);

  it('a namespace without them: the start sets no search attribute (and never fails)', async () => {
    const { laneStartMetadata } = await import('../../src/workflows/start-metadata');
    const meta = await laneStartMetadata(env.client, cycleInput(testIdentity()));
    expect(meta.typedSearchAttributes).toBeUndefined();
    expect(meta.staticDetails).toContain('- signals: killSwitch, pause, resume, clearHalt, stop · query: status');
  });
});
