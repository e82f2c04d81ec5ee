/**
 * Issue 10 items 1, 2, 3, 6, 12, 13, 17: what `status`, `kill-switch` and `clear-halt` tell an operator must be true.
 * The real, built CLI as a child process against a real Temporal dev server; the lane's worker runs in this process
 * (as `kalshi-autopilot worker` builds it) only from the test that starts it; the workflow is cancelled and terminated
 * with the plain temporal CLI.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { killSourceReader, prepareLane } from '../../src/cli/lane';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { openStore } from '../../src/store';
import { createLaneWorker, LaneWorker, workflowsPath } from '../../src/worker';
import { statusQuery } from '../../src/workflows/definitions';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { createLocalEnv, temporalCliPath } from '../helpers/temporal';
import { startTestSim } from '../helpers/trading';

const execFileAsync = promisify(execFile);
const LANE = 'kalshi-autopilot-sim-dry-run';
const laneFlags = ['--env', 'sim', '--dry-run'];
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const secretEnv = { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
const cwd = tempDir('kap-status-');
const dbPath = path.join(cwd, 'data', `${LANE}.sqlite`);
let env: TestWorkflowEnvironment;
let address: string;
let sim: SimHandle | null = null;
let native: NativeConnection | null = null;
let lw: LaneWorker | null = null;
let running: Promise<void> | null = null;

/** The CLI on this suite's lane; 20 s is far below the ~31 s today's `status` needs to give up on a missing worker. */
function cli(args: string[], extraEnv: NodeJS.ProcessEnv = {}, temporal = address) {
  return runCli([...args, ...laneFlags, '--temporal-address', temporal], { cwd, env: { ...secretEnv, ...extraEnv }, timeoutMs: 20_000 });
}
async function statusJson(extraEnv: NodeJS.ProcessEnv = {}) {
  const r = await cli(['status', '--json'], extraEnv);
  expect(r.timedOut).toBe(false);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}
const temporal = async (...args: string[]) => (await execFileAsync(temporalCliPath(), [...args, '--address', address], { encoding: 'utf8' })).stdout;
/** The lane flags the CLI repeats in the command it suggests (this suite passes --temporal-address). */
const fl = () => `--env sim --dry-run --temporal-address ${address}`;
const query = () => env.client.workflow.getHandle(LANE).query(statusQuery);
async function waitFor(what: string, cond: () => Promise<boolean>, ms = 30_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  env = await createLocalEnv();
  address = env.address;
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }));
}, 180_000);

afterAll(async () => {
  lw?.shutdown();
  await running;
  await native?.close();
  await env?.teardown();
  await sim?.close();
});

async function startWorker(): Promise<void> {
  const lane = prepareLane({ env: 'sim', dryRun: true }, { cwd, env: secretEnv });
  sim = await startTestSim({ clock: { mode: 'wall' } });
  native = await NativeConnection.connect({ address });
  lw = await createLaneWorker({
    identity: lane.identity,
    banner: lane.banner,
    dbPath: lane.ctx.dbPath,
    heartbeatPath: lane.ctx.heartbeatPath,
    readKillSources: killSourceReader(lane.ctx, {}),
    logger: silentLogger(),
    connection: native,
    trading: buildTradingDeps(lane.ctx, { logger: silentLogger(), simBaseUrl: sim.baseUrl }),
    workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never }),
  });
  running = lw.run();
}

