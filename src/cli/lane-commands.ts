/**
 * Lane commands: worker, start, status, kill-switch, pause, resume, clear-halt, backup, init.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import { createLogger } from '../observability/logger';
import { installTemporalRuntimeLogging } from '../observability/temporal-runtime';
import { backupDatabase } from '../store';
import { createLaneWorker, runUntilSignalled } from '../worker';
import { pauseSignal, resumeSignal, WORKFLOW_TYPE } from '../workflows/definitions';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, laneTarget, laneWorkerOptions, prepareLane } from './lane';
import { runInitWizard } from './init-wizard';
import { registerKillSwitchCommand } from './kill-switch-command';
import { openExistingLaneStore } from './lane-db';
import { connectClient, signalLane } from './temporal-client';
import { registerStatusCommand } from './status-command';
import { registerClearHaltCommand } from './clear-halt-command';

function positiveInt(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1`);
    return Number(v);
  };
}

export function registerLaneCommands(program: Command): void {
  addLaneOptions(
    program.command('worker').description('run the worker of a lane (polls task queue kalshi-autopilot-<env>-<mode>)'),
  ).action(async (o: LaneCliOptions) => {
    const lane = prepareLane(o);
    const logger = createLogger({ level: lane.ctx.config.observability.log_level });
    installTemporalRuntimeLogging(logger);
    for (const line of bannerLines(lane)) process.stderr.write(`${line}\n`);
    const connection = await NativeConnection.connect({ address: lane.temporal.address });
    try {
      await runUntilSignalled(() => createLaneWorker(laneWorkerOptions(lane, logger, connection)), logger);
    } finally {
      await connection.close();
    }
  });

  addLaneOptions(program.command('start').description('start the lane workflow (refused if it is already running)'))
    .option('--once', 'run exactly one cycle, then complete')
    .option('--max-cycles <n>', 'complete after n cycles', positiveInt('--max-cycles'))
    .option('--json', 'print the started workflow as JSON')
    .option('--print-input', 'print the workflow input as JSON and exit (for `temporal workflow start --input-file`)')
    .action(async (o: LaneCliOptions & { once?: boolean; maxCycles?: number; json?: boolean; printInput?: boolean }) => {
      const lane = prepareLane(o);
      const input = cycleInputFor(lane, o.once ? { maxCycles: 1 } : o.maxCycles ? { maxCycles: o.maxCycles } : {});
      if (o.printInput) {
        process.stdout.write(`${JSON.stringify(input, null, 2)}\n`);
        return;
      }
      if (!o.json) for (const line of bannerLines(lane)) process.stderr.write(`${line}\n`);
      const { client, close } = await connectClient(lane.temporal);
      try {
        const handle = await client.workflow.start(WORKFLOW_TYPE, {
          workflowId: lane.ctx.lane,
          taskQueue: lane.ctx.lane,
          args: [input],
        });
        const out = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, taskQueue: lane.ctx.lane, mode: lane.ctx.mode, env: lane.ctx.env };
        process.stdout.write(o.json ? `${JSON.stringify(out)}\n` : `started ${out.workflowId} (run ${out.runId}); run \`kalshi-autopilot worker\` with the same flags to execute it\n`);
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          throw new Error(`lane ${lane.ctx.lane} is already running: a second start is refused (see \`kalshi-autopilot status\`)`);
        }
        throw err;
      } finally {
        await close();
      }
    });

  registerStatusCommand(program);
  registerKillSwitchCommand(program);

  for (const [name, signal, desc] of [
    ['pause', pauseSignal, 'pause new orders (cycles keep running and reconciling)'],
    ['resume', resumeSignal, 'resume after pause'],
  ] as const) {
    addLaneOptions(program.command(name).description(desc)).action(async (o: LaneCliOptions) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      await signalLane(lane.temporal, lane.lane, signal);
      process.stdout.write(`${name}: signalled ${lane.lane}\n`);
    });
  }

  registerClearHaltCommand(program);

  addLaneOptions(program.command('backup').description("online backup of the lane's database into a timestamped file"))
    .option('--out-dir <dir>', 'where to write (default: <db dir>/backups)')
    .action(async (o: LaneCliOptions & { outDir?: string }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const store = openExistingLaneStore(lane);
      try {
        const file = await backupDatabase(store.db, lane.dbPath, o.outDir);
        process.stdout.write(`${file}\n`);
      } finally {
        store.close();
      }
    });

  program
    .command('init')
    .description('interactive set-up wizard (terminal only; never runs with --non-interactive or without a TTY)')
    .option('--config <path>', 'config file to write (default ./kalshi-autopilot.config.json)')
    .option('--non-interactive', 'refuse to prompt (init then fails: use config set instead)')
    .action(async (o: { config?: string; nonInteractive?: boolean }) => {
      await runInitWizard({ configPath: o.config, nonInteractive: o.nonInteractive === true });
    });
}
