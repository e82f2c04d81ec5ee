/**
 * Issue 17, items 1, 5, 7, 8, 9 and 15, on real Temporal servers (time-skipping; a dev server where a worker is stopped
 * and another started) with real workers, real activities and real SQLite files: one lane, one DB (the workflow pins
 * the DB's UUID); a malformed killSwitch signal sent with the plain temporal CLI fails closed; a backup restored under
 * a running lane; a final persist that fails; a cancel-resting request OR-ed into a switch the env var holds; each
 * activity with its own timeout. Fault injection goes through the worker's `wrapActivities` test seam.
 */
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { msToNumber } from '@temporalio/common/lib/time';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import BetterSqlite3 from 'better-sqlite3';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLocalEnv, temporalCliPath } from '../helpers/temporal';
import { timeSkippingWithBundle } from '../helpers/dry-run';
import { cycleInput, startLaneWorker, tempDir, testIdentity, withLaneStore } from '../helpers/lane';
import { backupDatabase, openStore } from '../../src/store';
import type { Activities } from '../../src/activities';
import { applyKillSwitch } from '../../src/domain/control';
import {
  killSwitchSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  WORKFLOW_TYPE,
  type StatusView,
  type TradingCycleInput,
  type TradingCycleResult,
} from '../../src/workflows/definitions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
}, 180_000);

afterAll(async () => {
  await env?.teardown();
});

/**
 * Workflows a test started, terminated after it whatever its outcome: a lane left waiting on a timer with its worker
 * gone would lock the time-skipping server's clock for every later test (its next task goes to a dead sticky queue).
 */
const started: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const terminate of started.splice(0)) await terminate().catch(() => undefined);
});

function startOn(e: TestWorkflowEnvironment, input: TradingCycleInput) {
  const workflowId = input.lane.lane;
  started.push(() => e.client.workflow.getHandle(workflowId).terminate('test cleanup'));
  return e.client.workflow.start(WORKFLOW_TYPE, { taskQueue: input.lane.lane, workflowId, args: [input] });
}
const start = (input: TradingCycleInput) => startOn(env, input);

const lane = (id: { lane: string }) => env.client.workflow.getHandle(id.lane);
const status = (id: { lane: string }): Promise<StatusView> => lane(id).query(statusQuery);

function cycleRows(dbPath: string): Array<[number, string]> {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare('SELECT cycle, outcome FROM cycles ORDER BY cycle').all() as { cycle: number; outcome: string }[]).map((r) => [r.cycle, r.outcome]);
  } finally {
    db.close();
  }
}

/** meta.db_id with plain SQL. */
function metaDbId(dbPath: string): string | undefined {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return (db.prepare("SELECT value FROM meta WHERE key = 'db_id'").get() as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

/** The kill-switch CLI's DB-only write (`kill-switch on` while the signal cannot get through): source 'cli'. */
function cliKill(dbPath: string, reason: string, cancelResting = false): number {
  const now = 1_000;
  return withLaneStore(dbPath, (s) =>
    s.control.write(applyKillSwitch(s.control.readOrInitial(), { engaged: true, reason, cancelResting }, 'cli', now), now, 'cli', 'kill_switch'),
  );
}

interface Call {
  name: string;
  ok: boolean;
  type?: string;
  nonRetryable?: boolean;
  message?: string;
}

/** Record every activity call a worker runs and how it ended. */
function recording(calls: Call[]) {
  return (acts: Activities): Activities =>
    Object.fromEntries(
      Object.entries(acts).map(([name, fn]) => [
        name,
        async (input: unknown) => {
          try {
            const r = await (fn as (i: unknown) => Promise<unknown>)(input);
            calls.push({ name, ok: true });
            return r;
          } catch (err) {
            const e = err as ApplicationFailure;
            calls.push({ name, ok: false, type: e.type ?? e.name, nonRetryable: e.nonRetryable ?? undefined, message: e.message });
            throw err;
          }
        },
      ]),
    ) as unknown as Activities;
}

const run = promisify(execFile);
/** The plain temporal CLI against the test server. */
async function temporalCli(args: string[]): Promise<void> {
  await run(temporalCliPath(), [...args, '--address', env.address, '--namespace', 'default'], { timeout: 30_000 });
}


/** Poll (real time) until `fn` returns something truthy. */
async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('item 5: a malformed killSwitch signal from the plain temporal CLI fails closed', () => {
  it('{"engaged":"true"} and a signal with no input engage the switch, the parse error as the reason', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('10 seconds');
      const signal = (...input: string[]) => temporalCli(['workflow', 'signal', '--workflow-id', id.lane, '--name', 'killSwitch', ...input]);
      const cases: Array<[string[], string]> = [
        [['--input', '{"engaged":"true"}'], 'killSwitch.engaged: must be true or false'],
        [[], 'killSwitch: expected an object like {"engaged": true}'],
      ];
      for (const [input, error] of cases) {
        // A well-formed release (from the CLI too) releases.
        await signal('--input', '{"engaged":false}');
        await env.sleep('1 second');
        expect((await status(id)).control.killSwitch.engaged).toBe(false);

        await signal(...input);
        await env.sleep('1 second');
        const reason = `malformed killSwitch signal engages the switch (fail closed): ${error}`;
        const s = await status(id);
        expect(s.control.killSwitch).toMatchObject({ engaged: true, source: 'signal', reason, cancelResting: false });
        expect(s.tradingBlockedBy).toBe('kill_switch_guard');
        expect(s.errors.last).toBe(`rejected killSwitch signal: ${error} (engaged the kill switch)`);
        expect(withLaneStore(lw.dbPath, (db) => db.control.read()?.killSwitch)).toMatchObject({ engaged: true, reason });
      }
      await env.sleep('600 seconds');
      expect((await status(id)).lastCycle?.outcome).toBe('skipped:kill_switch_guard');
      await lane(id).terminate('test done');
    });
    lw.store.close();
  });
});

