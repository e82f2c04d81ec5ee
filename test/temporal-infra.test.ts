/**
 * The project's Temporal infrastructure works end to end: the binaries installed by temporal/install.sh start,
 * a worker runs workflows on them, time skipping skips, and the real dev server answers queries.
 */
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createLocalEnv, createTimeSkippingEnv, ensureQuietRuntime, temporalCliPath, testServerPath } from './helpers/temporal';
import { gate, releaseSignal, sleepy, stateQuery } from './helpers/workflows/sleepy';

const DAY_MS = 24 * 60 * 60 * 1000;
const WORKFLOWS_PATH = path.join(__dirname, 'helpers', 'workflows', 'sleepy.ts');

let workflowBundle: WorkflowBundleWithSourceMap;

beforeAll(async () => {
  ensureQuietRuntime();
  // Bundle once (webpack is the slow part of Worker.create) and share it between both servers' workers.
  workflowBundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
});

describe('helper binaries', () => {
  it('resolves both binaries to .temporal/bin (or the TEMPORAL_*_PATH overrides)', () => {
    const expected = (envVar: string, name: string): string =>
      process.env[envVar] ? path.resolve(process.env[envVar]!) : path.resolve(__dirname, '..', '.temporal', 'bin', name);
    expect(testServerPath()).toBe(expected('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server'));
    expect(temporalCliPath()).toBe(expected('TEMPORAL_CLI_PATH', 'temporal'));
  });

  it('names the install script when a binary is missing', () => {
    const saved = process.env.TEMPORAL_TEST_SERVER_PATH;
    process.env.TEMPORAL_TEST_SERVER_PATH = path.join(__dirname, 'no-such-dir', 'temporal-test-server');
    try {
      expect(() => testServerPath()).toThrow(/bash temporal\/install\.sh/);
    } finally {
      if (saved === undefined) delete process.env.TEMPORAL_TEST_SERVER_PATH;
      else process.env.TEMPORAL_TEST_SERVER_PATH = saved;
    }
  });
});

describe('time-skipping test server', () => {
  let env: TestWorkflowEnvironment | undefined;

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('completes a workflow that sleeps one day, advancing server time by >= 1 day but not wall time', async () => {
    const testEnv = env!;
    expect(testEnv.supportsTimeSkipping).toBe(true);
    const taskQueue = 'infra-time-skipping';
    const worker = await Worker.create({ connection: testEnv.nativeConnection, taskQueue, workflowBundle });

    const envStartMs = await testEnv.currentTimeMs();
    const wallStartMs = Date.now();
    const result = await worker.runUntil(
      testEnv.client.workflow.execute(sleepy, { args: [DAY_MS], taskQueue, workflowId: 'infra-sleepy-1d' }),
    );
    const wallElapsedMs = Date.now() - wallStartMs;
    const envElapsedMs = (await testEnv.currentTimeMs()) - envStartMs;

    expect(result.wokeAtMs - result.startedAtMs).toBeGreaterThanOrEqual(DAY_MS);
    expect(envElapsedMs).toBeGreaterThanOrEqual(DAY_MS);
    expect(wallElapsedMs).toBeLessThan(60_000);

    const description = await testEnv.client.workflow.getHandle('infra-sleepy-1d').describe();
    expect(description.status.name).toBe('COMPLETED');
  });
});

describe('local dev server (temporal server start-dev)', () => {
  let env: TestWorkflowEnvironment | undefined;

  beforeAll(async () => {
    env = await createLocalEnv();
  });

  afterAll(async () => {
    await env?.teardown();
  });

  it('is a real Temporal server on 127.0.0.1 that runs, signals and queries a workflow', async () => {
    const testEnv = env!;
    expect(testEnv.supportsTimeSkipping).toBe(false);
    expect(testEnv.address).toMatch(/^127\.0\.0\.1:\d+$/);
    const info = await testEnv.connection.workflowService.getSystemInfo({});
    expect(info.serverVersion).toMatch(/^\d+\.\d+\.\d+/);

    const taskQueue = 'infra-dev-server';
    const worker = await Worker.create({ connection: testEnv.nativeConnection, taskQueue, workflowBundle });
    const handle = await testEnv.client.workflow.start(gate, { args: ['infra'], taskQueue, workflowId: 'infra-gate' });

    const outcome = await worker.runUntil(async () => {
      const before = await handle.query(stateQuery);
      await handle.signal(releaseSignal, 'jest');
      const result = await handle.result();
      const after = await handle.query(stateQuery);
      return { before, result, after };
    });

    expect(outcome).toEqual({ before: 'waiting:infra', result: 'infra released by jest', after: 'released:infra' });
    expect((await handle.describe()).status.name).toBe('COMPLETED');
  });
});