describe('status tells the server, the workflow and the worker apart (real CLI, real Temporal)', () => {
  it('server unreachable: says so at once and names the fix', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const dead = `127.0.0.1:${(srv.address() as AddressInfo).port}`;
    await new Promise<void>((r) => srv.close(() => r()));
    const r = await cli(['status', '--json'], {}, dead);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ temporalProblem: 'server_unreachable', workflowState: null, workflow: null, controlDisagreement: null });
    expect(s.temporalError).toContain(`Temporal server unreachable at ${dead}: start it (\`bash temporal/dev-server.sh start\`, or \`kalshi-autopilot up --env sim --dry-run --temporal-address ${dead}\`)`);
  });

  it('no workflow yet: names start and up', async () => {
    const r = await cli(['status']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`workflow: not running: no workflow ${LANE} at ${address}; start it with \`kalshi-autopilot start ${fl()}\``);
    expect(r.stdout).not.toMatch(/workflow workflow/);
    expect(r.stdout).toContain(`\`kalshi-autopilot up ${fl()}\``);
  });

  it('running with no worker polling its task queue: says so quickly (no 31 s query) and names worker/up', async () => {
    const started = await cli(['start', '--json']);
    expect(started.code).toBe(0);
    const runId = JSON.parse(started.stdout).runId;
    const t0 = Date.now();
    const s = await statusJson();
    expect(Date.now() - t0).toBeLessThan(20_000);
    expect(s.workflowState).toEqual({ status: 'running', closedAt: null, runId });
    expect(s.temporalProblem).toBe('no_worker');
    expect(s.pollers).toEqual([]);
    const text = await cli(['status']);
    expect(text.timedOut).toBe(false);
    expect(text.stdout).toContain(
      `workflow: no worker polling task queue ${LANE}: the workflow is running but nothing executes its cycles; run \`kalshi-autopilot worker ${fl()}\` (or \`kalshi-autopilot up ${fl()}\`)`,
    );
  });

  it('with a worker: the next cycle in local time and as "in about an hour"', async () => {
    await startWorker();
    await waitFor('cycle 1', async () => (await query()).cycle >= 1 && (await query()).phase === 'waiting', 60_000);
    const s = await statusJson();
    expect(s.temporalProblem).toBeNull();
    expect(s.workflowState.status).toBe('running');
    expect(s.pollers.some((p: { live: boolean }) => p.live)).toBe(true);
    const next: number = s.workflow.nextCycleAtMs;
    expect(s.nextCycle.at).toBe(new Date(next).toISOString());
    // Asia/Kolkata is UTC+05:30 all year: the local time is the UTC one shifted by 5 h 30.
    const r = await cli(['status'], { TZ: 'Asia/Kolkata' });
    const local = new Date(next + 5.5 * 3600_000).toISOString().replace('T', ' ').slice(0, 19);
    expect(r.stdout).toMatch(new RegExp(`\\n  next cycle: ${local} \\+05:30 \\(in (59 min|1 h)\\)\\n`));
  });

  it('kill-switch ON / Off / yes / 0: any case and the env-var words; the signal says it came from the CLI', async () => {
    const on = await cli(['kill-switch', 'ON', '--reason', 'drill']);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/workflow signalled kalshi-autopilot-sim-dry-run\nengaged: in the running workflow/);
    expect((await query()).control.killSwitch).toMatchObject({ engaged: true, source: 'cli', reason: 'drill' });
    const text = await cli(['status']);
    expect(text.stdout).toContain('kill switch: ENGAGED (cli: drill)');
    expect((await statusJson()).controlDisagreement).toEqual([]);
    expect((await cli(['kill-switch', 'Off'])).code).toBe(0);
    expect((await query()).control.killSwitch.engaged).toBe(false);
    expect((await cli(['kill-switch', 'yes'])).code).toBe(0);
    expect((await query()).control.killSwitch).toMatchObject({ engaged: true, source: 'cli', reason: 'kill-switch on from the CLI' });
    expect((await cli(['kill-switch', '0'])).code).toBe(0);
    expect((await query()).control.killSwitch.engaged).toBe(false);
    const bad = await cli(['kill-switch', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('state must be "on" or "off" (any case; also 1/true/yes, 0/false/no) (got "maybe")');
  });

  it('--help of kill-switch, status and clear-halt lists only the flags that mean something to them', async () => {
    for (const cmd of ['kill-switch', 'status', 'clear-halt']) {
      const r = await runCli([cmd, '--help'], { cwd });
      expect(r.code).toBe(0);
      for (const flag of ['--env', '--dry-run', '--live', '--db', '--config', '--temporal-address', '--namespace']) expect(r.stdout).toContain(flag);
      for (const flag of ['--series-tickers', '--event-tickers', '--market-ids', '--kalshi-base-url', '--non-interactive']) expect(r.stdout).not.toContain(flag);
    }
    const scoped = await cli(['kill-switch', 'on', '--series-tickers', 'KXHIGHNY']);
    expect(scoped.code).toBe(2);
    expect(scoped.stderr).toMatch(/unknown option '--series-tickers'/);
  });

  it('a DB and a workflow that disagree are flagged loudly; clear-halt of a DB-only halt is refused (3)', async () => {
    const store = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
    const now = Date.now();
    store.control.write({ ...store.control.readOrInitial(), latchedHalts: [{ code: 'drawdown_guard', reason: 'test: written behind the workflow', atMs: now }] }, now, 'test');
    store.close();
    const s = await statusJson();
    expect(s.controlDisagreement).toEqual([{ field: 'latchedHalts', workflow: [], db: ['drawdown_guard'] }]);
    const text = await cli(['status']);
    expect(text.stdout).toContain('  DISAGREE: latched halts: workflow none, DB drawdown_guard\n');
    const early = await cli(['clear-halt', 'drawdown_guard']);
    expect(early.code).toBe(3);
    expect(early.stderr).toContain('clear-halt drawdown_guard: latched in the lane DB but not (yet) in the workflow');
    // A pause makes the workflow persist, adopting what was written behind it: the two agree again.
    expect((await cli(['pause'])).code).toBe(0);
    await waitFor('the workflow adopts drawdown_guard', async () => (await query()).control.latchedHalts.some((h) => h.code === 'drawdown_guard'));
    await waitFor('the DB has the pause', async () => (await statusJson()).db.control.paused === true);
    expect((await statusJson()).controlDisagreement).toEqual([]);
  });

  it('clear-halt refuses unknown and unlatchable codes (2) listing the latched ones; clears a latched one; a second time is a no-op (0)', async () => {
    const bogus = await cli(['clear-halt', 'bogus_guard']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr).toContain('unknown halt code "bogus_guard": not in the reason-code registry');
    expect(bogus.stderr).toMatch(/clear-halt takes a latchable code: .*drawdown_guard/);
    expect(bogus.stderr).toContain(`latched now on ${LANE} (from the workflow): drawdown_guard`);
    const skip = await cli(['clear-halt', 'min_edge_guard']);
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain('min_edge_guard is not a latched halt');
    expect((await query()).control.latchedHalts.map((h) => h.code)).toEqual(['drawdown_guard']);

    const ok = await cli(['clear-halt', 'drawdown_guard']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`clear-halt drawdown_guard: signalled ${LANE}\n  latched now on ${LANE} (from the workflow): none`);
    expect((await query()).control.latchedHalts).toEqual([]);
    const again = await cli(['clear-halt', 'drawdown_guard']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`clear-halt drawdown_guard: not latched on ${LANE}: nothing to clear (no signal sent)`);
    expect((await cli(['resume'])).code).toBe(0);
  });

  it('a workflow cancelled or terminated with the temporal CLI is shown closed, with when and how to start again', async () => {
    const runId = (await env.client.workflow.getHandle(LANE).describe()).runId;
    await temporal('workflow', 'cancel', '--workflow-id', LANE);
    await waitFor('the workflow closes', async () => (await env.client.workflow.getHandle(LANE).describe()).status.name !== 'RUNNING');
    const d = await env.client.workflow.getHandle(LANE).describe();
    expect(d.status.name).toBe('CANCELLED');
    const s = await statusJson();
    expect(s.workflowState).toEqual({ status: 'canceled', closedAt: d.closeTime!.toISOString(), runId });
    expect(s.workflow).toBeNull();
    const text = await cli(['status']);
    expect(text.stdout).not.toContain('phase=waiting');
    expect(text.stdout).toMatch(new RegExp(`\\n  workflow: CANCELED at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d\\d:\\d\\d \\(\\d+ s ago\\), run ${runId}: the lane is NOT running and no cycles run\\n`));
    expect(text.stdout).toContain(`  start it again: \`kalshi-autopilot start ${fl()}\` (with a worker: \`kalshi-autopilot worker ${fl()}\`) or \`kalshi-autopilot up ${fl()}\``);

    const again = await cli(['start', '--json']);
    expect(again.code).toBe(0);
    await temporal('workflow', 'terminate', '--workflow-id', LANE, '--reason', 'test');
    const t = await statusJson();
    expect(t.workflowState).toMatchObject({ status: 'terminated', runId: JSON.parse(again.stdout).runId });
    expect((await cli(['status'])).stdout).toMatch(/\n {2}workflow: TERMINATED at .*: the lane is NOT running/);
  });
});
