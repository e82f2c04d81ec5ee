/**
 * Issue 11: `preflight` passes against a correct simulator setup (env sim, live config, a worker polling the live lane
 * on a real Temporal dev server, a 2-hour burn-in of the same config, a webhook receiver) and fails with the right row
 * for each broken item. The simulator's own record proves the kill-switch drill sent no order.
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { NativeConnection, Worker } from '@temporalio/worker';
import { spawn, ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, resolveRunContext } from '../../src/config';
import { balanceAssumptionRow, runPreflight, PreflightRow } from '../../src/cli/preflight-checks';
import { KalshiClient, RateLimiter } from '../../src/venues/kalshi';
import { formatPreflight } from '../../src/cli/preflight-command';
import { openStore } from '../../src/store';
import type { SimHandle } from '../../src/sim';
import { tempDir } from '../helpers/lane';
import { createLocalEnv } from '../helpers/temporal';
import { startTestSim } from '../helpers/trading';
import { startReceiver, Receiver } from '../helpers/http-receiver';

const LIVE = 'kalshi-autopilot-sim-live';
const DRY = 'kalshi-autopilot-sim-dry-run';
const keyId = 'b5c1e1f2-0d3e-4a57-9b1a-5e4f6c7d8e9f';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
let env: TestWorkflowEnvironment;
let native: NativeConnection;
let worker: Worker;
let running: Promise<void>;
let sim: SimHandle;
let hook: Receiver;
/** The process the poller's identity names (pid@this host): killing it is the worker dying. */
let stand: ChildProcess;

const baseConfig = () => ({
  venues: { kalshi: { env: 'sim', base_url: sim.baseUrl } },
  trading: { bankroll: 500, allowed_series_tickers: ['SIMHIGHTEMP'], allowed_market_ids: ['SIMHIGHTEMP-D1-T70'] },
  observability: { webhook_enabled: true },
  go_live: { min_burn_in_hours: 1 },
});

/** A fresh project directory with this config, and a burn-in of `hours` of its dry-run lane (hash as `start --dry-run` has it). */
function project(config: Record<string, unknown>, burnInHours: number | null = 2, burnInHash?: string): string {
  const cwd = tempDir('kap-preflight-');
  const file = path.join(cwd, 'kalshi-autopilot.config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  if (burnInHours !== null) {
    const dry = resolveRunContext(loadConfig({ configPath: file, cwd, env: {} }), { dryRun: true });
    fs.mkdirSync(path.dirname(dry.dbPath), { recursive: true });
    const store = openStore({ path: dry.dbPath, mode: 'dry-run', env: 'sim' });
    try {
      const start = Date.now() - burnInHours * 3_600_000;
      const n = Math.max(2, Math.round(burnInHours * 4));
      for (let i = 1; i <= n; i += 1) {
        const at = start + ((i - 1) * burnInHours * 3_600_000) / (n - 1);
        store.cycles.begin({ lane: DRY, firstRunId: 'burn', cycle: i }, 'run', at, burnInHash ?? dry.configHash);
        store.cycles.finish({ lane: DRY, firstRunId: 'burn', cycle: i }, 'run', at, at + 1_000, 'completed', {}, burnInHash ?? dry.configHash);
      }
    } finally {
      store.close();
    }
  }
  return cwd;
}

const secrets = () => ({ KALSHI_API_KEY_ID: keyId, KALSHI_PRIVATE_KEY: privatePem, KALSHI_AUTOPILOT_WEBHOOK_URL: hook.url });
const run = (cwd: string, vars: NodeJS.ProcessEnv = secrets()) => runPreflight({ env: 'sim', temporalAddress: env.address }, { cwd, env: vars });
const byCheck = (rows: PreflightRow[]) => Object.fromEntries(rows.map((r) => [r.check, r]));
const failing = (rows: PreflightRow[]) => rows.filter((r) => !r.ok).map((r) => r.check);

beforeAll(async () => {
  env = await createLocalEnv();
  sim = await startTestSim({ clock: { mode: 'wall' }, keys: [{ keyId, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() }] });
  hook = await startReceiver();
  native = await NativeConnection.connect({ address: env.address });
  // A worker polling the live lane's task queue with a lane worker's identity (pid@host); the pid is a child process
  // of this test, so killing it makes the listed poller a dead worker of this host, as after a crash.
  stand = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' });
  worker = await Worker.create({ connection: native, taskQueue: LIVE, identity: `${stand.pid}@${os.hostname()}`, activities: { noop: async () => undefined } });
  running = worker.run();
}, 180_000);

afterAll(async () => {
  if (stand && stand.exitCode === null) stand.kill('SIGKILL');
  if (worker && worker.getState() === 'RUNNING') worker.shutdown();
  await running;
  await native?.close();
  await env?.teardown();
  await sim?.close();
  await hook?.close();
});

