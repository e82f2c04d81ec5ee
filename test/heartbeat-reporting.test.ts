/**
 * Issue 11 (plan name): the heartbeat is rewritten each cycle with the right status in each state — active, paused,
 * kill switch, daily-loss halt, error — and each critical event reaches a local HTTP webhook receiver exactly once
 * per episode (raised once, resolved once), on the real time-skipping Temporal server with a real worker and lane DB.
 * A failing webhook never fails a cycle (its alert arrives once it recovers); a planted secret never reaches a payload.
 */
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { timeSkippingWithBundle } from './helpers/dry-run';
import { cycleInput, startLaneWorker, tempDir, testIdentity, withLaneStore } from './helpers/lane';
import { simTradingDeps } from './helpers/trading';
import { cycleRows, freshSim, startLane, terminateQuietly } from './helpers/pipeline';
import { startReceiver, Receiver } from './helpers/http-receiver';
import { latchHalt } from '../src/domain/control';
import { nextUtcMidnightMs } from '../src/domain/reason-codes';
import { registerSecret } from '../src/observability/redact';
import type { SimHandle } from '../src/sim';
import { killSwitchSignal, pauseSignal, resumeSignal, statusQuery, stopSignal } from '../src/workflows/definitions';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sim: SimHandle;
let hook: Receiver;
const SECRET = 'sk-planted-7f3a9c1e5b2d4f6a8c0e';

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
  sim = await freshSim(env);
  hook = await startReceiver();
  registerSecret(SECRET);
}, 180_000);

afterAll(async () => {
  await env?.teardown();
  await sim?.close();
  await hook?.close();
});

type Handle = Awaited<ReturnType<typeof startLane>>;
type Json = { event: string; state: string; lane: string; title: string; text: string };

/** Skip time until the lane's workflow has finished cycle n (bounded). */
async function untilCycle(h: Handle, n: number): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const s = await h.query(statusQuery);
    if (s.lastCycle && s.lastCycle.cycle >= n && s.phase !== 'cycle') return;
    await env.sleep('10 seconds');
  }
  throw new Error(`cycle ${n} did not finish`);
}