describe('item 8: a maxCycles run never completes with its control state only in the result', () => {
  it('a kill switch arriving during the last cycle is in the DB when the run completes, although the first two writes fail', async () => {
    const id = testIdentity();
    let persistCalls = 0;
    let entered!: () => void;
    const beginEntered = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const lw = await startLaneWorker(env, bundle, id, {
      wrapActivities: (acts) => ({
        ...acts,
        async beginCycle(input) {
          const r = await acts.beginCycle(input);
          entered();
          await gate; // returns only after the test's kill switch signal is in the history
          return r;
        },
        async persistControl(input) {
          persistCalls += 1;
          // Not one of NON_RETRYABLE: the activity is not retried, the workflow's stop loop tries again after a sleep.
          if (persistCalls <= 2) throw ApplicationFailure.nonRetryable('test: the lane DB is down', 'TestDbDown');
          return acts.persistControl(input);
        },
      }),
    });
    const { result, row } = await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 1 }));
      await beginEntered;
      await h.signal(killSwitchSignal, { engaged: true, reason: 'stop during the last cycle' });
      release();
      const result = (await h.result()) as TradingCycleResult;
      // Read right after the result: the run may complete only once the DB holds the switch.
      const row = withLaneStore(lw.dbPath, (db) => db.control.read());
      return { result, row };
    });
    lw.store.close();
    expect(result.control.killSwitch).toMatchObject({ engaged: true, reason: 'stop during the last cycle', source: 'signal' });
    expect(persistCalls).toBe(3); // cycle write (failed), first stop write (failed), second stop write
    expect(row).toMatchObject({ updatedBy: 'workflow', killSwitch: { engaged: true, reason: 'stop during the last cycle', source: 'signal' } });
    expect(cycleRows(lw.dbPath)).toEqual([[1, 'skipped:kill_switch_guard']]);
  });

  it('a final persist that keeps failing (retryable) fails the run with ControlNotPersisted, naming the state', async () => {
    const id = testIdentity();
    let persistCalls = 0;
    const lw = await startLaneWorker(env, bundle, id, {
      killSources: { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: null },
      wrapActivities: (acts) => ({
        ...acts,
        async persistControl() {
          persistCalls += 1;
          throw new Error('SQLITE_IOERR: disk I/O error');
        },
      }),
    });
    const err = await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 1 }));
      return h.result().then(() => null, (e: unknown) => e);
    });
    lw.store.close();
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect(cause.type).toBe('ControlNotPersisted');
    expect(cause.message).toContain('after 8 attempts');
    expect(cause.message).toContain('"engaged":true,"reason":"BOT_DISABLE_TRADING=1","source":"env"');
    expect(persistCalls).toBeGreaterThanOrEqual(9); // the cycle's write and 8 stop attempts, each with activity retries
    expect(withLaneStore(lw.dbPath, (db) => db.control.read())).toBeNull();
  });
});

describe('item 9: kill-switch on --cancel-resting while the env var already holds the switch', () => {
  it('the DB row\'s cancelResting is OR-ed in at the next cycle and kept in the workflow\'s write', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id, { killSources: { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: null } });
    await lw.worker.runUntil(async () => {
      await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('10 seconds');
      let s = await status(id);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, source: 'env', reason: 'BOT_DISABLE_TRADING=1', cancelResting: false });
      expect(withLaneStore(lw.dbPath, (db) => db.control.read())).toMatchObject({ updatedBy: 'workflow', killSwitch: { engaged: true, source: 'env' } });

      cliKill(lw.dbPath, 'kill-switch on --cancel-resting', true);
      await env.sleep('600 seconds'); // the next cycle reads the DB
      s = await status(id);
      expect(s.cycle).toBe(2);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, source: 'env', reason: 'BOT_DISABLE_TRADING=1', cancelResting: true });
      expect(withLaneStore(lw.dbPath, (db) => db.control.read())).toMatchObject({
        updatedBy: 'workflow',
        killSwitch: { engaged: true, source: 'env', cancelResting: true },
      });
      await lane(id).terminate('test done');
    });
    lw.store.close();
  });
});

