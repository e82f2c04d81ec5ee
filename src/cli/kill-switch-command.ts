/**
 * `kill-switch on|off`: the operator's emergency stop.
 *
 * `on` writes the flag into the lane's EXISTING DB (never a new file: a flag in a DB no worker opens engages nothing)
 * and signals the workflow; it succeeds (exit 0) when at least one of the two took, and says which. When neither did it
 * exits 1 and says why for each. `off` only signals: the CLI never writes a release, so an `off` that does not reach the
 * workflow exits 1 and leaves everything engaged.
 *
 * The state is `on` or `off` in any case, or a word the kill-switch env var accepts (src/config/kill-switch.ts):
 * 1/true/yes/on engage, 0/false/no/off release; anything else is refused (exit 2). The signal carries
 * `source: "cli"`, so the workflow (and `status`) record who engaged it.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { Command } from 'commander';
import { applyKillSwitch, KillSwitchCommand } from '../domain/control';
import { displayPath, safeErrorMessage } from '../observability/redact';
import { killSwitchSignal } from '../workflows/definitions';
import { isTruthyFlag } from '../config/kill-switch';
import { LaneCliOptions, LaneTarget, laneTarget } from './lane';
import { addLaneTargetOptions } from './lane-target-options';
import { openExistingLaneStore } from './lane-db';
import { signalLane, TemporalUnreachableError } from './temporal-client';
import { UsageError } from './usage-error';

interface Outcome {
  ok: boolean;
  text: string;
}

/** Write the engage into the lane's existing DB. */
function writeDbFlag(lane: LaneTarget, cmd: KillSwitchCommand): Outcome {
  try {
    const store = openExistingLaneStore(lane);
    try {
      const now = Date.now();
      store.control.write(applyKillSwitch(store.control.readOrInitial(), cmd, 'cli', now), now, 'cli', 'kill_switch');
      return { ok: true, text: `written to ${displayPath(lane.dbPath)}` };
    } finally {
      store.close();
    }
  } catch (err) {
    return { ok: false, text: `NOT written: ${safeErrorMessage(err)}` };
  }
}

async function signalWorkflow(lane: LaneTarget, cmd: KillSwitchCommand): Promise<Outcome> {
  try {
    await signalLane(lane.temporal, lane.lane, killSwitchSignal, cmd);
    return { ok: true, text: `signalled ${lane.lane}` };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { ok: false, text: `not running (no workflow ${lane.lane} at ${lane.temporal.address})` };
    if (err instanceof TemporalUnreachableError) return { ok: false, text: `Temporal unreachable at ${lane.temporal.address}` };
    return { ok: false, text: `signal failed: ${safeErrorMessage(err)}` };
  }
}

const FALSY = new Set(['0', 'false', 'no', 'off']);

/** `on`/`off` in any case, or the env var's words: true = engage, false = release, null = not a state. */
export function parseKillSwitchState(raw: string): boolean | null {
  if (isTruthyFlag(raw)) return true;
  return FALSY.has(raw.trim().toLowerCase()) ? false : null;
}

export function registerKillSwitchCommand(program: Command): void {
  addLaneTargetOptions(program.command('kill-switch').description('engage (DB flag + workflow signal) or release (signal only) the kill switch'))
    .argument('<state>', 'on | off (any case; also 1/true/yes and 0/false/no)')
    .option('--reason <text>', 'why (shown in status and logs)')
    .option('--cancel-resting', 'also cancel resting orders when engaging')
    .action(async (state: string, o: LaneCliOptions & { reason?: string; cancelResting?: boolean }) => {
      const parsed = parseKillSwitchState(state);
      if (parsed === null) throw new UsageError(`state must be "on" or "off" (any case; also 1/true/yes, 0/false/no) (got ${JSON.stringify(state)})`);
      const engaged = parsed;
      state = engaged ? 'on' : 'off';
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const cmd: KillSwitchCommand = { engaged, reason: o.reason ?? `kill-switch ${state} from the CLI`, cancelResting: o.cancelResting ?? false, source: 'cli' };
      // 1. Engaging also writes the DB flag: it works with Temporal or the worker down (the workflow adopts it, the
      //    order path reads it fresh). Releasing is only ever the workflow's act (by signal).
      const db: Outcome = engaged ? writeDbFlag(lane, cmd) : { ok: false, text: 'unchanged (released by the workflow only)' };
      // 2. The workflow signal: acts at once on a running lane.
      const wf = await signalWorkflow(lane, cmd);
      process.stdout.write(`kill switch ${state}: db ${db.text}; workflow ${wf.text}\n`);
      if (engaged) {
        if (db.ok && wf.ok) process.stdout.write('engaged: in the running workflow and in the DB\n');
        else if (wf.ok) process.stdout.write('engaged: in the running workflow (it persists the flag to the DB it holds)\n');
        else if (db.ok) process.stdout.write('engaged: in the DB only (the workflow adopts it at its next cycle or start)\n');
        else {
          process.stderr.write('kill switch NOT engaged: neither the lane DB nor the workflow took it (fix the path with --config/--db, or reach Temporal)\n');
          process.exitCode = 1;
        }
      } else if (!wf.ok) {
        process.stderr.write('the kill switch is released only by the running workflow; it stays engaged until the signal is delivered\n');
        process.exitCode = 1;
      }
    });
}
