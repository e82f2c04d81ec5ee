/**
 * Issue 10 items 14-16, read side, through the built CLI as child processes against `kalshi-autopilot sim`:
 * the local simulator key (made once under <database.dir>/sim-key, registered by `sim`, used by the read commands on
 * env sim with no credentials, never on demo/prod, never printed); the read commands' defaults (env and base URL from
 * the config, the simulator's default URL) and both status vocabularies; errors that say what to do.
 */
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CLI, runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';

interface RunningSim {
  child: ChildProcessWithoutNullStreams;
  info: Record<string, unknown>;
  output: () => string;
  stop: () => Promise<number | null>;
}

/** `kalshi-autopilot sim --port 0 --json` in `cwd`, with no credentials in its environment. */
async function startSim(cwd: string, extra: string[] = []): Promise<RunningSim> {
  const child = spawn(process.execPath, [CLI, 'sim', '--port', '0', '--json', ...extra], {
    cwd, env: { PATH: process.env.PATH, HOME: process.env.HOME }, stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  for (let i = 0; i < 300 && !stdout.includes('\n'); i++) await new Promise((r) => setTimeout(r, 50));
  if (!stdout.includes('\n')) {
    child.kill('SIGKILL');
    throw new Error(`sim did not start: ${stderr}`);
  }
  return {
    child,
    info: JSON.parse(stdout.split('\n')[0]) as Record<string, unknown>,
    output: () => stdout + stderr,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** A loopback port nobody listens on. */
async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const NO_CREDS = {};
const run = (args: string[], cwd: string) => runCli(args, { cwd, env: NO_CREDS, timeoutMs: 60_000 });

const cwd = tempDir('kap-simkey-');
let sim: RunningSim;
let base: string;

beforeAll(async () => {
  sim = await startSim(cwd);
  base = String(sim.info.base_url);
}, 60_000);
afterAll(async () => {
  await sim?.stop();
});

describe('the local simulator key (item 14)', () => {
  it('sim makes the key pair once under data/sim-key: private key 0600, key id printed, private key never printed', () => {
    const dir = path.join(cwd, 'data', 'sim-key');
    const keyId = fs.readFileSync(path.join(dir, 'key-id'), 'utf8').trim();
    expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sim.info).toMatchObject({ local_key_id: keyId, local_key_dir: dir, keys_loaded: 0 });
    expect(fs.statSync(path.join(dir, 'private.pem')).mode & 0o777).toBe(0o600);
    const body = fs.readFileSync(path.join(dir, 'private.pem'), 'utf8').split('\n').filter((l) => l.length > 20);
    expect(body.length).toBeGreaterThan(10);
    expect(sim.output()).not.toMatch(/-----(BEGIN|END)/);
    for (const line of body) expect(sim.output()).not.toContain(line);
  });

  it('balance and positions on env sim work with no credentials at all, through the registered local key', async () => {
    const bal = await run(['balance', '--env', 'sim', '--kalshi-base-url', base, '--json'], cwd);
    expect(bal.stderr).toBe('');
    expect(bal.code).toBe(0);
    expect(JSON.parse(bal.stdout)).toMatchObject({ balance_dollars: '1000.0000', portfolio_value: 0 });
    const pos = await run(['positions', '--env', 'sim', '--kalshi-base-url', base, '--json'], cwd);
    expect(pos.code).toBe(0);
    expect(JSON.parse(pos.stdout)).toEqual({ market_positions: [], event_positions: [] });
    const human = await run(['balance', '--env', 'sim', '--kalshi-base-url', base], cwd);
    expect(human.stdout).toMatch(/^\s+BALANCE\s+PORTFOLIO VALUE\s+UPDATED\n\$1000\.0000\s+\$0\.00\s+20\d\d-/);
    for (const out of [bal.stdout, pos.stdout, human.stdout, human.stderr]) expect(out).not.toMatch(/-----(BEGIN|END)/);
  });

  it('the key is never used for demo or prod: those still need credentials (exit 2)', async () => {
    for (const env of ['demo', 'prod']) {
      const r = await run(['balance', '--env', env], cwd);
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`kalshi-autopilot: balance needs Kalshi credentials for ${env}: set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE\n`);
    }
  });

  it('a second sim in the same directory reuses the key (generated once); sim --no-local-key registers none', async () => {
    const again = await startSim(cwd);
    try {
      expect(again.info.local_key_id).toBe(sim.info.local_key_id);
      const bal = await run(['balance', '--env', 'sim', '--kalshi-base-url', String(again.info.base_url), '--json'], cwd);
      expect(JSON.parse(bal.stdout).balance_dollars).toBe('1000.0000');
    } finally {
      expect(await again.stop()).toBe(0);
    }
    const bare = await startSim(tempDir('kap-nokey-'), ['--no-local-key']);
    try {
      expect(bare.info).toMatchObject({ local_key_id: null, keys_loaded: 0 });
    } finally {
      await bare.stop();
    }
  });

  it('without the key (no sim started here) the error says how to get one', async () => {
    const elsewhere = tempDir('kap-nokey-');
    const r = await run(['balance', '--env', 'sim', '--kalshi-base-url', base], elsewhere);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('balance needs Kalshi credentials: on env sim, start the simulator with `kalshi-autopilot up` or `kalshi-autopilot sim` from this directory');
    expect(r.stderr).toContain(path.join(elsewhere, 'data', 'sim-key'));
  });
});

describe('read commands default like lane commands (item 15)', () => {
  it('markets without --env or --kalshi-base-url reads the lane of the config file (venues.kalshi.env/base_url)', async () => {
    const withConfig = tempDir('kap-readcfg-');
    fs.writeFileSync(path.join(withConfig, 'kalshi-autopilot.config.json'), JSON.stringify({ venues: { kalshi: { env: 'sim', base_url: base } } }));
    const r = await run(['markets', '--json', '--limit', '3'], withConfig);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as unknown[]).length).toBe(3);
  });

  it('markets --env sim with no URL anywhere goes to the simulator default http://127.0.0.1:8787/trade-api/v2 (no "no default host")', async () => {
    const r = await run(['markets', '--env', 'sim', '--limit', '1', '--json'], tempDir('kap-readdef-'));
    expect(r.stderr).not.toMatch(/no default host/);
    // Nothing in the test suite serves 8787: whatever answers (or not), it is that URL.
    if (r.code !== 0) expect(r.stderr).toContain('http://127.0.0.1:8787/trade-api/v2');
  });

  it('--status accepts the statuses the output shows (active → open) as well as the query ones', async () => {
    const active = JSON.parse((await run(['markets', '--env', 'sim', '--kalshi-base-url', base, '--status', 'active', '--json'], cwd)).stdout) as { ticker: string; status: string }[];
    expect(active.length).toBeGreaterThan(0);
    expect(new Set(active.map((m) => m.status))).toEqual(new Set(['active']));
    const open = JSON.parse((await run(['markets', '--env', 'sim', '--kalshi-base-url', base, '--status', 'open', '--json'], cwd)).stdout) as { ticker: string }[];
    expect(open.map((m) => m.ticker)).toEqual(active.map((m) => m.ticker));
    const bad = await run(['markets', '--env', 'sim', '--kalshi-base-url', base, '--status', 'live'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status must be one of unopened, open, paused, closed, settled, or a status the output shows (initialized→unopened, active→open, inactive→paused');
  });
});

describe('read errors that say what to do (item 16)', () => {
  it('orderbook of an unknown ticker names it and suggests markets (exit 2)', async () => {
    const r = await run(['orderbook', 'NOPE', '--env', 'sim', '--kalshi-base-url', base], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`kalshi-autopilot: no market NOPE on sim at ${new URL(base).host} (HTTP 404 not_found): list the tickers with \`kalshi-autopilot markets --env sim --kalshi-base-url ${base}\`\n`);
  });

  it('a port nobody serves names the URL and asks whether the simulator runs (exit 1, never a bare "fetch failed")', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const r = await run(['markets', '--env', 'sim', '--kalshi-base-url', url], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `kalshi-autopilot: markets: got no answer from sim at ${url}/trade-api/v2: is the simulator running there? ` +
        'Start it with `kalshi-autopilot up` (it serves 127.0.0.1:8787) or `kalshi-autopilot sim`, or pass --kalshi-base-url\n',
    );
  });

  it('bad arguments exit 2: --limit -3, a demo URL that is not https', async () => {
    const limit = await run(['markets', '--env', 'sim', '--kalshi-base-url', base, '--limit', '-3'], cwd);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toBe('kalshi-autopilot: --limit must be a positive integer, got "-3"\n');
    const host = await run(['markets', '--env', 'demo', '--kalshi-base-url', base], cwd);
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/env demo requires https, got http:\/\/127\.0\.0\.1/);
  });
});
