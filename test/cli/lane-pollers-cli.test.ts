/**
 * Issue 17 item 1, end to end: one live worker per lane even across DB files. Real CLI workers (child processes)
 * against a real Temporal dev server: a second worker of the lane started from another directory (so another DB file
 * and no DB-lock conflict) is refused, naming the first; after the first is SIGKILLed, a new one starts at once even
 * though Temporal still lists the dead worker's poller.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLocalEnv } from '../helpers/temporal';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';

const LANE = 'kalshi-autopilot-sim-dry-run';
let env: TestWorkflowEnvironment;
let address: string;
const root = tempDir('kap-pollers-');
const dirA = path.join(root, 'a');
const dirB = path.join(root, 'b');
const config = path.join(root, 'kalshi-autopilot.config.json');
const children: ChildProcess[] = [];

interface RunningWorker {
  child: ChildProcess;
  identity: string;
  stderr(): string;
  exited: Promise<number | null>;
}

function workerArgs(): string[] {
  return ['worker', '--env', 'sim', '--dry-run', '--config', config, '--temporal-address', address];
}

function startWorker(cwd: string): RunningWorker {
  const child = spawn(process.execPath, [CLI, ...workerArgs()], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout!.on('data', (d: Buffer) => (stderr += d.toString())); // JSON logs: stdout when not a TTY
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, identity: `${child.pid}@${os.hostname()}`, stderr: () => stderr, exited };
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 90_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

/** The identities Temporal lists on the lane's workflow task queue. */
async function listedPollers(): Promise<string[]> {
  const res = await env.client.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: LANE, kind: 1 }, taskQueueType: 1 });
  return (res.pollers ?? []).map((p) => p.identity ?? '');
}

beforeAll(async () => {
  env = await createLocalEnv();
  address = env.address;
  fs.mkdirSync(dirA);
  fs.mkdirSync(dirB);
  fs.writeFileSync(config, JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }));
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await env?.teardown();
});

describe('one live worker per lane (describeTaskQueue)', () => {
  it('refuses a second worker from another directory, naming the first; a restart after SIGKILL starts at once', async () => {
    const w1 = startWorker(dirA);
    await waitFor('worker 1 polling', () => /worker polling/.test(w1.stderr()));
    await waitFor('worker 1 listed by Temporal', async () => (await listedPollers()).includes(w1.identity));

    // Same config, another directory: another DB file (no lock conflict), the same lane and task queue.
    const w2 = await runCli(workerArgs(), { cwd: dirB, timeoutMs: 30_000 });
    expect(w2.timedOut).toBe(false);
    expect(w2.code).toBe(3);
    expect(w2.stdout).toContain(`kalshi-autopilot worker: mode=dry-run env=sim db=${path.join(dirB, 'data', `${LANE}.sqlite`)}`);
    expect(w2.stderr).toContain(
      `kalshi-autopilot: another worker is polling lane ${LANE} (task queue ${LANE}, namespace default): only one worker may run a lane`,
    );
    expect(w2.stderr).toMatch(
      new RegExp(`${w1.identity.replace(/[.]/g, '\\.')}: a running process on this host \\(pid ${w1.child.pid}\\), last poll \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\(\\d+ s ago\\)\\. Stop that worker first`),
    );
    expect(w2.stdout + w2.stderr).not.toMatch(/worker polling/);
    expect(w1.child.exitCode).toBeNull(); // the first worker is untouched

    // A crash: the dead worker stays listed by Temporal, but its pid is gone, so a restart does not wait.
    w1.child.kill('SIGKILL');
    await w1.exited;
    expect(await listedPollers()).toContain(w1.identity);
    const w3 = startWorker(dirA);
    await waitFor('worker 3 polling', () => /worker polling/.test(w3.stderr()) || w3.child.exitCode !== null);
    expect(w3.stderr()).toMatch(/worker polling/);
    expect(w3.stderr()).toContain(`ignoring listed poller ${w1.identity} of lane ${LANE} (dead-pid-this-host)`);
    w3.child.kill('SIGTERM');
    expect(await w3.exited).toBe(0);
  });

  it('refuses while a worker of another host polls (here only the activity task queue), telling when a dead one stops counting', async () => {
    // A worker elsewhere, as Temporal sees it: only its identity tells the host. Activities only: no workflow poller.
    const remote = await Worker.create({ connection: env.nativeConnection, taskQueue: LANE, identity: '4321@trader-vps-2', activities: { noop: async () => undefined } });
    const running = remote.run();
    try {
      await waitFor('the remote worker listed', async () => {
        const res = await env.client.connection.workflowService.describeTaskQueue({ namespace: 'default', taskQueue: { name: LANE, kind: 1 }, taskQueueType: 2 });
        return (res.pollers ?? []).some((p) => p.identity === '4321@trader-vps-2');
      });
      const r = await runCli(workerArgs(), { cwd: dirB, timeoutMs: 30_000 });
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(
        /4321@trader-vps-2: another host \(trader-vps-2\), last poll (\S+) \(\d+ s ago\)\. Stop that worker first; if it is already dead, this check ignores it from (\S+) \(120 s after its last poll\)\. Then start this worker again\./,
      );
      const [, last, from] = /last poll (\S+) .* ignores it from (\S+) /.exec(r.stderr)!;
      expect(Date.parse(from) - Date.parse(last)).toBe(120_000);
    } finally {
      remote.shutdown();
      await running;
    }
  });
});