describe('item 15: every activity runs under its own timeouts', () => {
  it('each scheduled activity in the history carries the start-to-close timeout and retries of its ACTIVITY_POLICIES entry', async () => {
    const id = testIdentity();
    let registered: string[] = [];
    const lw = await startLaneWorker(env, bundle, id, {
      killSources: { envKill: { reason: 'BOT_DISABLE_TRADING=1' }, fileKill: null }, // so the cycle persists too
      wrapActivities: (acts) => {
        registered = Object.keys(acts);
        return acts;
      },
    });
    const history = await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 1 }));
      await h.result();
      return h.fetchHistory();
    });
    lw.store.close();
    const durationMs = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
      d ? Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6) : null;
    const scheduled = (history.events ?? [])
      .map((e) => e.activityTaskScheduledEventAttributes)
      .filter((a): a is NonNullable<typeof a> => !!a)
      .map((a) => ({
        name: a.activityType?.name ?? '?',
        startToCloseMs: durationMs(a.startToCloseTimeout),
        maximumAttempts: a.retryPolicy?.maximumAttempts ?? null,
      }));
    expect(scheduled.map((a) => a.name)).toEqual(expect.arrayContaining(['beginCycle', 'persistControl', 'finishCycle']));
    // None runs under the old blanket 30 s.
    expect(scheduled.filter((a) => a.startToCloseMs === 30_000)).toEqual([]);

    // Loaded here, so the tests above show their own failure where the module does not exist.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ACTIVITY_POLICIES } = require('../../src/workflows/activity-options') as typeof import('../../src/workflows/activity-options');
    for (const a of scheduled) {
      const policy = ACTIVITY_POLICIES[a.name as keyof typeof ACTIVITY_POLICIES];
      expect(a).toEqual({
        name: a.name,
        startToCloseMs: msToNumber(policy.startToCloseTimeout!),
        maximumAttempts: policy.retry?.maximumAttempts ?? null,
      });
    }
    // Every activity the worker registers has a policy, and every policy says why (checked to be present).
    expect(registered.length).toBeGreaterThanOrEqual(3);
    for (const name of registered) expect({ name, hasPolicy: name in ACTIVITY_POLICIES }).toEqual({ name, hasPolicy: true });
    for (const [name, policy] of Object.entries(ACTIVITY_POLICIES)) {
      expect({ name, why: typeof policy.why === 'string' && policy.why.trim().length > 0 }).toEqual({ name, why: true });
    }
  });
});


/**
 * Items 1 and 7 stop a worker and start another on the lane while the workflow runs. The time-skipping test server
 * cannot hand a running workflow over: it keeps dispatching to the stopped worker's sticky queue (ResetStickyTaskQueue
 * is unimplemented there) and its clock stays locked. So these two run on a real dev server, in real time, with
 * cycles a few seconds apart (the first worker is stopped within a second or two of its first cycle).
 */
