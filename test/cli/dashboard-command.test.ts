/**
 * `kalshi-autopilot dashboard` through the built CLI: a non-loopback --host without --token is refused (exit 3,
 * nothing bound); on 127.0.0.1 with --port 0 it serves the lane DB read-only, its token never printed, and stops
 * cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { populateLane } from './paper-lane-fixture';

const cwd = tempDir('kap-dash-cli-');
const lane = ['--env', 'sim', '--dry-run'];

beforeAll(() => {
  populateLane(cwd);
});

test('a non-loopback bind without --token is refused (exit 3)', async () => {
  const r = await runCli(['dashboard', '--host', '0.0.0.0', '--port', '0', ...lane], { cwd, timeoutMs: 60_000 });
  expect(r.code).toBe(3);
  expect(r.stderr).toContain('needs --token');
});

test('serves the lane read-only on loopback, requires its token, never prints it, stops on SIGTERM', async () => {
  const token = 'tok-cli-5e1f0c';
  const child = spawn(process.execPath, [CLI, 'dashboard', '--port', '0', '--token', token, ...lane], { cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.on('exit', () => reject(new Error(`dashboard exited: ${out} ${err}`)));
    });
    expect(out).not.toContain(token);
    expect((await fetch(`${url}api/status`)).status).toBe(401);
    const st = await (await fetch(`${url}api/status?token=${token}`)).json() as { banner: { word: string; lane: string } };
    expect(st.banner).toMatchObject({ word: 'PAPER', lane: 'kalshi-autopilot-sim-dry-run' });
    expect((await fetch(`${url}api/status?token=${token}`, { method: 'POST' })).status).toBe(405);
  } finally {
    child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
  expect(err).toBe('');
});
