/**
 * `kalshi-autopilot clear-halt reconciliation_mismatch_guard` clears the reconciliation latch, which lives in the lane
 * DB's reconciliation_runs (three mismatching runs in a row against the simulator), recording who and when; the next
 * mismatching reconciliation blocks entries again, and three more latch again. The real, built CLI (npm run build) on a
 * live sim lane DB; Temporal is an unused loopback port (the workflow half cannot answer: the DB half acts alone).
 */
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { reconcileLane, ReconciliationGate } from '../../src/activities/reconcile';
import { MISMATCH_LATCH_RUNS } from '../../src/domain/reconcile';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { openStore, Store } from '../../src/store';
import { KalshiClient } from '../../src/venues/kalshi';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { makeKey, startTestSim } from '../sim/helpers';

jest.setTimeout(90_000);
const FIRST_RUN_ID = 'c0ffee00-0000-4000-8000-00000000abce';
const laneKey = makeKey('clear-halt-recon');
let sim: SimHandle;
let store: Store;
let dbPath: string;
let deadTemporal: string;

beforeAll(async () => {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  deadTemporal = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  sim = await startTestSim([laneKey]);
  const dir = tempDir('kap-clear-recon-');
  dbPath = path.join(dir, 'kalshi-autopilot-sim-live.sqlite');
  store = openStore({ path: dbPath, mode: 'live', env: 'sim', cwd: dir });
});
afterAll(async () => {
  store?.close();
  await sim?.close();
});

const kc = () => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: laneKey.keyId, privateKeyPem: laneKey.privateKeyPem }, maxReadAttempts: 1 });
const gate = new ReconciliationGate();
const rec = (cycle: number) => reconcileLane({ store, venue: kc(), logger: silentLogger(), gate }, { firstRunId: FIRST_RUN_ID, cycle, nowMs: sim.nowMs() });
const clearHalt = () => runCli(['clear-halt', 'reconciliation_mismatch_guard', '--env', 'sim', '--live', '--db', dbPath, '--temporal-address', deadTemporal], { cwd: path.dirname(dbPath), timeoutMs: 60_000 });

test('clear-halt reconciliation_mismatch_guard clears the DB latch (who and when recorded); the next mismatch blocks again', async () => {
  expect(await rec(1)).toMatchObject({ complete: true, mismatch: false });
  sim.setBalance(laneKey.keyId, 1_005_000_000); // $5 that no fill or settlement explains
  for (let c = 2; c < 2 + MISMATCH_LATCH_RUNS; c++) await rec(c);
  sim.setBalance(laneKey.keyId, 1_000_000_000); // explained away: the latch still holds
  expect(await rec(5)).toMatchObject({ mismatch: false });
  expect(store.liveLedger.mismatchBlock()).toMatchObject({ blocked: true, latched: true });

  const t0 = Date.now();
  const r = await clearHalt();
  expect(r.stderr).not.toContain('NOT cleared');
  expect(r.code).toBe(0);
  expect(r.stdout).toContain(`clear-halt reconciliation_mismatch_guard: cleared the reconciliation latch in ${dbPath} (by cli:${os.userInfo().username} at`);
  expect(r.stdout).toContain('entries are no longer blocked by reconciliation');
  const latched = store.liveLedger.runs().filter((x) => x.latched);
  expect(latched.map((x) => [x.cycle, x.clearedBy])).toEqual([[4, `cli:${os.userInfo().username}`]]);
  expect(latched[0].clearedAtMs).toBeGreaterThanOrEqual(t0);
  expect(store.liveLedger.mismatchBlock()).toEqual({ blocked: false, latched: false, detail: null });

  // The next mismatching reconciliation blocks entries again (not latched: counting starts from zero) …
  sim.setBalance(laneKey.keyId, 1_007_000_000);
  expect(await rec(6)).toMatchObject({ mismatch: true, latched: false });
  expect(store.liveLedger.mismatchBlock()).toMatchObject({ blocked: true, latched: false });
  // … and three in a row latch again.
  await rec(7);
  expect(await rec(8)).toMatchObject({ mismatch: true, latched: true });
  const again = await clearHalt();
  expect(again.stdout).toContain('the latest reconciliation still disagrees with the exchange: entries stay blocked');
  expect(store.liveLedger.mismatchBlock()).toMatchObject({ blocked: true, latched: false });
});