describe('preflight', () => {
  it('passes every row on a correct setup; the drill sends nothing to the exchange; the webhook gets one test message', async () => {
    const before = hook.received.length;
    const rows = await run(project(baseConfig()));
    expect(failing(rows)).toEqual([]);
    expect(rows.map((r) => r.check)).toEqual([
      'config valid for live', 'scope', 'keys and signed read', 'clock skew', 'exchange and trading active', 'balance ≥ bankroll',
      'database', 'temporal and worker', 'burn-in', 'kill-switch drill', 'webhook test',
    ]);
    expect(byCheck(rows)['kill-switch drill'].detail).toContain('kill_switch_guard');
    expect(sim.listOrders()).toEqual([]);
    const got = hook.received.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0].json).toMatchObject({ source: 'kalshi-autopilot', lane: LIVE, event: 'test', state: 'info' });
    expect(got[0].body).not.toContain(privatePem.slice(40, 80));
    expect(formatPreflight(rows)).toMatch(/preflight passed: 11 checks\n$/);
  });

  it('fails the burn-in row without a burn-in, with one too short, and with one of another config', async () => {
    expect(failing(await run(project(baseConfig(), null)))).toEqual(['burn-in']);
    const short = byCheck(await run(project(baseConfig(), 0.5)))['burn-in'];
    expect(short).toMatchObject({ ok: false });
    expect(short.detail).toMatch(/less than 1 h/);
    const other = byCheck(await run(project(baseConfig(), 2, 'feedfacefeedface')))['burn-in'];
    expect(other.ok).toBe(false);
    expect(other.detail).toContain('feedfacefeedface');
  });

  it('fails the scope row naming a market that does not exist', async () => {
    const c = baseConfig();
    c.trading.allowed_market_ids = ['SIMHIGHTEMP-D1-T70', 'NOPE-NOT-A-MARKET'];
    const rows = await run(project(c));
    expect(failing(rows)).toEqual(['scope']);
    expect(byCheck(rows).scope.detail).toContain('market NOPE-NOT-A-MARKET: does not exist');
  });

  it('fails keys (and cannot check the balance) without credentials; fails the balance when the account holds less than the bankroll', async () => {
    const noKeys = await run(project(baseConfig()), { KALSHI_AUTOPILOT_WEBHOOK_URL: hook.url });
    expect(failing(noKeys)).toEqual(['keys and signed read', 'balance ≥ bankroll']);
    sim.setBalance(keyId, 100_000_000); // $100 < $500
    try {
      const rows = await run(project(baseConfig()));
      expect(failing(rows)).toEqual(['balance ≥ bankroll']);
      expect(byCheck(rows)['balance ≥ bankroll'].detail).toBe('balance $100.00 < bankroll $500.00 (trading.bankroll): fund the account or lower the bankroll');
    } finally {
      sim.setBalance(keyId, 1_000_000_000);
    }
  });

  it('fails the webhook row when alerts are off or the webhook refuses', async () => {
    const off = baseConfig();
    off.observability.webhook_enabled = false;
    expect(failing(await run(project(off)))).toEqual(['webhook test']);
    hook.status = 500;
    try {
      const rows = await run(project(baseConfig()));
      expect(failing(rows)).toEqual(['webhook test']);
      expect(byCheck(rows)['webhook test'].detail).toMatch(/answered HTTP 500/);
      expect(byCheck(rows)['webhook test'].detail).not.toContain('/hook');
    } finally {
      hook.status = 200;
    }
  });

  it('the demo-only balance-assumption row (issue 9\'s probe) passes against an account that behaves as assumed; the probe is cancelled', async () => {
    const client = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId, privateKeyPem: privatePem }, rateLimiter: new RateLimiter({ tier: 'prime' }) });
    const before = sim.listOrders().length;
    const row = await balanceAssumptionRow(client);
    expect(row).toMatchObject({ check: 'balance assumption', ok: true });
    expect(row.detail).toMatch(/^assumed \S+, observed \S+ on \S+$/);
    const probes = sim.listOrders().slice(before);
    expect(probes).toHaveLength(1);
    expect(probes[0].client_order_id).toMatch(/^kachk-/);
  });

  it('an invalid live config fails the first row and checks nothing else', async () => {
    const c = baseConfig();
    c.trading.allowed_series_tickers = [];
    c.trading.allowed_market_ids = [];
    const rows = await run(project(c));
    expect(rows[0]).toMatchObject({ check: 'config valid for live', ok: false });
    expect(rows[0].detail).toMatch(/scope/);
    expect(rows.slice(1).every((r) => !r.ok && r.detail.startsWith('not checked'))).toBe(true);
  });

  it('fails the temporal row when the worker that polled the live lane is dead (run last: it kills it)', async () => {
    const exited = new Promise((r) => stand.once('exit', r));
    stand.kill('SIGKILL');
    await exited;
    const rows = await run(project(baseConfig()));
    expect(failing(rows)).toEqual(['temporal and worker']);
    expect(byCheck(rows)['temporal and worker'].detail).toContain(`no worker polls task queue ${LIVE}`);
  });
});
