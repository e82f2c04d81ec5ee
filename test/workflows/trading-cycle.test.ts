/**
 * tradingCycle on a real (time-skipping) Temporal server with a real worker, real activities and a real SQLite DB.
 */
import { timeSkippingWithBundle } from '../helpers/dry-run';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { cycleInput, startLaneWorker, tempDir, testIdentity, withLaneStore } from '../helpers/lane';
import { registerSecret } from '../../src/observability/redact';
import { applyKillSwitch, initialControlState, latchHalt } from '../../src/domain/control';
import {
  clearHaltSignal,
  killSwitchSignal,
  pauseSignal,
  resumeSignal,
  statusQuery,
  WORKFLOW_TYPE,
  type CarriedState,
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

function start(input: TradingCycleInput) {
  return env.client.workflow.start(WORKFLOW_TYPE, {
    taskQueue: input.lane.lane,
    workflowId: input.lane.lane,
    args: [input],
  });
}

function cycleRows(dbPath: string): Array<{ cycle: number; outcome: string; first_run_id: string; run_id: string }> {
  const db = new BetterSqlite3(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT cycle, outcome, first_run_id, run_id FROM cycles ORDER BY cycle').all() as never;
  } finally {
    db.close();
  }
}

describe('tradingCycle', () => {
  it('runs cycles on the logical clock, records each in the DB and writes a heartbeat', async () => {
    const id = testIdentity();
    const heartbeatPath = path.join(tempDir(), 'heartbeat.json');
    const lw = await startLaneWorker(env, bundle, id, { heartbeatPath });
    const result = await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 3, cycleIntervalSeconds: 3600 }));
      return (await h.result()) as TradingCycleResult;
    });
    expect(result.cycles).toBe(3);
    const rows = cycleRows(lw.dbPath);
    expect(rows.map((r) => [r.cycle, r.outcome])).toEqual([[1, 'completed'], [2, 'completed'], [3, 'completed']]);
    expect(new Set(rows.map((r) => r.first_run_id))).toEqual(new Set([result.firstRunId]));
    const hb = JSON.parse(fs.readFileSync(heartbeatPath, 'utf8'));
    expect(hb.cycle).toBe(3);
    expect(hb.outcome).toBe('completed');
    expect(hb.lane.mode).toBe('dry-run');
    // Cycles are an hour apart on the workflow clock (time-skipped), not on the wall clock.
    const db = new BetterSqlite3(lw.dbPath, { readonly: true });
    const starts = (db.prepare('SELECT started_at_ms AS s FROM cycles ORDER BY cycle').all() as { s: number }[]).map((r) => r.s);
    db.close();
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(3600_000);
    expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(3600_000);
  });

  it('answers the status query and obeys pause/resume', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('30 seconds');
      let s = await h.query(statusQuery);
      expect(s.lane).toEqual(id);
      expect(s.banner.scope).toBe('series=KXTEST');
      expect(s.cycle).toBe(1);
      expect(s.phase).toBe('waiting');
      expect(s.tradingBlockedBy).toBeNull();
      expect(s.lastCycle?.outcome).toBe('completed');
      expect(s.firstRunId).toBe(h.firstExecutionRunId);

      await h.signal(pauseSignal);
      await env.sleep('700 seconds');
      s = await h.query(statusQuery);
      expect(s.control.paused).toBe(true);
      expect(s.tradingBlockedBy).toBe('paused_guard');
      expect(s.lastCycle?.outcome).toBe('skipped:paused_guard');

      await h.signal(resumeSignal);
      await env.sleep('700 seconds');
      s = await h.query(statusQuery);
      expect(s.control.paused).toBe(false);
      expect(s.lastCycle?.outcome).toBe('completed');
      await h.terminate('test done');
    });
    const events = withLaneStore(lw.dbPath, (db) => db.control.events().map((e) => e.detail.paused));
    expect(events).toContain(true); // the pause was persisted
    expect(events[0]).toBe(false); // and so was the resume (newest first)
  });

  it('acts on the kill switch at once: workflow state and DB, before the next cycle is due', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 3600 }));
      await env.sleep('10 seconds');
      await h.signal(killSwitchSignal, { engaged: true, reason: 'operator test', cancelResting: true });
      await env.sleep('5 seconds'); // far less than the 1 h cycle interval
      const s = await h.query(statusQuery);
      expect(s.cycle).toBe(1);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, reason: 'operator test', source: 'signal', cancelResting: true });
      expect(s.tradingBlockedBy).toBe('kill_switch_guard');
      const row = withLaneStore(lw.dbPath, (db) => db.control.read());
      expect(row?.killSwitch).toMatchObject({ engaged: true, reason: 'operator test', source: 'signal' });
      expect(row?.updatedBy).toBe('workflow');

      await env.sleep('3700 seconds');
      expect((await h.query(statusQuery)).lastCycle?.outcome).toBe('skipped:kill_switch_guard');
      await h.signal(killSwitchSignal, { engaged: false });
      await env.sleep('3700 seconds');
      const after = await h.query(statusQuery);
      expect(after.control.killSwitch.engaged).toBe(false);
      expect(after.lastCycle?.outcome).toBe('completed');
      await h.terminate('test done');
    });
  });

  it('engages from the env var, the kill file and an offline CLI write to the DB', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 60 }));
      await env.sleep('10 seconds');
      lw.killSources.envKill = { reason: 'BOT_DISABLE_TRADING=1' };
      await env.sleep('60 seconds');
      let s = await h.query(statusQuery);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, source: 'env', reason: 'BOT_DISABLE_TRADING=1' });
      await h.terminate('next');
    });

    const id2 = testIdentity();
    const lw2 = await startLaneWorker(env, bundle, id2);
    // The CLI engaged the switch while the workflow was not running (written as 'cli', not by the workflow).
    withLaneStore(lw2.dbPath, (db) =>
      db.control.write(
        { ...initialControlState(), killSwitch: { engaged: true, reason: 'offline stop', source: 'cli', atMs: 1, cancelResting: false } },
        1, 'cli',
      ),
    );
    await lw2.worker.runUntil(async () => {
      const h = await start(cycleInput(id2, { maxCycles: 1 }));
      const r = (await h.result()) as TradingCycleResult;
      expect(r.control.killSwitch).toMatchObject({ engaged: true, reason: 'offline stop', source: 'cli' });
      expect(cycleRows(lw2.dbPath)[0].outcome).toBe('skipped:kill_switch_guard');
    });

    const id3 = testIdentity();
    const lw3 = await startLaneWorker(env, bundle, id3, { killSources: { envKill: null, fileKill: { reason: 'halt file present' } } });
    await lw3.worker.runUntil(async () => {
      const r = (await (await start(cycleInput(id3, { maxCycles: 1 }))).result()) as TradingCycleResult;
      expect(r.control.killSwitch).toMatchObject({ engaged: true, source: 'file', reason: 'halt file present' });
    });
  });

  it('survives a failing cycle: the error is recorded (DB row, status), the next cycle recovers', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    lw.killSources.fail = 'disk on fire';
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('300 seconds'); // past the activity's 5 attempts with backoff
      let s = await h.query(statusQuery);
      expect(s.cycle).toBe(1);
      expect(s.lastCycle?.outcome).toBe('error:Error');
      expect(s.errors).toMatchObject({ consecutive: 1, total: 1, last: 'cycle 1 begin: Error' });
      lw.killSources.fail = undefined;
      await env.sleep('600 seconds');
      s = await h.query(statusQuery);
      expect(s.cycle).toBe(2);
      expect(s.lastCycle?.outcome).toBe('completed');
      expect(s.errors.consecutive).toBe(0);
      await h.terminate('done');
    });
    expect(cycleRows(lw.dbPath).map((r) => [r.cycle, r.outcome])).toEqual([[1, 'error:Error'], [2, 'completed']]);
  });

  it("never overwrites a kill switch the CLI wrote to the DB: its own next write merges it in", async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 3600 }));
      await env.sleep('10 seconds');
      // The CLI engages the switch in the DB while its signal does not get through (Temporal blip).
      withLaneStore(lw.dbPath, (db) =>
        db.control.write(applyKillSwitch(db.control.readOrInitial(), { engaged: true, reason: 'cli while offline' }, 'cli', 5), 5, 'cli'),
      );
      await h.signal(pauseSignal); // the workflow writes its control state now
      await env.sleep('5 seconds');
      const row = withLaneStore(lw.dbPath, (db) => db.control.read());
      expect(row).toMatchObject({ paused: true, updatedBy: 'workflow', killSwitch: { engaged: true, reason: 'cli while offline', source: 'cli' } });
      const s = await h.query(statusQuery);
      expect(s.control.killSwitch).toMatchObject({ engaged: true, reason: 'cli while offline' });
      expect(s.tradingBlockedBy).toBe('kill_switch_guard');
      await h.terminate('done');
    });
  });

  it('a malformed killSwitch signal engages the switch (fail closed) with the parse error as its reason; other bad signals are recorded and ignored', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { cycleIntervalSeconds: 600 }));
      await env.sleep('10 seconds');
      await h.signal(clearHaltSignal, {} as never);
      await env.sleep('1 second');
      let s = await h.query(statusQuery);
      expect(s.control.killSwitch.engaged).toBe(false);
      expect(s.errors.last).toBe('rejected clearHalt signal: code: must be a string');
      for (const bad of [{ engaged: 'true' }, null, 42, { engaged: true, cancelResting: 'yes' }, { engaged: false, reason: 7 }]) {
        // Only a well-formed release releases.
        await h.signal(killSwitchSignal, { engaged: false });
        await env.sleep('1 second');
        expect((await h.query(statusQuery)).control.killSwitch.engaged).toBe(false);
        await h.signal(killSwitchSignal, bad as never);
        await env.sleep('1 second');
        s = await h.query(statusQuery);
        expect(s.control.killSwitch).toMatchObject({ engaged: true, source: 'signal' });
        expect(s.control.killSwitch.reason).toMatch(/^malformed killSwitch signal engages the switch \(fail closed\): killSwitch/);
        expect(s.errors.last).toMatch(/^rejected killSwitch signal: .*\(engaged the kill switch\)$/);
        // The engaged state reaches the DB as well (the order path reads it fresh).
        expect(withLaneStore(lw.dbPath, (db) => db.control.read()?.killSwitch.engaged)).toBe(true);
      }
      expect(s.errors.total).toBe(6);
      await env.sleep('600 seconds');
      expect((await h.query(statusQuery)).lastCycle?.outcome).toBe('skipped:kill_switch_guard');
      await h.terminate('done');
    });
  });

  it('a fresh workflow adopts the pause and latched halts an earlier execution left in the DB', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    withLaneStore(lw.dbPath, (db) =>
      db.control.write({ ...latchHalt(initialControlState(), 'daily_loss_guard', 'lost 10%', 1), paused: true }, 1, 'workflow'),
    );
    await lw.worker.runUntil(async () => {
      const r = (await (await start(cycleInput(id, { maxCycles: 1 }))).result()) as TradingCycleResult;
      expect(r.control.paused).toBe(true);
      expect(r.control.latchedHalts.map((x) => x.code)).toEqual(['daily_loss_guard']);
    });
    expect(cycleRows(lw.dbPath)[0].outcome).toBe('skipped:daily_loss_guard');
  });

  it('an activity error quoting a secret reaches Temporal history scrubbed', async () => {
    const secret = 'kid-5f1c9a7e-0b2d-4c1e-9a3f-7d2e8b6c4a10';
    registerSecret(secret);
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    lw.killSources.fail = `cannot authenticate key ${secret}`;
    await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 1 }));
      await h.result();
      const history = JSON.stringify(await h.fetchHistory());
      expect(history).toContain('cannot authenticate key [REDACTED]');
      expect(history).not.toContain(secret);
    });
  });

  it('refuses, in every activity, a workflow whose mode, env or config hash differ from its worker, and latches a halt', async () => {
    const workerId = testIdentity();
    const lw = await startLaneWorker(env, bundle, workerId);
    await lw.worker.runUntil(async () => {
      for (const wrong of [{ configHash: 'deadbeefdeadbeef' }, { mode: 'live' as const }, { env: 'prod' as const }]) {
        const wfId = { ...workerId, ...wrong };
        const h = await env.client.workflow.start(WORKFLOW_TYPE, {
          taskQueue: workerId.lane,
          workflowId: `${workerId.lane}-${Object.keys(wrong)[0]}`,
          args: [cycleInput(wfId, { maxCycles: 1 })],
        });
        // The halt cannot be written to a worker's DB that refuses the workflow, so the run does not complete quietly
        // with it only in its result: it fails, naming the halt.
        const err = await h.result().then(() => null, (e: unknown) => e as WorkflowFailedError);
        expect(err).toBeInstanceOf(WorkflowFailedError);
        const cause = (err as WorkflowFailedError).cause as ApplicationFailure;
        expect(cause.type).toBe('ControlNotPersisted');
        expect(cause.message).toContain('"code":"lane_mismatch_guard"');
      }
    });
    // Nothing was recorded for the foreign workflows.
    expect(cycleRows(lw.dbPath)).toEqual([]);
  });
});

