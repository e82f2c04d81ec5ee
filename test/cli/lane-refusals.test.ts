/**
 * Issue 10 items 14 (the simulator `up` starts registers the local key) and 16 (lane refusals and errors that say what
 * to do), through the built CLI as child processes against a real Temporal dev server.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { createLocalEnv } from '../helpers/temporal';

let env: TestWorkflowEnvironment;
let address: string;
const cwd = tempDir('kap-refusals-');

beforeAll(async () => {
  env = await createLocalEnv();
  address = env.address;
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }));
}, 180_000);
afterAll(async () => {
  await env?.teardown();
});

const cli = (args: string[], dir = cwd) => runCli([...args, '--temporal-address', address], { cwd: dir, env: {}, timeoutMs: 60_000 });
const terminate = (id: string) => env.client.workflow.getHandle(id).terminate('test done').catch(() => undefined);

describe('up registers the local simulator key (item 14)', () => {
  it('balance and positions against the simulator `up` started work with no credentials', async () => {
    const upCwd = tempDir('kap-up-key-');
    const child = spawn(process.execPath, [CLI, 'up', '--env', 'sim', '--dry-run', '--sim-port', '0', '--temporal-address', address], {
      cwd: upCwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    try {
      const simUrl = /simulator: (http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2)/;
      for (let i = 0; i < 600 && !simUrl.test(stderr); i++) await new Promise((r) => setTimeout(r, 100));
      const base = simUrl.exec(stderr)?.[1];
      expect(base).toBeDefined();
      const keyFile = path.join(upCwd, 'data', 'sim-key', 'private.pem');
      expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
      const bal = await runCli(['balance', '--env', 'sim', '--kalshi-base-url', base!, '--json'], { cwd: upCwd, env: {}, timeoutMs: 60_000 });
      expect(bal.stderr).toBe('');
      expect(bal.code).toBe(0);
      expect(JSON.parse(bal.stdout)).toMatchObject({ balance_dollars: '1000.0000' });
      const pos = await runCli(['positions', '--env', 'sim', '--kalshi-base-url', base!, '--json'], { cwd: upCwd, env: {}, timeoutMs: 60_000 });
      expect(pos.code).toBe(0);
      expect(JSON.parse(pos.stdout).market_positions).toEqual([]);
      const key = fs.readFileSync(keyFile, 'utf8').split('\n').filter((l) => l.length > 20);
      for (const line of key) expect(stderr + bal.stdout + pos.stdout).not.toContain(line);
    } finally {
      child.kill('SIGTERM');
      await exited;
      await terminate('kalshi-autopilot-sim-dry-run');
    }
  });
});

describe('lane refusals and errors that say what to do (item 16)', () => {
  it('a second start is refused with exit 3, and start --json prints a JSON error object', async () => {
    const first = await cli(['start', '--env', 'sim', '--live', '--json']);
    expect(first.code).toBe(0);
    const started = JSON.parse(first.stdout) as { runId: string };
    try {
      const again = await cli(['start', '--env', 'sim', '--live', '--json']);
      expect(again.code).toBe(3);
      expect(JSON.parse(again.stdout)).toEqual({
        error: {
          code: 'already_running',
          message: expect.stringMatching(/^lane kalshi-autopilot-sim-live is already running \(run [0-9a-f-]{36}, started 20\d\d-.*\): a second start is refused/),
        },
        workflowId: 'kalshi-autopilot-sim-live',
        running: { runId: started.runId, startTime: expect.stringMatching(/^20\d\d-/) },
      });
      expect(again.stderr).toMatch(/a second start is refused; see `kalshi-autopilot status --env sim --live`/);
      const human = await cli(['start', '--env', 'sim', '--live']);
      expect(human.code).toBe(3);
      expect(human.stdout).toBe('');
      expect(human.stderr).toContain(`kalshi-autopilot: lane kalshi-autopilot-sim-live is already running (run ${started.runId}, started `);
    } finally {
      await terminate('kalshi-autopilot-sim-live');
    }
  });

  it('start --json with Temporal unreachable prints a JSON error too', async () => {
    const r = await runCli(['start', '--env', 'sim', '--live', '--json', '--temporal-address', '127.0.0.1:1'], { cwd, env: {}, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: { code: 'temporal_unreachable', address: '127.0.0.1:1' } });
  });

  it('pause/resume on a closed workflow say it is not running and how to start it (never the raw server message)', async () => {
    const first = await cli(['start', '--env', 'sim', '--live', '--json']);
    expect(first.code).toBe(0);
    await terminate('kalshi-autopilot-sim-live');
    for (const command of ['pause', 'resume']) {
      const r = await cli([command, '--env', 'sim', '--live']);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(new RegExp(`^kalshi-autopilot: ${command}: workflow kalshi-autopilot-sim-live is not running \\(its last run [0-9a-f-]{36} is TERMINATED since 20\\d\\d-[^)]*\\), so there is nothing to ${command}; `));
      expect(r.stderr).toContain('start it with `kalshi-autopilot up --env sim --live`, or `kalshi-autopilot start --env sim --live` and a worker');
      expect(r.stderr).not.toMatch(/already completed/);
    }
    // A lane that never ran: the same, naming where it looked.
    const never = await cli(['pause', '--env', 'demo', '--dry-run']);
    expect(never.code).toBe(1);
    expect(never.stderr).toContain(`pause: workflow kalshi-autopilot-demo-dry-run is not running (Temporal at ${address} has no workflow kalshi-autopilot-demo-dry-run in namespace default)`);
  });
});
