/**
 * `kalshi-autopilot up`: everything of a lane in one process, for the quickstart and for a single-VPS deployment:
 * the simulator (env sim without a base URL), the worker, and the workflow (started unless it is already running).
 * Ctrl-C stops the worker and the simulator; the workflow stays in Temporal and resumes with the next `up`/`worker`.
 * `kalshi-autopilot stop` completes the workflow; this process then exits too.
 */
import { sendFatalStart } from './fatal-start';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command, InvalidArgumentError, Option } from 'commander';
import nodePath from 'node:path';
import { createLogger, type Logger } from '../observability/logger';
import { createLogOutput, defaultLogFormat, LOG_FORMATS, type LogFormat } from '../observability/log-output';
import { installTemporalRuntimeLogging } from '../observability/temporal-runtime';
import { startSimulator } from '../sim';
import type { PolymarketSimHandle } from '../sim/polymarket';
import { parsePolymarketPort, startPolymarketBeside } from './polymarket-sim';
import { UsageError } from './usage-error';
import { ensureSimKey, simKeyDir } from './sim-key';
import { createLaneWorker, LaneWorker, runUntilSignalled } from '../worker';
import { WORKFLOW_TYPE } from '../workflows/definitions';
import { laneStartMetadata } from '../workflows/start-metadata';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, laneWorkerOptions, PreparedLane, prepareLane } from './lane';
import { cycleReport } from './cycle-report';
import { temporalConnectionOptions } from './temporal-tls';
import { assertRunningConfigMatches, laneFlagsText } from './stop-command';
import { connectClient } from './temporal-client';

interface UpOptions extends LaneCliOptions {
  simPort?: number;
  /** Also run the Polymarket market-data simulator beside the simulator (polymarket-sim.ts). */
  polymarket?: boolean;
  polymarketPort?: string;
  webUi?: string;
  logFormat?: LogFormat;
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('--sim-port must be a port number (0 = any free port)');
  return Number(v);
}

/** `--log-format json|pretty` (up and worker). */
export function logFormatOption(): Option {
  return new Option('--log-format <format>', 'json: JSON log lines on stdout; pretty: human lines on the terminal, JSON in <db dir>/logs/<lane>.log (default: pretty on a TTY, else json)')
    .choices(LOG_FORMATS as unknown as string[]);
}

export function registerUpCommand(program: Command): void {
  addLaneOptions(program.command('up').description('run a whole lane here: simulator (env sim), worker, workflow'))
    .option('--sim-port <port>', 'simulator port for env sim (default 8787; 0 = any free port)', port)
    .option('--web-ui <url>', 'Temporal Web UI base URL to print', 'http://127.0.0.1:8233')
    .option('--polymarket', 'with the simulator: also the Polymarket market-data simulator (port 8788) and its mapping file <database.dir>/sim-polymarket/mapping.jsonl, for model.kind cross-venue')
    .option('--polymarket-port <port>', 'its port (default 8788; 0 = any free port)')
    .addOption(logFormatOption())
    .action(async (o: UpOptions) => {
      // The lane first (its env comes from flags or config); the simulator only for an env-sim lane without a
      // configured base URL. The simulator's address is a runtime fact, not config: it never changes the config hash.
      try {
        await runLaneProcess(prepareLane(o), o, 'up');
      } catch (err) {
        await sendFatalStart('up', o, err);
        throw err;
      }
    });
}

/** The JSON log file of a lane in pretty format: `<db dir>/logs/<lane>.log`. */
export function laneLogFile(lane: PreparedLane): string {
  return nodePath.join(nodePath.dirname(lane.ctx.dbPath), 'logs', `${lane.ctx.lane}.log`);
}

/**
 * `up` and `worker`: logs (pretty on a TTY, JSON elsewhere), the banner once, the config-hash check against the running
 * workflow (exit 3 on a mismatch), the worker until Ctrl-C/SIGTERM, or until the workflow it attached to completes
 * (`kalshi-autopilot stop`). `up` also starts the simulator (env sim without a base URL) and the workflow.
 */
