import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkerOptions } from '@temporalio/worker';
import { createLaneWorker, LaneWorker, LaneWorkerOptions } from '../../src/worker';
import { openStore, Store } from '../../src/store';
import { silentLogger } from '../../src/observability/logger';
import type { ExternalControl } from '../../src/domain/control';
import type { LaneIdentity, StartupBanner, TradingCycleInput } from '../../src/workflows/definitions';
import type { SimHandle } from '../../src/sim';
import { simTradingDeps, startTestSim } from './trading';

let seq = 0;

export function tempDir(prefix = 'kap-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testIdentity(overrides: Partial<LaneIdentity> = {}): LaneIdentity {
  seq += 1;
  return { lane: `test-lane-${process.pid}-${seq}`, mode: 'dry-run', env: 'sim', configHash: 'cafebabe12345678', ...overrides };
}

export const testBanner: StartupBanner = { dbPath: 'test.sqlite', scope: 'series=KXTEST', bankroll: '$100.00', startedBy: 'test' };

export function cycleInput(identity: LaneIdentity, overrides: Partial<TradingCycleInput> = {}): TradingCycleInput {
  return { lane: identity, cycleIntervalSeconds: 60, banner: testBanner, ...overrides };
}

export interface KillSources {
  envKill: ExternalControl['envKill'];
  fileKill: ExternalControl['fileKill'];
  /** Make reading the sources throw (an infrastructure fault inside beginCycle). */
  fail?: string;
}

export async function startLaneWorker(
  env: TestWorkflowEnvironment,
  workflowBundle: WorkerOptions['workflowBundle'],
  identity: LaneIdentity,
  opts: {
    dbPath?: string;
    killSources?: KillSources;
    heartbeatPath?: string | null;
    /** Fault injection: wrap the real activities (see LaneWorkerOptions.wrapActivities). */
    wrapActivities?: LaneWorkerOptions['wrapActivities'];
    /** The trading pipeline's ports; default: a dry-run sim lane on this file's shared simulator (test/helpers/trading.ts). */
    trading?: LaneWorkerOptions['trading'];
    /** Webhook alerts of the notify activity (default off). */
    alerts?: LaneWorkerOptions['alerts'];
  } = {},
): Promise<LaneWorker & { dbPath: string; killSources: KillSources }> {
  const dbPath = opts.dbPath ?? path.join(tempDir(), 'lane.sqlite');
  const killSources: KillSources = opts.killSources ?? { envKill: null, fileKill: null };
  const lw = await createLaneWorker({
    identity,
    banner: testBanner,
    dbPath,
    heartbeatPath: opts.heartbeatPath ?? null,
    readKillSources: () => {
      if (killSources.fail) throw new Error(killSources.fail);
      return { envKill: killSources.envKill, fileKill: killSources.fileKill };
    },
    logger: silentLogger(),
    connection: env.nativeConnection,
    workflowBundle,
    // The time-skipping test server does not implement DescribeTaskQueue; the check: test/lane-pollers*.test.ts.
    checkPollers: false,
    wrapActivities: opts.wrapActivities,
    alerts: opts.alerts ?? null,
    trading: opts.trading === undefined ? simTradingDeps(await sharedSim()) : opts.trading,
  });
  return Object.assign(lw, { dbPath, killSources });
}

let shared: Promise<SimHandle> | null = null;
/** One simulator per test file, started on first use and closed after the file's tests. */
export function sharedSim(): Promise<SimHandle> {
  if (!shared) shared = startTestSim();
  return shared;
}
// Registered while the test file imports this module (hooks cannot be added from inside a test).
if (typeof afterAll === 'function') {
  afterAll(async () => {
    const s = shared;
    shared = null;
    if (s) await (await s).close();
  });
}

/** Open a test lane's DB (sim, dry-run) without the worker lock, run `fn`, close it. */
export function withLaneStore<T>(dbPath: string, fn: (store: Store) => T): T {
  const store = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
  try {
    return fn(store);
  } finally {
    store.close();
  }
}