describe('on a real dev server: a worker stopped, another started on the lane', () => {
  let dev: TestWorkflowEnvironment;
  beforeAll(async () => {
    dev = await createLocalEnv();
  }, 120_000);
  afterAll(async () => {
    await dev?.teardown();
  });

  const devStatus = (id: { lane: string }): Promise<StatusView> => dev.client.workflow.getHandle(id.lane).query(statusQuery);

  it('item 1: a worker of the same lane identity on another DB file refuses the workflow in every activity, after continue-as-new too', async () => {
    const id = testIdentity();
    const a = await startLaneWorker(dev, bundle, id);
    const idA = metaDbId(a.dbPath);
    await a.worker.runUntil(async () => {
      await startOn(dev, cycleInput(id, { cycleIntervalSeconds: 5, cyclesPerRun: 1 }));
      const s = await waitFor('cycle 1 on worker A', async () => {
        const st = await devStatus(id);
        return st.lastCycle ? st : null;
      });
      expect(s).toMatchObject({ cycle: 1, generation: 0, lastCycle: { outcome: 'completed' } });
    });
    a.store.close();
    expect(cycleRows(a.dbPath)).toEqual([[1, 'completed']]);

    // Worker B: same lane, mode, env and config hash, another DB file (say, started from another directory).
    const calls: Call[] = [];
    const b = await startLaneWorker(dev, bundle, id, { wrapActivities: recording(calls) });
    const idB = metaDbId(b.dbPath);
    await b.worker.runUntil(async () => {
      // The run hands over (cyclesPerRun 1) and the next run's first cycle reaches B.
      await waitFor('cycle 2 finished on worker B', () => calls.some((c) => c.name === 'finishCycle'), 60_000);
      const s = await devStatus(id);
      expect(s.generation).toBe(1); // the refusal comes from the continued run: the pin was carried
      expect(s.cycle).toBe(2);
      expect(s.lastCycle?.outcome).toBe('error:LaneMismatchError');
      expect(s.control.latchedHalts.map((h) => h.code)).toEqual(['lane_mismatch_guard']);
      expect(s.tradingBlockedBy).toBe('lane_mismatch_guard');
      await dev.client.workflow.getHandle(id.lane).terminate('test done');
    });
    b.store.close();
    // Every activity B ran refused the workflow, non-retryably, naming both DB ids.
    expect(calls.map((c) => c.name)).toEqual(expect.arrayContaining(['beginCycle', 'persistControl', 'finishCycle']));
    for (const c of calls) expect(c).toMatchObject({ ok: false, type: 'LaneMismatchError', nonRetryable: true });
    // DB B got nothing of the lane: no cycle rows, no control row; DB A kept its one cycle.
    expect(cycleRows(b.dbPath)).toEqual([]);
    expect(withLaneStore(b.dbPath, (s) => s.control.read())).toBeNull();
    expect(cycleRows(a.dbPath)).toEqual([[1, 'completed']]);
    // The refusal names both DB ids (two UUIDs of two files).
    expect(idA).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).toMatch(/^[0-9a-f-]{36}$/);
    expect(idB).not.toBe(idA);
    expect(calls[0].message).toContain(`dbId: workflow=${idA} worker=${idB}`);
  });

  it("item 7: a backup restored under a running lane: a DB-only kill on the restored file (event id below the workflow's version) is adopted and kept", async () => {
    const id = testIdentity();
    const dir = tempDir();
    const dbPath = path.join(dir, 'lane.sqlite');
    const dbVersion = () => withLaneStore(dbPath, (s) => s.control.read()?.version ?? 0);
    const w1 = await startLaneWorker(dev, bundle, id, { dbPath });
    let backup = '';
    await w1.worker.runUntil(async () => {
      const h = await startOn(dev, cycleInput(id, { cycleIntervalSeconds: 8 }));
      await waitFor('cycle 1', async () => (await devStatus(id)).lastCycle !== null);
      let version = 0;
      const send = async (sig: typeof pauseSignal) => {
        await h.signal(sig);
        version += 1;
        await waitFor(`control write ${version}`, () => dbVersion() === version);
      };
      await send(pauseSignal);
      await send(resumeSignal);
      // The backup is taken early: its control events are ids 1 and 2.
      const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
      try {
        backup = await backupDatabase(s.db, dbPath, path.join(dir, 'backups'));
      } finally {
        s.close();
      }
      for (const sig of [pauseSignal, resumeSignal, pauseSignal, resumeSignal]) await send(sig);
      expect((await devStatus(id)).control).toMatchObject({ paused: false, killSwitch: { engaged: false } });
    });
    w1.store.close();
    expect(cycleRows(dbPath)).toEqual([[1, 'completed']]); // stopped before its second cycle
    const workflowVersion = dbVersion();
    expect(workflowVersion).toBe(6);

    // Restore the backup over the lane's DB, then engage the kill switch by a DB-only write, as the CLI does.
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`]) fs.rmSync(f, { force: true });
    fs.copyFileSync(backup, dbPath);
    const cliVersion = cliKill(dbPath, 'engaged after the restore');
    expect(cliVersion).toBe(3);
    expect(cliVersion).toBeLessThan(workflowVersion);

    const w2 = await startLaneWorker(dev, bundle, id, { dbPath });
    await w2.worker.runUntil(async () => {
      const s = await waitFor('cycle 2 on the restored DB', async () => {
        const st = await devStatus(id);
        return st.lastCycle?.cycle === 2 ? st : null;
      }, 60_000);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, reason: 'engaged after the restore', source: 'cli' });
      expect(s.lastCycle?.outcome).toBe('skipped:kill_switch_guard');
      // The workflow's next write keeps it in the DB.
      await dev.client.workflow.getHandle(id.lane).signal(pauseSignal);
      const row = await waitFor('the workflow writes the pause', () => {
        const r = withLaneStore(dbPath, (db) => db.control.read());
        return r?.paused ? r : null;
      });
      expect(row).toMatchObject({ updatedBy: 'workflow', killSwitch: { engaged: true, reason: 'engaged after the restore', source: 'cli' } });
      await dev.client.workflow.getHandle(id.lane).terminate('test done');
    });
    w2.store.close();
    expect(cycleRows(dbPath)).toEqual([[1, 'completed'], [2, 'skipped:kill_switch_guard']]);
  });
});
