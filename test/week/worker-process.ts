/**
 * The week proof's worker: a separate OS process (test/week/harness.ts spawns it, kills it, restarts it) built like
 * the CLI's `worker` — the lane's RunContext from a live config, the lane DB with its exclusive lock, the kill-switch
 * sources of the config (the env var named by risk.kill_switch_env_var), the lane's Kalshi key — plus the sim-only
 * clock adapter (POST /__sim/clock on the loopback simulator: the simulator follows the workflow's logical clock) and
 * the pre-bundled workflow code from a file (no bundling at start, so a restart polls in about a second).
 * KALSHI_AUTOPILOT_CRASH_AT is read by buildTradingDeps exactly as in the worker command (sim only).
 *
 * Input: env KAP_WEEK_WORKER (JSON, WeekWorkerSpec); KAP_WEEK_WORKFLOW_CACHE=1 keeps the workflow cache. stdin is left alone (the harness holds it open, never writes).
 * Output: one line `polling` on stdout once it polls; exit 0 on SIGTERM, 137 at a crash point.
 */
import { NativeConnection } from '@temporalio/worker';
import { buildTradingDeps } from '../../src/activities/trading-deps';
import { killSourceReader } from '../../src/cli/lane';
import pino from 'pino';
import { createLogger } from '../../src/observability/logger';
import { installTemporalRuntimeLogging } from '../../src/observability/temporal-runtime';
import { simClockAdapter } from '../../src/sim/clock-adapter';
import { RateLimiter } from '../../src/venues/kalshi';
import { createLaneWorker, runUntilSignalled } from '../../src/worker';
import { simRunContext } from '../helpers/trading';

export interface WeekWorkerSpec {
  address: string;
  namespace: string;
  config: Record<string, unknown>;
  dbPath: string;
  bundlePath: string;
  simBaseUrl: string;
  simRootUrl: string;
  keyId: string;
  privateKeyPem: string;
  logPath: string;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.env.KAP_WEEK_WORKER ?? '') as WeekWorkerSpec;
  const logger = createLogger({ level: 'info', destination: pino.destination({ dest: spec.logPath, append: true, sync: true }) });
  installTemporalRuntimeLogging(logger);
  const ctx = simRunContext(spec.config, { dbPath: spec.dbPath });
  const connection = await NativeConnection.connect({ address: spec.address });
  try {
    await runUntilSignalled(() => createLaneWorker({
      identity: { lane: ctx.lane, mode: ctx.mode, env: ctx.env, configHash: ctx.configHash },
      banner: { dbPath: spec.dbPath, scope: JSON.stringify(ctx.scope), bankroll: String(ctx.bankrollMicros), startedBy: 'week-proof' },
      dbPath: spec.dbPath,
      heartbeatPath: null,
      readKillSources: killSourceReader(ctx),
      logger,
      connection,
      namespace: spec.namespace,
      // The time-skipping test server has no DescribeTaskQueue (the poller check: test/lane-pollers*.test.ts).
      checkPollers: false,
      workflowBundle: { codePath: spec.bundlePath },
      // A worker that may be killed runs without a workflow cache, so without a sticky queue: the time-skipping test
      // server never times out a dead worker's sticky queue (nor implements ResetStickyTaskQueue), so the next
      // workflow task would wait there for ever. The last worker (no kill planned) keeps the SDK's cache.
      ...(process.env.KAP_WEEK_WORKFLOW_CACHE === '1' ? {} : { maxCachedWorkflows: 0 }),
      trading: buildTradingDeps(ctx, {
        logger,
        simBaseUrl: spec.simBaseUrl,
        venueClock: simClockAdapter(spec.simRootUrl),
        credentials: { keyId: spec.keyId, privateKeyPem: spec.privateKeyPem },
        rateLimiter: new RateLimiter({ tier: 'prestige' }),
      }),
    }), logger, { onPolling: () => process.stdout.write('polling\n'), say: () => undefined });
  } finally {
    await connection.close();
  }
}

main().then(() => process.exit(0), (e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
