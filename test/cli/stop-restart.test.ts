/**
 * Issue 10 items 7, 8 (CLI), 9, 10 end to end: the built CLI as child processes (`up`, `worker`, `config set`,
 * `restart`, `stop`) against a real Temporal dev server.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createLocalEnv } from '../helpers/temporal';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { statusQuery, type TradingCycleInput } from '../../src/workflows/definitions';

const LANE = 'kalshi-autopilot-sim-dry-run';
const lane = ['--env', 'sim', '--dry-run'];
let env: TestWorkflowEnvironment;
let address: string;
const cwd = tempDir('kap-stop-');
const children: ChildProcess[] = [];

interface Running {
  child: ChildProcess;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
}

function spawnCli(args: string[]): Running {
  const child = spawn(process.execPath, [CLI, ...args, '--temporal-address', address], {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, out: () => out, err: () => err, exited: new Promise((r) => child.on('close', (code) => r(code))) };
}

function cli(args: string[], timeoutMs = 120_000) {
  return runCli([...args, '--temporal-address', address], { cwd, timeoutMs });
}

async function waitFor(what: string, cond: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await cond()) return;
  throw new Error(`timed out waiting for ${what}`);
}

async function runningInput(): Promise<{ runId: string; input: TradingCycleInput }> {
  const d = await env.client.workflow.getHandle(LANE).describe();
  const h = await env.client.workflow.getHandle(LANE, d.runId).fetchHistory();
  const started = h.events![0].workflowExecutionStartedEventAttributes!;
  const { defaultPayloadConverter } = await import('@temporalio/client');
  return { runId: d.runId, input: defaultPayloadConverter.fromPayload(started.input!.payloads![0]) };
}

beforeAll(async () => {
  env = await createLocalEnv();
  address = env.address;
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }));
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await env?.teardown();
});

describe('stop, restart and a config change of a running lane (real CLI, real Temporal)', () => {
  let oldHash = '';
  let oldFirstRun = '';

  it('up (not a TTY): JSON logs on stdout without SDK noise; the banner names `stop` and the kill switch as "halt new orders"; Ctrl-C says what happened', async () => {
    const up = spawnCli(['up', ...lane, '--sim-port', '0']);
    await waitFor('up polling', () => /"msg":"worker polling"/.test(up.out()) || up.child.exitCode !== null);
    await waitFor('first cycle', async () => (await env.client.workflow.getHandle(LANE).query(statusQuery)).cycle >= 1);
    oldHash = /config=([0-9a-f]{16})/.exec(up.err())![1];
    oldFirstRun = (await env.client.workflow.getHandle(LANE).query(statusQuery)).firstRunId;
    // Item 10.
    expect(up.err()).toContain('  stop:     npx kalshi-autopilot stop --env sim --dry-run   (finishes the cycle, persists, completes the workflow; Ctrl-C stops only this worker)');
    expect(up.err()).toContain('  halt new orders: npx kalshi-autopilot kill-switch on --env sim --dry-run   (cycles go on)');
    expect(up.err()).not.toMatch(/stop: .*kill-switch/);
    expect(up.err()).toContain('  logs:     stdout (JSON lines)');
    // Item 8: every stdout line is JSON; the test server's heartbeat-details warning and task tokens are filtered.
    const lines = up.out().trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const l of lines) expect(() => JSON.parse(l)).not.toThrow();
    expect(up.out() + up.err()).not.toContain('1.16.0 or newer');
    expect(up.out()).not.toMatch(/"taskToken"/);
    // Item 9.
    up.child.kill('SIGINT');
    expect({ code: await up.exited, stderr: up.err() }).toEqual({ code: 0, stderr: expect.stringContaining('worker stopped; the workflow waits in Temporal; `up` re-attaches\n') });
    expect((await env.client.workflow.getHandle(LANE).describe()).status.name).toBe('RUNNING');
  }, 240_000);

  it('after `config set`, up and worker refuse (exit 3) to attach to the workflow of the old config, naming both hashes and `restart`', async () => {
    const set = await runCli(['config', 'set', 'trading.cycle_interval_seconds=1800'], { cwd });
    expect(set.code).toBe(0);
    for (const cmd of ['up', 'worker']) {
      const r = await cli([cmd, ...lane, ...(cmd === 'up' ? ['--sim-port', '0'] : [])]);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`workflow ${LANE} \\(run [0-9a-f-]+, started [^)]+\\) runs config ${oldHash}, this config is (?!${oldHash})[0-9a-f]{16}`));
      expect(r.stderr).toContain('`kalshi-autopilot restart --env sim --dry-run`');
      expect(r.stderr).not.toMatch(/worker polling/);
    }
  }, 240_000);

  it('restart: the old workflow (run by an up of its config) stops gracefully, that up exits, a new workflow starts with the new config', async () => {
    // The old config's up runs the old workflow (its own config file, same DB).
    const oldConfig = path.join(cwd, 'old.config.json');
    fs.writeFileSync(oldConfig, JSON.stringify({ trading: { cycle_interval_seconds: 3600, allowed_series_tickers: ['KXHIGHNY'] } }));
    const up = spawnCli(['up', ...lane, '--sim-port', '0', '--config', oldConfig]);
    await waitFor('old up polling', () => /"msg":"worker polling"/.test(up.out()) || up.child.exitCode !== null);
    expect(up.err()).toContain(`config=${oldHash}`);

    const r = await cli(['restart', ...lane, '--reason', 'config change']);
    expect(r.stderr).toMatch(new RegExp(`stopped: workflow ${LANE} completed after \\d+ cycles \\(first run ${oldFirstRun}\\)`));
    expect(r.code).toBe(0);
    expect(await up.exited).toBe(0);
    expect(up.err()).toContain(`workflow ${LANE} completed: this worker exits`);
    const m = /restarted kalshi-autopilot-sim-dry-run: new workflow run (\S+) with config ([0-9a-f]{16}) \(previous first run (\S+)\)/.exec(r.stdout);
    expect(m).not.toBeNull();
    expect(m![3]).toBe(oldFirstRun);
    expect(m![1]).not.toBe(oldFirstRun);
    expect(m![2]).not.toBe(oldHash);
    const now = await runningInput();
    expect(now.runId).toBe(m![1]);
    expect(now.input.lane.configHash).toBe(m![2]);
    expect(now.input.cycleIntervalSeconds).toBe(1800);
  }, 300_000);

  it('up --log-format pretty attaches to the new workflow: human lines, JSON in <db dir>/logs/<lane>.log; stop --wait completes it and up exits', async () => {
    const up = spawnCli(['up', ...lane, '--sim-port', '0', '--log-format', 'pretty']);
    await waitFor('up polling', () => /worker polling lane kalshi-autopilot-sim-dry-run/.test(up.err()) || up.child.exitCode !== null);
    await waitFor('a cycle of the new run', () => /cycle \d+ /.test(up.err()) || up.child.exitCode !== null);
    const logFile = path.join(cwd, 'data', 'logs', `${LANE}.log`);
    expect(up.err()).toContain(`  logs:     ${logFile}`);
    expect(up.err()).toContain(`workflow ${LANE} already running: attaching this worker to it`);
    expect(up.err()).not.toMatch(/^\{"level"/m);
    expect(up.out()).toBe('');
    const logged = fs.readFileSync(logFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(logged.some((l) => l.msg === 'worker polling')).toBe(true);

    const stop = await cli(['stop', ...lane, '--wait', '--reason', 'end of week']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^stopped: workflow ${LANE} completed after \\d+ cycles \\(first run [0-9a-f-]+\\); kill switch off, paused no, halts none\\. Start it again: \`kalshi-autopilot up --env sim --dry-run\`\\n$`));
    expect(await up.exited).toBe(0);
    expect((await env.client.workflow.getHandle(LANE).describe()).status.name).toBe('COMPLETED');
    const again = await cli(['stop', ...lane]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`lane ${LANE} is not running (last execution COMPLETED): nothing to stop`);
  }, 300_000);
});
