/**
 * Lane commands: worker, start, status, kill-switch, pause, resume, clear-halt, backup, init.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command, InvalidArgumentError } from 'commander';
import fs from 'node:fs';
import { ControlState, initialControlState, tradingBlockReason } from '../domain/control';
import { displayPath, safeErrorMessage } from '../observability/redact';
import { createLogger } from '../observability/logger';
import { installTemporalRuntimeLogging } from '../observability/temporal-runtime';
import BetterSqlite3 from 'better-sqlite3';
import { backupDatabase, ControlStore, CycleStore, readDbIdentity } from '../store';
import { createLaneWorker, runUntilSignalled } from '../worker';
import {
  clearHaltSignal,
  pauseSignal,
  resumeSignal,
  StatusView,
  statusQuery,
  WORKFLOW_TYPE,
} from '../workflows/definitions';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, laneTarget, laneWorkerOptions, prepareLane } from './lane';
import { runInitWizard } from './init-wizard';
import { registerKillSwitchCommand } from './kill-switch-command';
import { openExistingLaneStore } from './lane-db';
import { connectClient, signalLane } from './temporal-client';
import { bankrollOf, readStatusExtras, statusExtraLines } from './status-ledger';

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

  addLaneOptions(program.command('status').description('what the lane is doing and why (Temporal query, else the DB)'))
    .option('--json', 'machine-readable output')
    .action(async (o: LaneCliOptions & { json?: boolean }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      let view: StatusView | null = null;
      let temporalError: string | null = null;
      try {
        const { client, close } = await connectClient(lane.temporal);
        try {
          view = await client.workflow.getHandle(lane.lane).query(statusQuery);
        } finally {
          await close();
        }
      } catch (err) {
        temporalError = err instanceof WorkflowNotFoundError ? 'workflow not running' : `Temporal unreachable at ${lane.temporal.address}`;
      }
      const db = readDbStatus(lane.dbPath, lane.mode, lane.env, lane.lane);
      // The ledger (paper in dry-run) and the last finished cycle's counts: src/cli/status-ledger.ts.
      const extras = db && !('error' in db) ? readStatusExtras(lane, bankrollOf(o, lane)) : { ledger: null, lastCycle: null };
      const out = { lane: lane.lane, mode: lane.mode, env: lane.env, dbPath: lane.dbPath, workflow: view, temporalError, db, ...extras };
      if (o.json) {
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const lines = [`lane ${out.lane}  mode=${out.mode}  env=${out.env}`, `  db ${displayPath(out.dbPath)}`];
      if (view) {
        lines.push(
          `  workflow: phase=${view.phase} cycle=${view.cycle} generation=${view.generation} first-run=${view.firstRunId}`,
          `  trading blocked by: ${view.tradingBlockedBy ?? 'nothing'}`,
          `  kill switch: ${view.control.killSwitch.engaged ? `ENGAGED (${view.control.killSwitch.source}: ${view.control.killSwitch.reason})` : 'off'}` +
            `  paused: ${view.control.paused}  halts: ${view.control.latchedHalts.map((h) => h.code).join(',') || 'none'}`,
          `  last cycle: ${view.lastCycle ? `#${view.lastCycle.cycle} ${view.lastCycle.outcome} at ${new Date(view.lastCycle.finishedAtMs).toISOString()}` : 'none yet'}`,
          `  errors: ${view.errors.consecutive} consecutive, ${view.errors.total} total${view.errors.last ? ` (last: ${view.errors.last})` : ''}`,
        );
      } else {
        lines.push(`  workflow: ${temporalError}`);
      }
      if (db && 'error' in db) {
        lines.push(`  db: cannot read: ${db.error}`);
      } else if (db) {
        lines.push(
          `  db control: kill=${db.control.killSwitch.engaged ? 'ENGAGED' : 'off'} paused=${db.control.paused} blocked-by=${db.blockedBy ?? 'nothing'}`,
          `  db cycles recorded: ${db.cycles}${db.lastCycle ? `, last #${db.lastCycle.cycle} ${db.lastCycle.outcome}` : ''}`,
          ...statusExtraLines(extras, lane.dbPath),
        );
      } else {
        lines.push(`  db: no lane DB at ${displayPath(lane.dbPath)} (path from ${lane.dbFrom})`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });

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

  addLaneOptions(program.command('clear-halt').description('clear a latched halt (e.g. daily_loss_guard) after review'))
    .argument('<code>', 'the halt code shown by status')
    .action(async (code: string, o: LaneCliOptions) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      await signalLane(lane.temporal, lane.lane, clearHaltSignal, { code });
      process.stdout.write(`clear-halt ${code}: signalled ${lane.lane}\n`);
    });

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

interface DbStatus {
  control: ControlState;
  blockedBy: string | null;
  cycles: number;
  lastCycle: { cycle: number; outcome: string } | null;
}

/** The DB's view, read-only (no migrations, no writes); a DB that cannot be read says why. */
function readDbStatus(dbPath: string, mode: 'dry-run' | 'live', env: 'sim' | 'demo' | 'prod', lane: string): DbStatus | { error: string } | null {
  if (!fs.existsSync(dbPath)) return null;
  try {
    const id = readDbIdentity(dbPath);
    if (id.env !== env || id.mode !== mode) {
      return { error: `${dbPath} belongs to ${id.env ?? '?'}/${id.mode ?? '?'}${id.foreign ? ' (not a kalshi-autopilot DB)' : ''}, not ${env}/${mode}` };
    }
    const db = new BetterSqlite3(dbPath, { readonly: true, fileMustExist: true });
    try {
      const control = new ControlStore(db).read() ?? initialControlState();
      const cycles = new CycleStore(db);
      const last = cycles.latest(lane, 1)[0];
      return {
        control,
        blockedBy: tradingBlockReason(control),
        cycles: cycles.count(lane),
        lastCycle: last ? { cycle: last.cycle, outcome: last.outcome } : null,
      };
    } finally {
      db.close();
    }
  } catch (err) {
    return { error: safeErrorMessage(err) };
  }
}