describe('a week unattended', () => {
  it('runs 168 hourly cycles over 7 days of workflow time, handing over to fresh runs, one first-run id throughout', async () => {
    const id = testIdentity();
    const lw = await startLaneWorker(env, bundle, id);
    const result = await lw.worker.runUntil(async () => {
      const h = await start(cycleInput(id, { maxCycles: 168, cycleIntervalSeconds: 3600 }));
      return (await h.result()) as TradingCycleResult;
    });
    expect(result.cycles).toBe(168);
    const rows = cycleRows(lw.dbPath);
    expect(rows).toHaveLength(168);
    expect(rows.every((r) => r.outcome === 'completed')).toBe(true);
    expect(new Set(rows.map((r) => r.first_run_id))).toEqual(new Set([result.firstRunId]));
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(2); // 100 cycles per run, then continue-as-new
    const db = new BetterSqlite3(lw.dbPath, { readonly: true });
    const span = db.prepare('SELECT MAX(started_at_ms) - MIN(started_at_ms) AS s FROM cycles').get() as { s: number };
    db.close();
    expect(span.s).toBeGreaterThanOrEqual(167 * 3600_000); // a week of workflow (logical) time
  }, 180_000);
});

describe('continue-as-new carries every piece of durable control state', () => {
  async function runAcross(input: TradingCycleInput, mid?: (h: Awaited<ReturnType<typeof start>>) => Promise<void>) {
    const lw = await startLaneWorker(env, bundle, input.lane);
    return lw.worker.runUntil(async () => {
      const h = await start(input);
      // Signal the lane (latest run), not the first run, which has already handed over.
      if (mid) await mid(env.client.workflow.getHandle(input.lane.lane) as never);
      const result = (await h.result()) as TradingCycleResult;
      const dbControl = withLaneStore(lw.dbPath, (db) => db.control.read());
      return { h, result, rows: cycleRows(lw.dbPath), dbControl };
    });
  }

  it('the cycle counter and the first run id (the idempotency root)', async () => {
    const id = testIdentity();
    const { h, result, rows } = await runAcross(cycleInput(id, { maxCycles: 5, cyclesPerRun: 2 }));
    expect(result.cycles).toBe(5);
    expect(rows.map((r) => r.cycle)).toEqual([1, 2, 3, 4, 5]);
    // Three runs (2 + 2 + 1 cycles), one first-run id throughout.
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(3);
    expect(new Set(rows.map((r) => r.first_run_id))).toEqual(new Set([h.firstExecutionRunId]));
    expect(result.firstRunId).toBe(h.firstExecutionRunId);
  });

  it('the kill switch', async () => {
    const id = testIdentity();
    const { result, rows, dbControl } = await runAcross(cycleInput(id, { maxCycles: 4, cyclesPerRun: 1 }), async (h) => {
      await env.sleep('10 seconds');
      await h.signal(killSwitchSignal, { engaged: true, reason: 'carry me' });
    });
    expect(result.control.killSwitch).toMatchObject({ engaged: true, reason: 'carry me' });
    expect(dbControl?.killSwitch).toMatchObject({ engaged: true, reason: 'carry me' });
    expect(new Set(rows.map((r) => r.run_id)).size).toBe(4);
    expect(rows.slice(1).map((r) => r.outcome)).toEqual(Array(3).fill('skipped:kill_switch_guard'));
  });

  it('the pause', async () => {
    const id = testIdentity();
    const { result, rows, dbControl } = await runAcross(cycleInput(id, { maxCycles: 4, cyclesPerRun: 1 }), async (h) => {
      await env.sleep('10 seconds');
      await h.signal(pauseSignal);
    });
    expect(result.control.paused).toBe(true);
    expect(dbControl?.paused).toBe(true);
    expect(rows.slice(1).map((r) => r.outcome)).toEqual(Array(3).fill('skipped:paused_guard'));
  });

  it('latched halts, until an operator clears them', async () => {
    const id = testIdentity();
    const carried: CarriedState = {
      cycle: 7,
      firstRunId: 'root-run-id-from-an-earlier-generation',
      control: latchHalt(initialControlState(), 'daily_loss_guard', 'lost 10% today', 1),
      persisted: initialControlState(), // the previous run could not write it: this one must
      controlVersion: 0,
      lastCycle: null,
      errors: { consecutive: 0, total: 2, last: 'cycle 6: x' },
      generation: 3,
    };
    const { result, rows, dbControl } = await runAcross(cycleInput(id, { maxCycles: 10, cyclesPerRun: 1, carried }));
    expect(dbControl?.latchedHalts.map((h) => h.code)).toEqual(['daily_loss_guard']);
    expect(result.cycles).toBe(10);
    expect(result.firstRunId).toBe('root-run-id-from-an-earlier-generation');
    expect(result.control.latchedHalts).toEqual([{ code: 'daily_loss_guard', reason: 'lost 10% today', atMs: 1 }]);
    expect(rows.map((r) => [r.cycle, r.outcome])).toEqual([
      [8, 'skipped:daily_loss_guard'], [9, 'skipped:daily_loss_guard'], [10, 'skipped:daily_loss_guard'],
    ]);

    const id2 = testIdentity();
    const cleared = await runAcross(cycleInput(id2, { maxCycles: 10, cyclesPerRun: 1, carried, cycleIntervalSeconds: 600 }), async (h) => {
      await env.sleep('10 seconds');
      await h.signal(clearHaltSignal, { code: 'daily_loss_guard' });
    });
    expect(cleared.result.control.latchedHalts).toEqual([]);
    expect(cleared.rows.at(-1)?.outcome).toBe('completed');
  });
});