export async function runLaneProcess(lane: PreparedLane, o: UpOptions, kind: 'up' | 'worker'): Promise<void> {
  // Flag errors before anything connects: --polymarket needs the simulator `up` starts.
  if (o.polymarket && !(kind === 'up' && lane.ctx.env === 'sim' && lane.ctx.kalshiBaseUrl === null)) {
    throw new UsageError('--polymarket: only when up runs the simulator (env sim without venues.kalshi.base_url); otherwise run `kalshi-autopilot sim --polymarket`');
  }
  if (!o.polymarket && o.polymarketPort !== undefined) throw new UsageError('--polymarket-port: only with --polymarket');
  const pmPort = o.polymarket ? parsePolymarketPort(o.polymarketPort) : 0;
  const format = o.logFormat ?? defaultLogFormat(process.stderr.isTTY);
  const flags = laneFlagsText(o, lane.ctx);
  const say = (line: string) => void process.stderr.write(`${line}\n`);
  for (const line of bannerLines(lane)) say(line);
  // Refuse a config-hash mismatch before anything is started (no simulator, no DB lock, no worker).
  const { client, close } = await connectClient(lane.temporal);
  try {
    const attachedTo = await assertRunningConfigMatches(client, lane.identity, o);
    const output = createLogOutput({ format, file: format === 'pretty' ? laneLogFile(lane) : null });
    try {
      const logger = createLogger({ level: lane.ctx.config.observability.log_level, destination: output.destination });
      installTemporalRuntimeLogging(logger);
      say(`  logs:     ${output.where}`);
      const needSim = kind === 'up' && lane.ctx.env === 'sim' && lane.ctx.kalshiBaseUrl === null;
      // Its local key (made once under <database.dir>/sim-key) is registered, so `balance` etc. work with no credentials.
      const simKey = needSim ? ensureSimKey(simKeyDir(lane.ctx.config.database.dir)) : null;
      const sim = needSim ? await startSimulator({ port: o.simPort ?? 8787, clock: { mode: 'wall' }, keys: simKey ? [{ keyId: simKey.keyId, publicKeyPem: simKey.publicKeyPem }] : [] }) : null;
      let pm: PolymarketSimHandle | null = null;
      try {
        if (sim) say(`  simulator: ${sim.baseUrl} (fair values at ${sim.rootUrl}/sim-oracle/v1/fair-values)`);
        if (sim && o.polymarket) {
          const beside = await startPolymarketBeside(sim, { port: pmPort, dataDir: lane.ctx.config.database.dir, cwd: process.cwd() });
          pm = beside.pm;
          say(`  polymarket: ${pm.gammaBaseUrl} (Gamma), ${pm.clobBaseUrl} (CLOB); mapping ${beside.mappingFile}`);
        }
        const native = await NativeConnection.connect(temporalConnectionOptions(lane.temporal));
        // Ends the workflow watch before the client connection closes: a long poll left running past the close makes
        // the SDK's retry timer call into a shut-down channel and crash the process after a clean Ctrl-C.
        const watch = new AbortController();
        try {
          let ended: string | null = null;
          await runUntilSignalled(
            async (): Promise<LaneWorker> => {
              const base = laneWorkerOptions(lane, logger, native, { simBaseUrl: sim?.baseUrl ?? null });
              const lw = await createLaneWorker({
                ...base,
                onCycleFinished: format === 'pretty' ? (c) => say(cycleReport(c)) : undefined,
              });
              let watched = attachedTo !== null;
              try {
                if (kind === 'up') watched = (await startOrAttach(client, lane, say)) || watched;
              } catch (err) {
                lw.store.close();
                throw err;
              }
              if (kind === 'up') say(`  watch it: ${o.webUi}/namespaces/${lane.temporal.namespace}/workflows/${lane.ctx.lane}`);
              for (const line of hintLines(flags)) say(line);
              // Once the workflow this worker serves completes (stop, restart), the worker has nothing left to do.
              if (watched) {
                watchWorkflow(client, lane.ctx.lane, logger, watch.signal, (how) => {
                  ended = how;
                  lw.shutdown();
                });
              }
              return lw;
            },
            logger,
            { onPolling: format === 'pretty' ? () => say(`worker polling lane ${lane.ctx.lane} (Ctrl-C stops this worker)`) : undefined },
          );
          if (ended) say(`workflow ${lane.ctx.lane} ${ended}: this worker exits. Start the lane again: \`kalshi-autopilot up ${flags}\``);
        } finally {
          watch.abort();
          await new Promise((r) => setImmediate(r));
          await native.close();
        }
      } finally {
        await pm?.close();
        await sim?.close();
      }
    } finally {
      output.close();
    }
  } finally {
    await close();
  }
}

/** The banner's hints (issue 10 item 10): `stop` stops the lane; the kill switch only halts new orders. */
export function hintLines(flags: string): string[] {
  return [
    `  status:   npx kalshi-autopilot status ${flags}`,
    `  stop:     npx kalshi-autopilot stop ${flags}   (finishes the cycle, persists, completes the workflow; Ctrl-C stops only this worker)`,
    `  halt new orders: npx kalshi-autopilot kill-switch on ${flags}   (cycles go on)`,
  ];
}

function watchWorkflow(client: Client, workflowId: string, logger: Logger, signal: AbortSignal, onEnd: (how: string) => void): void {
  client
    .withAbortSignal(signal, () => client.workflow.getHandle(workflowId).result())
    .then(
      () => 'completed',
      (err: unknown) => {
        // Anything but a closed workflow (a connection closed at shutdown) is not an end of the workflow.
        if (!(err instanceof WorkflowFailedError)) return null;
        const name = (err.cause as { name?: string } | undefined)?.name ?? 'WorkflowFailedError';
        return name === 'TerminatedFailure' ? 'was terminated' : name === 'CancelledFailure' ? 'was cancelled' : `failed (${name})`;
      },
    )
    .then((how) => {
      if (how === null) return;
      logger.info({ workflowId, how }, `workflow ${workflowId} ${how}: worker exits`);
      onEnd(how);
    })
    .catch(() => undefined);
}

/** Start the lane's workflow, or attach to it if it already runs; true either way (the workflow is now running). */
async function startOrAttach(client: Client, lane: PreparedLane, say: (line: string) => void): Promise<boolean> {
  const input = cycleInputFor(lane);
  try {
    // Web UI: static summary/details, and the KapLane/KapMode/KapEnv/KapStatus search attributes when registered.
    await client.workflow.start(WORKFLOW_TYPE, { workflowId: lane.ctx.lane, taskQueue: lane.ctx.lane, args: [input], ...(await laneStartMetadata(client, input)) });
    say(`  started workflow ${lane.ctx.lane}`);
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    say(`  workflow ${lane.ctx.lane} already running: attaching this worker to it`);
  }
  return true;
}
