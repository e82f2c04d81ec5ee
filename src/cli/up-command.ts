/**
 * `kalshi-autopilot up`: everything of a lane in one process, for the quickstart and for a single-VPS deployment:
 * the simulator (env sim without a base URL), the worker, and the workflow (started unless it is already running).
 * Ctrl-C stops the worker and the simulator; the workflow stays in Temporal and resumes with the next `up`/`worker`.
 */
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../observability/logger';
import { installTemporalRuntimeLogging } from '../observability/temporal-runtime';
import { startSimulator } from '../sim';
import { ensureSimKey, simKeyDir } from './sim-key';
import { createLaneWorker, LaneWorker, runUntilSignalled } from '../worker';
import { WORKFLOW_TYPE } from '../workflows/definitions';
import { laneStartMetadata } from '../workflows/start-metadata';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, laneWorkerOptions, PreparedLane, prepareLane } from './lane';

interface UpOptions extends LaneCliOptions {
  simPort?: number;
  webUi?: string;
}

function port(v: string): number {
  if (!/^\d+$/.test(v) || Number(v) > 65535) throw new InvalidArgumentError('--sim-port must be a port number (0 = any free port)');
  return Number(v);
}

export function registerUpCommand(program: Command): void {
  addLaneOptions(program.command('up').description('run a whole lane here: simulator (env sim), worker, workflow'))
    .option('--sim-port <port>', 'simulator port for env sim (default 8787; 0 = any free port)', port)
    .option('--web-ui <url>', 'Temporal Web UI base URL to print', 'http://127.0.0.1:8233')
    .action(async (o: UpOptions) => {
      // The lane first (its env comes from flags or config); the simulator only for an env-sim lane without a
      // configured base URL. The simulator's address is a runtime fact, not config: it never changes the config hash.
      const lane = prepareLane(o);
      const needSim = lane.ctx.env === 'sim' && lane.ctx.kalshiBaseUrl === null;
      // Its local key (made once under <database.dir>/sim-key) is registered, so `balance` etc. work with no credentials.
      const simKey = needSim ? ensureSimKey(simKeyDir(lane.ctx.config.database.dir)) : null;
      const sim = needSim ? await startSimulator({ port: o.simPort ?? 8787, clock: { mode: 'wall' }, keys: simKey ? [{ keyId: simKey.keyId, publicKeyPem: simKey.publicKeyPem }] : [] }) : null;
      try {
        const logger = createLogger({ level: lane.ctx.config.observability.log_level });
        installTemporalRuntimeLogging(logger);
        for (const line of bannerLines(lane)) process.stderr.write(`${line}\n`);
        if (sim) process.stderr.write(`  simulator: ${sim.baseUrl} (fair values at ${sim.rootUrl}/sim-oracle/v1/fair-values)\n`);

        const native = await NativeConnection.connect({ address: lane.temporal.address });
        try {
          await runUntilSignalled(async (): Promise<LaneWorker> => {
            const lw = await createLaneWorker(laneWorkerOptions(lane, logger, native, { simBaseUrl: sim?.baseUrl ?? null }));
            try {
              await startOrAttach(lane);
            } catch (err) {
              lw.store.close();
              throw err;
            }
            const ui = `${o.webUi}/namespaces/${lane.temporal.namespace}/workflows/${lane.ctx.lane}`;
            process.stderr.write(
              `  watch it: ${ui}\n  status:   npx kalshi-autopilot status --env ${lane.ctx.env} --${lane.ctx.mode}\n` +
                `  stop:     npx kalshi-autopilot kill-switch on --env ${lane.ctx.env} --${lane.ctx.mode}   (Ctrl-C stops this worker)\n`,
            );
            return lw;
          }, logger);
        } finally {
          await native.close();
        }
      } finally {
        await sim?.close();
      }
    });
}

/** Start the lane's workflow, or attach to it if it already runs. */
async function startOrAttach(lane: PreparedLane): Promise<void> {
  const conn = await Connection.connect({ address: lane.temporal.address });
  try {
    const client = new Client({ connection: conn, namespace: lane.temporal.namespace });
    const input = cycleInputFor(lane);
    try {
      // Web UI: static summary/details, and the KapLane/KapMode/KapEnv/KapStatus search attributes when registered.
      await client.workflow.start(WORKFLOW_TYPE, { workflowId: lane.ctx.lane, taskQueue: lane.ctx.lane, args: [input], ...(await laneStartMetadata(client, input)) });
      process.stderr.write(`  started workflow ${lane.ctx.lane}\n`);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
      process.stderr.write(`  workflow ${lane.ctx.lane} already running: attaching this worker to it\n`);
    }
  } finally {
    await conn.close();
  }
}