describe('heartbeat and alerts through a week-like sequence of states', () => {
  it('each state shows in the heartbeat; each critical event is sent once per episode; its end once', async () => {
    const id = testIdentity();
    const hb = path.join(tempDir('kap-hb-'), 'heartbeat.json');
    const lw = await startLaneWorker(env, bundle, id, {
      heartbeatPath: hb,
      trading: simTradingDeps(sim, { alerts: { repeated_failure_threshold: 2 }, observability: { deadman_url: `${hook.url.replace(/\/hook$/, '')}/deadman/${id.lane}` } }),
      alerts: { url: hook.url, format: 'generic', timeoutMs: 5_000 },
    });
    const sent = () => hook.received.map((r) => r.json as Json).filter((j) => j?.lane === id.lane).map((j) => `${j.event}:${j.state}`);
    const beat = () => JSON.parse(fs.readFileSync(hb, 'utf8')) as { status: string; cycle: number; outcome: string; written_by: string; errors: { consecutive: number } };
    let h: Handle | null = null;
    await lw.worker.runUntil(async () => {
      try {
        h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 60 }));
        await untilCycle(h, 1);
        expect(beat()).toMatchObject({ status: 'active', cycle: 1, written_by: 'cycle' });
        expect(sent()).toEqual([]);

        await h.signal(pauseSignal);
        await untilCycle(h, 2);
        expect(beat()).toMatchObject({ status: 'paused', cycle: 2 });
        await h.signal(resumeSignal);

        // The kill switch by signal, a planted secret in its reason: told at once (in the wait), once for the episode.
        await h.signal(killSwitchSignal, { engaged: true, reason: `rotating ${SECRET}` });
        for (let i = 0; i < 200 && !sent().includes('kill_switch:raised'); i += 1) await new Promise((r) => setTimeout(r, 25));
        expect([sent(), (await h.query(statusQuery)).lastCycle?.cycle]).toEqual([['kill_switch:raised'], 2]); // before any new cycle
        await untilCycle(h, 4);
        expect(beat()).toMatchObject({ status: 'killed', cycle: 4 });
        expect(sent()).toEqual(['kill_switch:raised']);
        await h.signal(killSwitchSignal, { engaged: false, reason: 'done' });
        await untilCycle(h, 5);
        expect(beat()).toMatchObject({ status: 'active', cycle: 5 });
        expect(sent()).toEqual(['kill_switch:raised', 'kill_switch:resolved']);

        // A daily-loss halt latched in the DB (as the guard does): adopted at the next cycle, told once.
        withLaneStore(lw.dbPath, (s) => {
          const row = s.control.read()!;
          const now = Date.parse((JSON.parse(fs.readFileSync(hb, 'utf8')) as { at: string }).at);
          s.control.write(latchHalt(row, 'daily_loss_guard', 'lost 10.0% of the day\'s capital', now, nextUtcMidnightMs(now)), now, 'cli', 'test');
        });
        await untilCycle(h, 7);
        expect(beat()).toMatchObject({ status: 'halted', cycle: 7 });
        expect(sent().filter((e) => e.startsWith('daily_loss_halt'))).toEqual(['daily_loss_halt:raised']);

        // Two failed cycles in a row (beginCycle throws): the heartbeat says error, repeated_failures is told once.
        lw.killSources.fail = 'disk on fire';
        await untilCycle(h, 10);
        expect(beat().outcome).toMatch(/^error:/);
        expect(beat().errors.consecutive).toBeGreaterThanOrEqual(2);
        lw.killSources.fail = undefined;
        await untilCycle(h, 11);
        expect(sent().filter((e) => e.startsWith('repeated_failures'))).toEqual(['repeated_failures:raised', 'repeated_failures:resolved']);

        await h.signal(stopSignal, { reason: 'end of test' });
        for (let i = 0; i < 100 && (await h.describe()).status.name === 'RUNNING'; i += 1) await env.sleep('5 seconds');
        expect(sent().filter((e) => e.startsWith('workflow_closed'))).toEqual(['workflow_closed:info']);
        expect(sent().filter((e) => e.startsWith('kill_switch'))).toEqual(['kill_switch:raised', 'kill_switch:resolved']);
      } finally {
        await terminateQuietly(h);
      }
    });
    // The dead-man's switch got one GET per finished cycle, failed cycles included (finishCycle runs for every cycle).
    const finished = cycleRows(lw.dbPath).filter((r) => r.outcome !== 'running').length;
    expect(finished).toBeGreaterThanOrEqual(11);
    expect(hook.received.filter((r) => r.method === 'GET' && r.path === `/deadman/${id.lane}`)).toHaveLength(finished);
    for (const r of hook.received) expect(r.body).not.toContain(SECRET);
    expect(hook.received.some((r) => r.body.includes('rotating [REDACTED]') || r.body.includes('rotating ***'))).toBe(true);
  }, 300_000);

  it('a failing webhook never fails a cycle; the alert arrives once it recovers', async () => {
    const id = testIdentity();
    hook.status = 500;
    const lw = await startLaneWorker(env, bundle, id, { trading: simTradingDeps(sim), alerts: { url: hook.url, format: 'slack', timeoutMs: 5_000 } });
    let h: Handle | null = null;
    await lw.worker.runUntil(async () => {
      try {
        h = await startLane(env, cycleInput(id, { cycleIntervalSeconds: 60 }));
        await h.signal(killSwitchSignal, { engaged: true, reason: 'drill' });
        await untilCycle(h, 2);
        const rows = cycleRows(lw.dbPath).filter((r) => r.outcome !== 'running');
        expect(rows.map((r) => r.outcome).every((o) => !o.startsWith('error:'))).toBe(true);
        const tried = hook.received.filter((r) => JSON.stringify(r.json).includes(id.lane)).length;
        expect(tried).toBeGreaterThan(0);
        hook.status = 200;
        const before = hook.received.length;
        await untilCycle(h, 4);
        const ok = hook.received.slice(before).filter((r) => JSON.stringify(r.json).includes(id.lane));
        expect(ok.map((r) => r.json)).toEqual([{ text: expect.stringMatching(/^🔴 \[test-lane-\S+\] kill switch engaged — signal: drill/) }]);
      } finally {
        hook.status = 200;
        await terminateQuietly(h);
      }
    });
  }, 300_000);
});
