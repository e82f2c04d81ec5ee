/**
 * The worker: composition root of a lane. It opens the lane DB (taking the exclusive worker lock), prints the startup
 * banner, builds the activities with their ports and polls the lane's task queue (`kalshi-autopilot-<env>-<mode>`).
 * SIGINT/SIGTERM shut it down cleanly (in-flight activities finish, the lock is released).
 */
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import type { Logger } from 'pino';
import { createActivities, type ActivityDeps, type Activities, type TradingDeps } from './activities';
import { KeepAliveInterceptor } from './activities/keepalive-interceptor';
import { ScrubFailuresInterceptor } from './activities/scrub-interceptor';
import type { ExternalControl } from './domain/control';
import { assertNoOtherLaneWorker, workerIdentity } from './lane-pollers';
import { openStore, Store } from './store';
import type { LaneIdentity, StartupBanner } from './workflows/definitions';

export interface LaneWorkerOptions {
  identity: LaneIdentity;
  banner: StartupBanner;
  dbPath: string;
  allowLiveLegacyDb?: boolean;
  heartbeatPath: string | null;
  readKillSources(): Pick<ExternalControl, 'envKill' | 'fileKill'>;
  logger: Logger;
  connection: NativeConnection;
  namespace?: string;
  /** Refuse to start while another live worker polls the lane's task queue (src/lane-pollers.ts); default true. */
  checkPollers?: boolean;
  /** Pre-bundled workflow code (tests bundle once per suite); default: bundle `./workflows` at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
  /**
   * Workflow cache size (SDK default otherwise). 0 turns sticky execution off: every workflow task goes through the
   * lane's task queue. The week proof's killed workers need it: the time-skipping test server never times out a dead
   * worker's sticky queue, so the next workflow task would wait there for ever (docs/week-proof.md).
   */
  maxCachedWorkflows?: number;
  /** Test seam only (fault injection): wraps the activities before the worker registers them. Production never sets it. */
  wrapActivities?: (activities: Activities) => Activities;
  /** The trading pipeline's venue, model and settings (see src/cli/trading-deps.ts); null = cannot trade. */
  trading?: TradingDeps | null;
  onCycleFinished?: ActivityDeps['onCycleFinished'];
  /** Webhook alerts of the `notify` activity (null/absent = off). */
  alerts?: ActivityDeps['alerts'];
}

export interface LaneWorker {
  worker: Worker;
  store: Store;
  /** Run until shutdown() (or a fatal worker error); always closes the store and releases the lock. */
  run(): Promise<void>;
  shutdown(): void;
}

export function workflowsPath(): string {
  return require.resolve('./workflows');
}

export async function createLaneWorker(opts: LaneWorkerOptions): Promise<LaneWorker> {
  const { identity, logger } = opts;
  const store = openStore({
    path: opts.dbPath,
    mode: identity.mode,
    env: identity.env,
    allowLiveLegacyDb: opts.allowLiveLegacyDb,
    lock: true,
  });
  try {
    for (const w of store.warnings) logger.warn({ lane: identity.lane }, w);
    logger.info(
      {
        mode: identity.mode,
        env: identity.env,
        lane: identity.lane,
        db: opts.dbPath,
        scope: opts.banner.scope,
        bankroll: opts.banner.bankroll,
        configHash: identity.configHash,
      },
      `kalshi-autopilot worker: mode=${identity.mode} env=${identity.env} db=${opts.dbPath} scope=${opts.banner.scope} ` +
        `bankroll=${opts.banner.bankroll} config=${identity.configHash}`,
    );
    // After the DB lock (a second worker on this DB gets the lock error first), before polling: one worker per lane.
    if (opts.checkPollers !== false) {
      await assertNoOtherLaneWorker({ connection: opts.connection, namespace: opts.namespace ?? 'default', taskQueue: identity.lane, logger });
    }
    const created = createActivities({
      identity,
      store,
      logger,
      trading: opts.trading ?? null,
      onCycleFinished: opts.onCycleFinished,
      alerts: opts.alerts ?? null,
      readKillSources: opts.readKillSources,
      heartbeatPath: opts.heartbeatPath,
    });
    const activities = opts.wrapActivities ? opts.wrapActivities(created) : created;
    const worker = await Worker.create({
      connection: opts.connection,
      namespace: opts.namespace ?? 'default',
      taskQueue: identity.lane,
      // `${pid}@${hostname}`: what the poller check of the next worker parses (src/lane-pollers.ts).
      identity: workerIdentity(),
      ...(opts.workflowBundle ? { workflowBundle: opts.workflowBundle } : { workflowsPath: workflowsPath() }),
      activities,
      // Scrub first (outermost), then the keep-alive beat of activities that have a heartbeat timeout.
      interceptors: { activity: [() => ({ inbound: new ScrubFailuresInterceptor() }), () => ({ inbound: new KeepAliveInterceptor() })] },
      // One lane, modest load: keep the 2-core VPS responsive.
      maxConcurrentActivityTaskExecutions: 4,
      ...(opts.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: opts.maxCachedWorkflows } : {}),
    });
    return {
      worker,
      store,
      async run() {
        try {
          await worker.run();
        } finally {
          store.close();
        }
      },
      shutdown() {
        if (worker.getState() === 'RUNNING') worker.shutdown();
      },
    };
  } catch (err) {
    store.close();
    throw err;
  }
}

/** What runUntilSignalled tells the operator besides the logs (human lines on stderr). */
export interface RunUntilSignalledOptions {
  /** Written to stderr when a signal stopped the worker (default STOPPED_BY_SIGNAL_LINE). */
  stoppedLine?: string;
  /** Called once the worker polls. */
  onPolling?: () => void;
  /** Where the human lines go (default stderr). */
  say?: (line: string) => void;
}

/** What Ctrl-C (SIGINT) or SIGTERM did, and did not do (issue 10 item 9). */
export const STOPPED_BY_SIGNAL_LINE = 'worker stopped; the workflow waits in Temporal; `up` re-attaches';

/**
 * Create and run a lane worker until SIGINT/SIGTERM. The handlers are installed *before* the worker is created
 * (bundling takes seconds), so a signal during start-up also ends cleanly: the lock is released, exit code 0.
 * A second signal forces the exit. A signal-stopped worker says so on stderr in one line (what happened to the
 * workflow, and how to resume), whatever the log format.
 */
export async function runUntilSignalled(create: () => Promise<LaneWorker>, logger: Logger, opts: RunUntilSignalledOptions = {}): Promise<void> {
  const say = opts.say ?? ((line: string) => void process.stderr.write(`${line}\n`));
  let lw: LaneWorker | null = null;
  let signals = 0;
  const handler = (sig: NodeJS.Signals) => {
    signals += 1;
    if (signals > 1) {
      logger.warn({ signal: sig }, 'second signal: exiting now');
      process.exit(130);
    }
    logger.info({ signal: sig }, 'shutting down worker');
    lw?.shutdown();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  try {
    lw = await create();
    const running = lw.run();
    // Stopped during start-up: run() was needed to release the native worker; shut it down at once.
    if (signals > 0) lw.shutdown();
    else {
      logger.info({ taskQueue: lw.worker.options.taskQueue }, 'worker polling');
      opts.onPolling?.();
    }
    await running;
    if (signals > 0) say(opts.stoppedLine ?? STOPPED_BY_SIGNAL_LINE);
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
