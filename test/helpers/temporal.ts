/**
 * Temporal test environments backed by the project-local binaries that `bash temporal/install.sh` puts in
 * .temporal/bin/ (nothing is downloaded at test time: the SDK's default 'cached-download' needs the internet).
 *
 *   createTimeSkippingEnv()  time-skipping test server (.temporal/bin/temporal-test-server)
 *   createLocalEnv()         real dev server, `temporal server start-dev` (.temporal/bin/temporal), in-memory DB,
 *                            random port on 127.0.0.1, no Web UI
 *
 * Overrides: TEMPORAL_TEST_SERVER_PATH, TEMPORAL_CLI_PATH (absolute paths to the binaries),
 * TEMPORAL_TEST_LOG_LEVEL (SDK runtime log level, default WARN).
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  TestWorkflowEnvironment,
  type LocalTestWorkflowEnvironmentOptions,
  type TimeSkippingTestWorkflowEnvironmentOptions,
} from '@temporalio/testing';
import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..');
const LOG_LEVELS: readonly LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];
/** The SDK gives an ephemeral server ~5 s to answer; on a loaded 2-core machine a start can miss that. */
const START_ATTEMPTS = 3;

function resolveBinary(envVar: string, name: string, what: string): string {
  const fromEnv = process.env[envVar];
  const candidate = fromEnv !== undefined && fromEnv !== '' ? path.resolve(fromEnv) : path.join(PROJECT_ROOT, '.temporal', 'bin', name);
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return candidate;
  } catch {
    const source = fromEnv !== undefined && fromEnv !== '' ? `${envVar}=${fromEnv}` : `.temporal/bin/${name}`;
    throw new Error(
      `${what} not found or not executable at ${candidate} (from ${source}). ` +
        `Run \`bash temporal/install.sh\` in ${PROJECT_ROOT} to install it, or set ${envVar} to an existing binary.`,
    );
  }
}

/** Absolute path of the time-skipping test server: $TEMPORAL_TEST_SERVER_PATH or .temporal/bin/temporal-test-server. */
export function testServerPath(): string {
  return resolveBinary('TEMPORAL_TEST_SERVER_PATH', 'temporal-test-server', 'Temporal time-skipping test server');
}

/** Absolute path of the Temporal CLI (dev server): $TEMPORAL_CLI_PATH or .temporal/bin/temporal. */
export function temporalCliPath(): string {
  return resolveBinary('TEMPORAL_CLI_PATH', 'temporal', 'Temporal CLI');
}

function logLevel(): LogLevel {
  const wanted = (process.env.TEMPORAL_TEST_LOG_LEVEL ?? 'WARN').toUpperCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted) ? (wanted as LogLevel) : 'WARN';
}

/**
 * Installs the SDK Runtime with a WARN-level logger (native Core logs forwarded to it) and no signal handlers, unless
 * a Runtime already exists in this module registry (the SDK's own singleton; Runtime.install throws if called twice).
 */
export function ensureQuietRuntime(): void {
  if (Runtime._instance !== undefined) return;
  const level = logLevel();
  Runtime.install({
    logger: new DefaultLogger(level),
    telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' }, forward: {} } },
    shutdownSignals: [],
  });
}

async function withRetries(what: string, start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await start();
    } catch (err) {
      lastError = err;
    }
  }
  const message = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${what} did not start after ${START_ATTEMPTS} attempts: ${message}`, { cause: lastError });
}

/** A time-skipping environment on a fresh test server (random port). Call `env.teardown()` when done. */
export async function createTimeSkippingEnv(
  opts: TimeSkippingTestWorkflowEnvironmentOptions = {},
): Promise<TestWorkflowEnvironment> {
  const executable = { type: 'existing-path' as const, path: testServerPath() };
  ensureQuietRuntime();
  return withRetries(`Time-skipping test server ${executable.path}`, () =>
    TestWorkflowEnvironment.createTimeSkipping({ ...opts, server: { ...opts.server, executable } }),
  );
}

/**
 * A full local Temporal server (`temporal server start-dev`) on 127.0.0.1, random port, in-memory DB, no UI,
 * namespace "default", server log level error. Call `env.teardown()` when done.
 */
export async function createLocalEnv(opts: LocalTestWorkflowEnvironmentOptions = {}): Promise<TestWorkflowEnvironment> {
  const executable = { type: 'existing-path' as const, path: temporalCliPath() };
  ensureQuietRuntime();
  return withRetries(`Temporal dev server ${executable.path}`, () =>
    TestWorkflowEnvironment.createLocal({ ...opts, server: { ip: '127.0.0.1', log: { format: 'pretty', level: 'error' }, ...opts.server, executable } }),
  );
}
