/**
 * Seed phase 6: the worker and every command but `init` never prompt; with --non-interactive or no TTY nothing reads
 * stdin, and a start with something missing fails fast, naming it, before any network call.
 */
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { runCli } from './helpers/cli';
import { tempDir } from './helpers/lane';

/** A TCP listener standing in for Temporal that only counts connection attempts. */
async function connectionCounter(): Promise<{ address: string; count(): number; close(): Promise<void> }> {
  let n = 0;
  const server = net.createServer((s) => {
    n += 1;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return { address: `127.0.0.1:${port}`, count: () => n, close: () => new Promise((r) => server.close(() => r())) };
}

describe('non-interactive contract (real CLI, stdin open but never written)', () => {
  let temporal: Awaited<ReturnType<typeof connectionCounter>>;
  beforeAll(async () => {
    temporal = await connectionCounter();
  });
  afterAll(async () => {
    await temporal.close();
  });

  it('live start with no scope exits non-zero naming the key, without reading stdin or touching the network', async () => {
    const cwd = tempDir();
    const r = await runCli(['start', '--live', '--env', 'sim', '--non-interactive', '--temporal-address', temporal.address], { cwd });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/trading\.require_scope_in_live: live mode requires an explicit market scope/);
    expect(temporal.count()).toBe(0);
    expect(fs.readdirSync(cwd)).toEqual([]); // no DB, no lock, no config written
  });

  it('without a TTY (no flag) it behaves the same: never waits for input', async () => {
    const r = await runCli(['start', '--live', '--env', 'prod', '--series-tickers', 'KXHIGHNY', '--temporal-address', temporal.address], {
      cwd: tempDir(),
    });
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/KALSHI_API_KEY_ID: is required for live trading on prod/);
    expect(r.stderr).toMatch(/KALSHI_PRIVATE_KEY: is required/);
    expect(temporal.count()).toBe(0);
  });

  it('init refuses at once with --non-interactive or without a TTY, saying what to do instead', async () => {
    for (const args of [['init', '--non-interactive'], ['init']]) {
      const cwd = tempDir();
      const r = await runCli(args, { cwd });
      expect(r.timedOut).toBe(false);
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/init is interactive and needs a terminal/);
      expect(r.stderr).toMatch(/config set KEY=VALUE/);
      expect(fs.existsSync(path.join(cwd, 'kalshi-autopilot.config.json'))).toBe(false);
    }
  });

  it('a complete live config passes validation and only then reaches for Temporal', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const before = temporal.count();
    const cwd = tempDir();
    fs.writeFileSync(
      path.join(cwd, 'kalshi-autopilot.config.json'),
      JSON.stringify({ model: { kind: 'signals-file', signals_file: { path: 'signals.jsonl' } } }),
    );
    const r = await runCli(
      ['start', '--live', '--env', 'demo', '--series-tickers', 'KXHIGHNY', '--non-interactive', '--temporal-address', temporal.address],
      { cwd, env: { KALSHI_API_KEY_ID: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c', KALSHI_PRIVATE_KEY: pem }, timeoutMs: 30_000 },
    );
    expect(r.timedOut).toBe(false);
    expect(r.code).toBe(1); // the stand-in is not a Temporal server
    expect(r.stderr).toContain(`cannot reach Temporal at ${temporal.address}`);
    expect(temporal.count()).toBeGreaterThan(before);
    expect(r.stderr).toContain('mode=live');
    expect(r.stderr).not.toContain(pem.split('\n')[1]); // no key material in any output
  });

  it('conflicting mode flags are refused, naming both', async () => {
    const r = await runCli(['start', '--live', '--dry-run', '--temporal-address', temporal.address], { cwd: tempDir() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--dry-run and --live cannot be used together/);
  });
});
