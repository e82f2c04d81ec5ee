/**
 * The operator's lane commands, end to end: the real CLI (child process) against a real Temporal dev server, with the
 * lane's worker running in this process exactly as `kalshi-autopilot worker` builds it.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, NativeConnection } from '@temporalio/worker';
import fs from 'node:fs';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createLocalEnv, temporalCliPath } from '../helpers/temporal';
import { startTestSim } from '../helpers/trading';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import type { SimHandle } from '../../src/sim';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { prepareLane, killSourceReader } from '../../src/cli/lane';
import { createLaneWorker, LaneWorker, workflowsPath } from '../../src/worker';
import { silentLogger } from '../../src/observability/logger';
import { openStore } from '../../src/store';
import { statusQuery } from '../../src/workflows/definitions';

const execFileAsync = promisify(execFile);
let env: TestWorkflowEnvironment;
let lw: LaneWorker;
let running: Promise<void>;
let native: NativeConnection;
const cwd = tempDir('kap-cli-');
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const secretEnv = { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY: pem };
const laneFlags = ['--env', 'sim', '--dry-run'];
let address: string;

function cli(args: string[]) {
  return runCli([...args, ...laneFlags, '--temporal-address', address], { cwd, env: secretEnv, timeoutMs: 60_000 });
}

let sim: SimHandle | null = null;
beforeAll(async () => {
  env = await createLocalEnv();
  address = env.address;
  fs.writeFileSync(
    path.join(cwd, 'kalshi-autopilot.config.json'),
    JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }),
  );
  // The worker as `kalshi-autopilot worker --env sim --dry-run` would build it in this directory.
  const lane = prepareLane({ env: 'sim', dryRun: true }, { cwd, env: secretEnv });
  native = await NativeConnection.connect({ address });
  lw = await createLaneWorker({
    identity: lane.identity,
    banner: lane.banner,
    dbPath: lane.ctx.dbPath,
    heartbeatPath: lane.ctx.heartbeatPath,
    readKillSources: killSourceReader(lane.ctx, {}),
    logger: silentLogger(),
    connection: native,
    // The venue: a loopback simulator, as `up` would start for this lane.
    trading: buildTradingDeps(lane.ctx, { logger: silentLogger(), simBaseUrl: (sim = await startTestSim({ clock: { mode: 'wall' } })).baseUrl }),
    workflowBundle: await bundleWorkflowCode({ workflowsPath: workflowsPath(), logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} } as never }),
  });
  running = lw.run();
}, 180_000);

afterAll(async () => {
  lw?.shutdown();
  await running;
  await native?.close();
  await env?.teardown();
  await sim?.close();
});

describe('lane commands (real CLI, real Temporal)', () => {
  it('start runs the workflow; a second start of the same lane is refused', async () => {
    const first = await cli(['start', '--json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const started = JSON.parse(first.stdout);
    expect(started).toMatchObject({ workflowId: 'kalshi-autopilot-sim-dry-run', taskQueue: 'kalshi-autopilot-sim-dry-run', mode: 'dry-run', env: 'sim' });

    const second = await cli(['start']);
    expect(second.code).toBe(3); // refused for safety
    expect(second.stderr).toMatch(/lane kalshi-autopilot-sim-dry-run is already running \(run [0-9a-f-]{36}, started [^)]*\): a second start is refused/);
  });

  it('status reports the workflow and the DB, and never a secret', async () => {
    // Wait for the first cycle to be recorded.
    const handle = env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run');
    for (let i = 0; i < 100 && (await handle.query(statusQuery)).cycle < 1; i++) await new Promise((r) => setTimeout(r, 100));
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.workflow.lane).toMatchObject({ lane: 'kalshi-autopilot-sim-dry-run', mode: 'dry-run', env: 'sim' });
    expect(s.workflow.cycle).toBe(1);
    expect(s.workflow.banner.scope).toBe('series=KXHIGHNY');
    expect(s.db.cycles).toBe(1);
    const human = await cli(['status']);
    for (const out of [r.stdout, r.stderr, human.stdout, human.stderr]) {
      expect(out).not.toContain(secretEnv.KALSHI_API_KEY_ID);
      expect(out).not.toContain(pem.split('\n')[1]);
    }
    expect(human.stdout).toMatch(/trading blocked by: nothing/);
  });

  it('kill-switch on acts at once in the workflow and in the DB; off releases it', async () => {
    const on = await cli(['kill-switch', 'on', '--reason', 'ops drill', '--cancel-resting']);
    expect(on.code).toBe(0);
    expect(on.stdout).toMatch(/db written to .*kalshi-autopilot-sim-dry-run\.sqlite; workflow signalled/);
    const s = await env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run').query(statusQuery);
    expect(s.control.killSwitch).toMatchObject({ engaged: true, reason: 'ops drill', cancelResting: true });
    expect(s.tradingBlockedBy).toBe('kill_switch_guard');

    const store = openStore({ path: path.join(cwd, 'data/kalshi-autopilot-sim-dry-run.sqlite'), mode: 'dry-run', env: 'sim' });
    expect(store.control.read()?.killSwitch).toMatchObject({ engaged: true, reason: 'ops drill' });
    store.close();

    const off = await cli(['kill-switch', 'off']);
    expect(off.code).toBe(0);
    const after = await env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run').query(statusQuery);
    expect(after.control.killSwitch.engaged).toBe(false);
  });

  it('kill-switch on from a directory without the lane DB: the signal alone engages it (exit 0), and no DB is created', async () => {
    const elsewhere = tempDir('kap-elsewhere-');
    const r = await runCli(['kill-switch', 'on', '--reason', 'signal only', ...laneFlags, '--temporal-address', address], { cwd: elsewhere, env: secretEnv, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`db NOT written: no lane DB at ${path.join(elsewhere, 'data', 'kalshi-autopilot-sim-dry-run.sqlite')}`);
    expect(r.stdout).toMatch(/workflow signalled kalshi-autopilot-sim-dry-run\nengaged: in the running workflow/);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    const handle = env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run');
    expect((await handle.query(statusQuery)).control.killSwitch).toMatchObject({ engaged: true, reason: 'signal only' });
    expect((await cli(['kill-switch', 'off'])).code).toBe(0);
    expect((await handle.query(statusQuery)).control.killSwitch.engaged).toBe(false);
  });

  it('pause and resume reach the workflow; a bad kill-switch argument is refused', async () => {
    expect((await cli(['pause'])).code).toBe(0);
    expect((await env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run').query(statusQuery)).control.paused).toBe(true);
    expect((await cli(['resume'])).code).toBe(0);
    expect((await env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run').query(statusQuery)).control.paused).toBe(false);
    const bad = await cli(['kill-switch', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/state must be "on" or "off"/);
  });

  it('backup writes a consistent copy of the lane DB', async () => {
    const r = await cli(['backup', '--out-dir', path.join(cwd, 'bk')]);
    expect(r.code).toBe(0);
    const file = r.stdout.trim();
    expect(file).toMatch(/bk\/kalshi-autopilot-sim-dry-run-\d{8}T\d{6}Z\.sqlite$/);
    const copy = openStore({ path: file, mode: 'dry-run', env: 'sim' });
    expect(copy.cycles.count('kalshi-autopilot-sim-dry-run')).toBeGreaterThanOrEqual(1);
    copy.close();
  });

  it('kill-switch on still works with Temporal unreachable (DB flag only)', async () => {
    const r = await runCli(['kill-switch', 'on', '--reason', 'offline', ...laneFlags, '--temporal-address', '127.0.0.1:1'], { cwd, env: secretEnv, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/db written to .*; workflow Temporal unreachable at 127\.0\.0\.1:1/);
    const store = openStore({ path: path.join(cwd, 'data/kalshi-autopilot-sim-dry-run.sqlite'), mode: 'dry-run', env: 'sim' });
    const row = store.control.read();
    store.close();
    expect(row).toMatchObject({ updatedBy: 'cli', killSwitch: { engaged: true, reason: 'offline' } });
  });

  it('kill-switch off that cannot reach the workflow fails and leaves the DB engaged (only the workflow releases)', async () => {
    const r = await runCli(['kill-switch', 'off', ...laneFlags, '--temporal-address', '127.0.0.1:1'], { cwd, env: secretEnv, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/db unchanged \(released by the workflow only\)/);
    expect(r.stderr).toMatch(/stays engaged until the signal is delivered/);
    const store = openStore({ path: path.join(cwd, 'data/kalshi-autopilot-sim-dry-run.sqlite'), mode: 'dry-run', env: 'sim' });
    const row = store.control.read();
    store.close();
    expect(row?.killSwitch).toMatchObject({ engaged: true, reason: 'offline' });
  });

  it('the emergency stop works with a broken config file, taking the lane from the flags', async () => {
    const broken = tempDir('kap-broken-');
    fs.writeFileSync(path.join(broken, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: '10k' } }));
    // The lane's DB as its worker left it (the CLI never creates one: see kill-switch-command.test.ts).
    openStore({ path: path.join(broken, 'data/kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' }).close();
    const r = await runCli(['kill-switch', 'on', '--reason', 'config broke', '--env', 'sim', '--live', '--temporal-address', '127.0.0.1:1'], { cwd: broken, timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: config unusable \(trading\.bankroll\); acting on lane kalshi-autopilot-sim-live from the flags, db from the default path/);
    expect(r.stdout).toMatch(/db written to .*kalshi-autopilot-sim-live\.sqlite/);
    const store = openStore({ path: path.join(broken, 'data/kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' });
    expect(store.control.read()?.killSwitch).toMatchObject({ engaged: true, reason: 'config broke', source: 'cli' });
    store.close();
    const status = await runCli(['status', '--json', '--env', 'sim', '--live', '--temporal-address', '127.0.0.1:1'], { cwd: broken, timeoutMs: 60_000 });
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout).db.blockedBy).toBe('kill_switch_guard');
    // Without the lane flags there is nothing safe to act on: say what is missing.
    const bare = await runCli(['kill-switch', 'on', '--temporal-address', '127.0.0.1:1'], { cwd: broken, timeoutMs: 60_000 });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/trading\.bankroll/);
    expect(bare.stderr).toMatch(/name the lane with --env and --dry-run or --live/);
  });

  it('a second worker on the same DB file exits with a clear message', async () => {
    const r = await cli(['worker']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/another process holds the worker lock on .*kalshi-autopilot-sim-dry-run\.sqlite/);
  });

  it('the worker prints its banner, and SIGTERM shuts it down cleanly, releasing the lock', async () => {
    const own = tempDir('kap-worker-');
    const child = spawn(process.execPath, [CLI, 'worker', '--env', 'sim', '--live', '--series-tickers', 'KXHIGHNY', '--temporal-address', address], {
      cwd: own,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...secretEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stderr += d.toString())); // JSON logs: stdout when not a TTY
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    for (let i = 0; i < 600 && !/worker polling/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toMatch(/kalshi-autopilot worker: mode=live env=sim db=.*kalshi-autopilot-sim-live\.sqlite scope=series=KXHIGHNY/);
    expect(stderr).toMatch(/worker polling/);
    expect(stderr).not.toContain(pem.split('\n')[1]);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/shutting down worker/);
    expect(stderr).toContain('worker stopped; the workflow waits in Temporal; `up` re-attaches\n');
    // The lock went with it: the DB can be locked again at once.
    openStore({ path: path.join(own, 'data/kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim', lock: true }).close();
  });

  it('SIGTERM during start-up (before the worker polls) also exits cleanly', async () => {
    const own = tempDir('kap-worker-');
    // Lane sim-live: nobody polls it now (sim-dry-run is polled by this suite's worker, so a worker of it from another
    // directory is refused: test/cli/lane-pollers-cli.test.ts).
    const child = spawn(process.execPath, [CLI, 'worker', '--env', 'sim', '--live', '--series-tickers', 'KXHIGHNY', '--temporal-address', address], {
      cwd: own,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...secretEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stderr += d.toString())); // JSON logs: stdout when not a TTY
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    for (let i = 0; i < 300 && !/kalshi-autopilot worker: mode=live/.test(stderr); i++) await new Promise((r) => setTimeout(r, 20));
    child.kill('SIGTERM'); // while it is still bundling the workflow code
    expect(await exited).toBe(0);
    expect(stderr).toMatch(/shutting down worker/);
    openStore({ path: path.join(own, 'data/kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim', lock: true }).close();
  });

  async function runUp(args: string[], upCwd: string): Promise<{ stderr: string; code: number | null }> {
    const child = spawn(process.execPath, [CLI, 'up', ...args, '--temporal-address', address], {
      cwd: upCwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => (stderr += d.toString())); // JSON logs: stdout when not a TTY
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    for (let i = 0; i < 600 && !/worker polling/.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    return { code: await exited, stderr };
  }

  it('up on env sim runs the simulator, the worker and the workflow; the sim port never changes the config hash', async () => {
    const upCwd = tempDir('kap-up-');
    const first = await runUp(['--env', 'sim', '--live', '--series-tickers', 'KXHIGHNY', '--sim-port', '0'], upCwd);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/simulator: http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2/);
    expect(first.stderr).toMatch(/started workflow kalshi-autopilot-sim-live/);
    const hash = /config=([0-9a-f]{16})/.exec(first.stderr)?.[1];
    const second = await runUp(['--env', 'sim', '--live', '--series-tickers', 'KXHIGHNY', '--sim-port', '0'], upCwd);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/workflow kalshi-autopilot-sim-live already running: attaching this worker to it/);
    // Same config hash, so the re-attached worker's activities accept the running workflow (no lane_mismatch_guard).
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(/config=([0-9a-f]{16})/.exec(second.stderr)?.[1]).toBe(hash);
    await env.client.workflow.getHandle('kalshi-autopilot-sim-live').terminate('test done');
  });

  it('up on a non-sim lane starts no simulator', async () => {
    const upCwd = tempDir('kap-up-');
    fs.writeFileSync(path.join(upCwd, 'kalshi-autopilot.config.json'), JSON.stringify({ model: { kind: 'signals-file', signals_file: { path: 's.jsonl' } } }));
    const r = await runUp(['--env', 'demo', '--dry-run'], upCwd);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/lane=kalshi-autopilot-demo-dry-run/);
    expect(r.stderr).not.toMatch(/simulator:/);
    expect(r.stderr).not.toMatch(/overrides: .*--kalshi-base-url/);
    await env.client.workflow.getHandle('kalshi-autopilot-demo-dry-run').terminate('test done');
  });

  it('the plain temporal CLI can drive the lane: start with the printed input, query status, signal the kill switch', async () => {
    const handle = env.client.workflow.getHandle('kalshi-autopilot-sim-dry-run');
    await handle.terminate('make room for a temporal-CLI start').catch(() => undefined);
    const printed = await cli(['start', '--print-input']);
    expect(printed.code).toBe(0);
    const inputFile = path.join(cwd, 'input.json');
    fs.writeFileSync(inputFile, printed.stdout);
    expect(JSON.parse(printed.stdout).lane).toMatchObject({ lane: 'kalshi-autopilot-sim-dry-run', mode: 'dry-run', env: 'sim' });
    // Asynchronously: the lane's worker runs in this very process and must keep answering meanwhile.
    const temporal = async (...args: string[]) => (await execFileAsync(temporalCliPath(), [...args, '--address', address], { encoding: 'utf8' })).stdout;
    await temporal('workflow', 'start', '--type', 'tradingCycle', '--task-queue', 'kalshi-autopilot-sim-dry-run',
      '--workflow-id', 'kalshi-autopilot-sim-dry-run', '--input-file', inputFile);
    let status: { cycle: number } = { cycle: 0 };
    for (let i = 0; i < 100 && status.cycle < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = JSON.parse(await temporal('workflow', 'query', '--workflow-id', 'kalshi-autopilot-sim-dry-run', '--type', 'status', '--output', 'json')).queryResult[0];
    }
    expect(status.cycle).toBe(1);
    await temporal('workflow', 'signal', '--workflow-id', 'kalshi-autopilot-sim-dry-run', '--name', 'killSwitch', '--input', '{"engaged":true,"reason":"manual"}');
    const after = await handle.query(statusQuery);
    expect(after.control.killSwitch).toMatchObject({ engaged: true, reason: 'manual', source: 'signal' });
    expect(after.errors.total).toBe(0); // the worker accepted the temporal-CLI-started workflow (same config hash)
  });
});
