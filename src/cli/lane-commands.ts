/**
 * Lane commands: worker, start, status, kill-switch, pause, resume, clear-halt, backup, init.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { ConfigError, formatIssues } from '../config';
import { safeErrorMessage } from '../observability/redact';
import { Command, InvalidArgumentError } from 'commander';
import { backupDatabase } from '../store';
import { pauseSignal, resumeSignal, WORKFLOW_TYPE } from '../workflows/definitions';
import { laneStartMetadata } from '../workflows/start-metadata';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, LaneTarget, laneTarget, laneWorkerOptions, prepareLane } from './lane';
import { runInitWizard } from './init-wizard';
import { logFormatOption, runLaneProcess } from './up-command';
import type { LogFormat } from '../observability/log-output';
import { registerKillSwitchCommand } from './kill-switch-command';
import { openExistingLaneStore } from './lane-db';
import { connectClient, signalLane, TemporalUnreachableError } from './temporal-client';
import { UsageError } from './usage-error';
import { registerStatusCommand } from './status-command';
import { registerClearHaltCommand } from './clear-halt-command';
import { sendFatalStart } from './fatal-start';

function positiveInt(flag: string) {
  return (v: string) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError(`${flag} must be a whole number ≥ 1`);
    return Number(v);
  };
}

export function registerLaneCommands(program: Command): void {
  addLaneOptions(
    program.command('worker').description('run the worker of a lane (polls task queue kalshi-autopilot-<env>-<mode>)'),
  )
    .addOption(logFormatOption())
    .action(async (o: LaneCliOptions & { logFormat?: LogFormat }) => {
      // Logs, banner, the config-hash check against the running workflow, Ctrl-C: shared with `up` (src/cli/up-command.ts).
      try {
        await runLaneProcess(prepareLane(o), o, 'worker');
      } catch (err) {
        await sendFatalStart('worker', o, err); // the alert systemd's start limit cannot send
        throw err;
      }
    });

  addLaneOptions(program.command('start').description('start the lane workflow (refused if it is already running)'))
    .option('--once', 'run exactly one cycle, then complete')
    .option('--max-cycles <n>', 'complete after n cycles', positiveInt('--max-cycles'))
    .option('--json', 'print the started workflow as JSON')
    .option('--print-input', 'print the workflow input as JSON and exit (for `temporal workflow start --input-file`)')
    .action(async (o: LaneCliOptions & { once?: boolean; maxCycles?: number; json?: boolean; printInput?: boolean }) => {
      try {
        await startLane(o);
      } catch (err) {
        // --json promises an object on stdout: a refusal or failure is one too (the message also goes to stderr).
        if (o.json && !o.printInput) process.stdout.write(`${JSON.stringify(startErrorJson(err))}\n`);
        throw err;
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
      try {
        await signalLane(lane.temporal, lane.lane, signal);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) throw await notRunningError(name, lane, o);
        throw err;
      }
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

/** A second `start` of a running lane: refused for safety (exit 3). */
export class LaneAlreadyRunningError extends Error {
  constructor(readonly lane: string, readonly running: { runId: string; startTime: string } | null, flags: string) {
    super(
      `lane ${lane} is already running${running ? ` (run ${running.runId}, started ${running.startTime})` : ''}: a second start is refused; ` +
        `see \`kalshi-autopilot status ${flags}\`, or \`kalshi-autopilot up ${flags}\` to attach a worker to it`,
    );
    this.name = 'LaneAlreadyRunningError';
  }
}

/** `--env E --dry-run|--live` (plus --config when given): the flags to repeat in a suggested command. */
function laneFlags(o: Pick<LaneCliOptions, 'config'>, lane: { env: string; mode: string }): string {
  return [`--env ${lane.env}`, `--${lane.mode}`, ...(o.config ? [`--config ${o.config}`] : [])].join(' ');
}

async function startLane(o: LaneCliOptions & { once?: boolean; maxCycles?: number; json?: boolean; printInput?: boolean }): Promise<void> {
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
      // Web UI: static summary/details, and the KapLane/KapMode/KapEnv/KapStatus search attributes when registered.
      ...(await laneStartMetadata(client, input)),
    });
    const out = { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, taskQueue: lane.ctx.lane, mode: lane.ctx.mode, env: lane.ctx.env };
    process.stdout.write(o.json ? `${JSON.stringify(out)}\n` : `started ${out.workflowId} (run ${out.runId}); run \`kalshi-autopilot worker\` with the same flags to execute it\n`);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await client.workflow.getHandle(lane.ctx.lane).describe().then(
        (d) => ({ runId: d.runId, startTime: d.startTime.toISOString() }),
        () => null,
      );
      throw new LaneAlreadyRunningError(lane.ctx.lane, running, laneFlags(o, lane.ctx));
    }
    throw err;
  } finally {
    await close();
  }
}

/** The JSON object `start --json` prints when it does not start the workflow. */
function startErrorJson(err: unknown): Record<string, unknown> {
  if (err instanceof LaneAlreadyRunningError) {
    return { error: { code: 'already_running', message: err.message }, workflowId: err.lane, running: err.running };
  }
  if (err instanceof ConfigError) return { error: { code: 'invalid_config', message: `invalid configuration: ${formatIssues(err.issues)}`, issues: err.issues } };
  if (err instanceof TemporalUnreachableError) return { error: { code: 'temporal_unreachable', message: err.message, address: err.address } };
  return { error: { code: err instanceof UsageError ? 'invalid_arguments' : 'error', message: safeErrorMessage(err) } };
}

/** A pause/resume whose workflow is not running: say so, with its last state when Temporal has one, and how to start it. */
async function notRunningError(command: string, lane: LaneTarget, o: LaneCliOptions): Promise<Error> {
  let last = '';
  try {
    const { client, close } = await connectClient(lane.temporal);
    try {
      const d = await client.workflow.getHandle(lane.lane).describe();
      last = ` (its last run ${d.runId} is ${d.status.name}${d.closeTime ? ` since ${d.closeTime.toISOString()}` : ''})`;
    } finally {
      await close();
    }
  } catch {
    last = ` (Temporal at ${lane.temporal.address} has no workflow ${lane.lane} in namespace ${lane.temporal.namespace})`;
  }
  const flags = laneFlags(o, lane);
  return new Error(
    `${command}: workflow ${lane.lane} is not running${last}, so there is nothing to ${command}; ` +
      `start it with \`kalshi-autopilot up ${flags}\`, or \`kalshi-autopilot start ${flags}\` and a worker`,
  );
}
