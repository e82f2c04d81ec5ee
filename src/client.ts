/**
 * `kalshi-autopilot`: the operator's CLI. Every command family lives in src/cli/; this file wires them and turns
 * failures into a clear message on stderr (secrets scrubbed) and a non-zero exit code.
 *
 * Exit codes: 0 ok; 1 runtime failure; 2 invalid config, flags or arguments; 3 refused for safety (DB of another
 * lane, worker lock held, another live worker polls the lane, non-interactive prompt, a worker of another config than
 * the running workflow's, a restart while an old worker still polls).
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, formatIssues } from './config';
import { DbLockError, DbModeError } from './store';
import { LaneWorkerRunningError } from './lane-pollers';
import { safeErrorMessage } from './observability/redact';
import { LaneAlreadyRunningError, registerLaneCommands } from './cli/lane-commands';
import { NonInteractiveError } from './cli/init-wizard';
import { UsageError } from './cli/usage-error';
import { registerConfigCommands } from './cli/config-commands';
import { registerUpCommand } from './cli/up-command';
import { LaneRefusedError, registerStopCommands } from './cli/stop-command';
import { registerReadCommands } from './cli/read-commands';
import { registerSimCommands } from './cli/sim-command';
import { registerDecisionsCommand } from './cli/decisions-command';
import { registerReportCommand } from './cli/report-command';
import { registerDashboardCommand } from './cli/dashboard-command';
import { registerResetPaperCommand } from './cli/reset-paper-command';
import { registerPreflightCommand } from './cli/preflight-command';
import { registerPanicCommand } from './cli/panic-command';
import { registerWatchdogCommand } from './cli/watchdog-command';

export function buildProgram(): Command {
  const program = new Command('kalshi-autopilot')
    .description('Unattended Kalshi trading on Temporal: dry-run and live lanes, kill switch, status.')
    .showHelpAfterError()
    .exitOverride();
  registerLaneCommands(program);
  registerDecisionsCommand(program);
  registerReportCommand(program);
  registerDashboardCommand(program);
  registerResetPaperCommand(program);
  registerUpCommand(program);
  registerStopCommands(program);
  registerConfigCommands(program);
  registerReadCommands(program);
  registerSimCommands(program);
  registerPreflightCommand(program);
  registerWatchdogCommand(program);
  registerPanicCommand(program);
  return program;
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof ConfigError || err instanceof UsageError) return 2;
  if (err instanceof DbModeError || err instanceof DbLockError || err instanceof NonInteractiveError) return 3;
  if (err instanceof LaneWorkerRunningError || err instanceof LaneRefusedError) return 3;
  if (err instanceof LaneAlreadyRunningError) return 3;
  return 1;
}

export function describeError(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration:\n${formatIssues(err.issues)}`;
  return safeErrorMessage(err);
}

export async function main(argv = process.argv): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander already printed its message (unknown option, missing argument, --help…).
      return err.exitCode === 0 ? 0 : 2;
    }
    process.stderr.write(`kalshi-autopilot: ${describeError(err)}\n`);
    return exitCodeFor(err);
  }
}

if (require.main === module) {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`kalshi-autopilot: ${safeErrorMessage(err)}\n`);
      process.exitCode = 1;
    },
  );
}
