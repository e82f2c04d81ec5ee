/**
 * Issue 11: `watchdog` flags a missing or stale heartbeat, a running workflow with no worker, and a closed workflow;
 * healthy with a real worker running the lane on a real Temporal dev server. With --alert the webhook (a local
 * receiver) gets one `raised` per unhealthy episode and one `resolved` when it recovers.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import path from 'node:path';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { cycleInputFor, killSourceReader, prepareLane } from '../../src/cli/lane';
import { formatWatchdog, runWatchdog } from '../../src/cli/watchdog-command';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { createLaneWorker, LaneWorker, workflowsPath } from '../../src/worker';
import { WORKFLOW_TYPE } from '../../src/workflows/definitions';
import { tempDir } from '../helpers/lane';
import { createLocalEnv } from '../helpers/temporal';
import { startTestSim } from '../helpers/trading';
import { startReceiver, Receiver } from '../helpers/http-receiver';

const LANE = 'kalshi-autopilot-sim-dry-run';
const cwd = tempDir('kap-watchdog-');
let env: TestWorkflowEnvironment;
let sim: SimHandle;
let hook: Receiver;
let native: NativeConnection | null = null;
let lw: LaneWorker | null = null;
let running: Promise<void> | null = null;

const vars = () => ({ KALSHI_AUTOPILOT_WEBHOOK_URL: hook.url });
const watch = (alert = false) => runWatchdog({ env: 'sim', dryRun: true, temporalAddress: env.address, alert }, { cwd, env: vars() });
const codes = (r: Awaited<ReturnType<typeof watch>>) => r.problems.map((p) => p.code);
const lane = () => prepareLane({ env: 'sim', dryRun: true }, { cwd, env: vars() });
async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  env = await createLocalEnv();
  sim = await startTestSim({ clock: { mode: 'wall' } });
  hook = await startReceiver();
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({
    venues: { kalshi: { base_url: sim.baseUrl } },
    trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['SIMHIGHTEMP'] },
    observability: { webhook_enabled: true, watchdog_grace_seconds: 60 },
  }));
}, 180_000);

afterAll(async () => {
  lw?.shutdown();
  await running;
  await native?.close();
  await env?.teardown();
  await sim?.close();
  await hook?.close();
});

describe('watchdog', () => {
  it('no heartbeat and no workflow: unhealthy; --alert raises once per episode, not on every run', async () => {
    const r = await watch(true);
    expect(r.healthy).toBe(false);
    expect(codes(r)).toEqual(['heartbeat_missing', 'workflow_not_running']);
    expect(r.alert).toBe('raised');
    expect(formatWatchdog(r)).toMatch(/^UNHEALTHY: kalshi-autopilot-sim-dry-run\n  heartbeat_missing: /);
    const again = await watch(true);
    expect(again.alert).toBe('unchanged');
    expect(hook.received.map((x) => (x.json as { state: string; event: string }).state)).toEqual(['raised']);
    expect(hook.received[0].json).toMatchObject({ event: 'watchdog', lane: LANE, severity: 'critical', title: 'lane unhealthy' });
  });

  it('a running workflow that no worker polls: no_worker', async () => {
    await env.client.workflow.start(WORKFLOW_TYPE, { workflowId: LANE, taskQueue: LANE, args: [cycleInputFor(lane())] });
    const r = await watch();
    expect(codes(r)).toEqual(['heartbeat_missing', 'no_worker']);
    expect(r.workflow).toBe('running');
  });

  it('with a worker running its cycles: healthy, and --alert sends the recovery once', async () => {
    const l = lane();
    native = await NativeConnection.connect({ address: env.address });
    lw = await createLaneWorker({
      identity: l.identity, banner: l.banner, dbPath: l.ctx.dbPath, heartbeatPath: l.ctx.heartbeatPath, readKillSources: killSourceReader(l.ctx, {}),
      logger: silentLogger(), connection: native, trading: buildTradingDeps(l.ctx, { logger: silentLogger(), simBaseUrl: sim.baseUrl }),
      workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never }),
    });
    running = lw.run();
    await waitFor('the first heartbeat', () => fs.existsSync(l.ctx.heartbeatPath) && JSON.parse(fs.readFileSync(l.ctx.heartbeatPath, 'utf8')).written_by === 'cycle');
    const r = await watch(true);
    expect(codes(r)).toEqual([]);
    expect(r.healthy).toBe(true);
    expect(r.alert).toBe('resolved');
    expect((await watch(true)).alert).toBe('unchanged');
    expect(hook.received.map((x) => (x.json as { state: string }).state)).toEqual(['raised', 'resolved']);
  }, 120_000);

  it('a heartbeat past its next-due time plus grace: heartbeat_stale', async () => {
    const p = lane().ctx.heartbeatPath;
    const hb = JSON.parse(fs.readFileSync(p, 'utf8'));
    const old = Date.now() - 2 * 3_600_000;
    fs.writeFileSync(p, JSON.stringify({ ...hb, at: new Date(old).toISOString(), next_cycle_at: new Date(old + 3_600_000).toISOString() }));
    const r = await watch();
    expect(codes(r)).toEqual(['heartbeat_stale']);
    expect(r.problems[0].detail).toMatch(/60 min ago, grace 60 s/);
    // Within grace it is healthy again.
    fs.writeFileSync(p, JSON.stringify({ ...hb, at: new Date().toISOString(), next_cycle_at: new Date(Date.now() - 30_000).toISOString() }));
    expect(codes(await watch())).toEqual([]);
  });

  it('a closed workflow: workflow_not_running, naming its state', async () => {
    await env.client.workflow.getHandle(LANE).terminate('watchdog test');
    const r = await watch();
    expect(codes(r)).toContain('workflow_not_running');
    expect(r.problems.find((p) => p.code === 'workflow_not_running')?.detail).toMatch(/terminated since/);
  });
});
