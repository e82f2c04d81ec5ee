/**
 * `kalshi-autopilot stop` and `restart` (issue 10 item 7), and the check `up`/`worker` make before attaching to a
 * running workflow: its config hash must be theirs (`assertRunningConfigMatches`).
 *
 *   stop [--cancel-resting] [--reason TEXT] [--wait] [--json]
 *       signals the workflow `stop` ({reason, cancelResting}): it finishes its cycle, persists its control state and
 *       completes. `--wait` waits for that and prints the result. The worker of `up`/`worker` exits once it completes.
 *   restart [--reason TEXT] [--cancel-resting] [--json]
 *       stop (waiting), then start the lane with the current config: a new workflow, hence a new first run id (order
 *       ids never collide with the old run's); the journal, daily-loss baseline, halts and ledger carry over in the DB.
 */
import { Client, defaultPayloadConverter, WorkflowFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { Command } from 'commander';
import { displayPath, safeErrorMessage } from '../observability/redact';
import { judgePollers, isPidAlive, listLanePollers, thisWorker, type PollerQueryConnection, type PollerVerdict } from '../lane-pollers';
import { type StopCommand, stopSignal, type TradingCycleInput, type TradingCycleResult, WORKFLOW_TYPE } from '../workflows/definitions';
import { addLaneOptions, bannerLines, cycleInputFor, LaneCliOptions, laneTarget, LaneTarget, prepareLane } from './lane';
import { connectClient } from './temporal-client';

/** Refused for safety (exit code 3): the running workflow runs another config, or a stop/restart cannot proceed. */
export class LaneRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LaneRefusedError';
  }
}

/** The lane flags to repeat in a suggested command (`--env sim --dry-run`, plus --config/--db when given). */
export function laneFlagsText(o: Pick<LaneCliOptions, 'config' | 'db'>, lane: { env: string; mode: string }): string {
  const parts = [`--env ${lane.env}`, `--${lane.mode}`];
  if (o.config) parts.push(`--config ${o.config}`);
  if (o.db) parts.push(`--db ${o.db}`);
  return parts.join(' ');
}

export interface RunningWorkflow {
  runId: string;
  startTime: Date;
  /** The config hash of the input the current run started with (null if it cannot be read). */
  configHash: string | null;
}

/** The lane's running workflow (its current run) and the config hash it runs, or null when none is running. */
export async function runningWorkflow(client: Client, workflowId: string): Promise<RunningWorkflow | null> {
  let desc;
  try {
    desc = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return null;
    throw err;
  }
  if (desc.status.name !== 'RUNNING') return null;
  // The input of the current run (a continued run carries the same lane identity): the first history event.
  const res = await client.workflowService.getWorkflowExecutionHistory({
    namespace: client.options.namespace,
    execution: { workflowId, runId: desc.runId },
    maximumPageSize: 1,
  });
  const payload = res.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
  let configHash: string | null = null;
  if (payload) {
    try {
      const input = defaultPayloadConverter.fromPayload<TradingCycleInput>(payload);
      if (typeof input?.lane?.configHash === 'string') configHash = input.lane.configHash;
    } catch {
      configHash = null;
    }
  }
  return { runId: desc.runId, startTime: desc.startTime, configHash };
}

/**
 * `up`/`worker` attach only to a workflow of their own config: a worker with another hash would fail every activity
 * (LaneMismatchError, latched as lane_mismatch_guard). Refuses (exit 3) naming both hashes and the command to apply it.
 */
export async function assertRunningConfigMatches(
  client: Client,
  lane: { lane: string; env: string; mode: string; configHash: string },
  o: Pick<LaneCliOptions, 'config' | 'db'>,
): Promise<RunningWorkflow | null> {
  const running = await runningWorkflow(client, lane.lane);
  if (running && running.configHash !== null && running.configHash !== lane.configHash) {
    const flags = laneFlagsText(o, lane);
    throw new LaneRefusedError(
      `refusing to attach: workflow ${lane.lane} (run ${running.runId}, started ${running.startTime.toISOString()}) runs config ` +
        `${running.configHash}, this config is ${lane.configHash}. A worker of another config fails every activity of it ` +
        `(lane_mismatch_guard). To apply the change: \`kalshi-autopilot restart ${flags}\` (the workflow finishes its cycle, ` +
        `persists its control state and completes; a new one starts with this config; the journal, halts, daily-loss ` +
        `baseline and ledger carry over in the DB), then this command again. To keep the running config, undo the change ` +
        '(`kalshi-autopilot config show` shows the current values).',
    );
  }
  return running;
}

/** Live workers of the lane other than this process (as the one-worker-per-lane check judges them). */
async function liveLanePollers(conn: PollerQueryConnection, namespace: string, lane: string): Promise<PollerVerdict[]> {
  const pollers = await listLanePollers(conn, namespace, lane);
  return judgePollers(pollers, { ...thisWorker(), nowMs: Date.now(), isPidAlive }).filter((v) => v.action === 'refuse');
}

export interface StopResult {
  lane: string;
  /** false: nothing was running. */
  signalled: boolean;
  /** When nothing was running: the last execution's status (COMPLETED, TERMINATED…), or null if there is none. */
  closedStatus: string | null;
  /** The run id the stop went to. */
  runId: string | null;
  configHash: string | null;
  /** With --wait: what the workflow returned. */
  result: TradingCycleResult | null;
}

type Say = (line: string) => void;

async function stopLane(
  client: Client,
  t: { lane: string; temporal: { namespace: string } },
  cmd: StopCommand,
  wait: boolean,
  say: Say,
  reattach: string,
): Promise<StopResult> {
  const handle = client.workflow.getHandle(t.lane);
  const running = await runningWorkflow(client, t.lane);
  if (!running) {
    let closedStatus: string | null = null;
    try {
      closedStatus = (await handle.describe()).status.name;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    return { lane: t.lane, signalled: false, closedStatus, runId: null, configHash: null, result: null };
  }
  await handle.signal(stopSignal, cmd);
  const out: StopResult = { lane: t.lane, signalled: true, closedStatus: null, runId: running.runId, configHash: running.configHash, result: null };
  if (!wait) return out;
  const live = await liveLanePollers(client.connection, t.temporal.namespace, t.lane).catch(() => null);
  if (live !== null && live.length === 0) {
    say(
      `waiting: no worker polls lane ${t.lane}, and the stop is carried out by the lane's worker. Start it (${reattach}) ` +
        `with the config the workflow runs${running.configHash ? ` (hash ${running.configHash})` : ''}; Ctrl-C leaves the stop pending.`,
    );
  } else {
    say(`waiting for workflow ${t.lane} to finish its cycle, persist its control state and complete…`);
  }
  try {
    out.result = (await handle.result()) as TradingCycleResult;
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      throw new Error(`workflow ${t.lane} did not complete cleanly after the stop: ${safeErrorMessage(err.cause ?? err)} (see \`kalshi-autopilot status\`)`);
    }
    throw err;
  }
  return out;
}

function controlWords(r: TradingCycleResult): string {
  const c = r.control;
  const halts = c.latchedHalts.map((h) => h.code).join(',') || 'none';
  const sc = r.stopCancel;
  const cancels = !sc ? ''
    : sc.complete ? `, resting orders cancelled (${sc.canceled} canceled, ${sc.gone} already gone)`
    : `, resting orders NOT all cancelled after ${sc.attempts} attempts (${sc.error ?? 'see status'}): run \`kalshi-autopilot panic\``;
  return `kill switch ${c.killSwitch.engaged ? `ENGAGED (${c.killSwitch.reason})` : 'off'}, paused ${c.paused ? 'yes' : 'no'}, halts ${halts}${cancels}`;
}

async function waitForNoOtherWorker(client: Client, namespace: string, lane: string, ms: number): Promise<PollerVerdict[]> {
  const until = Date.now() + ms;
  for (;;) {
    const live = await liveLanePollers(client.connection, namespace, lane);
    if (live.length === 0 || Date.now() >= until) return live;
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function registerStopCommands(program: Command): void {
  addLaneOptions(program.command('stop').description('stop the lane gracefully: the workflow finishes its cycle, persists its control state, completes'))
    .option('--reason <text>', 'why (recorded with the stop)')
    .option('--cancel-resting', 'also cancel resting orders before completing')
    .option('--wait', 'wait until the workflow has completed and print its result')
    .option('--json', 'machine-readable output')
    .action(async (o: LaneCliOptions & { reason?: string; cancelResting?: boolean; wait?: boolean; json?: boolean }) => {
      const t: LaneTarget = laneTarget(o);
      if (t.note) process.stderr.write(`warning: ${t.note}\n`);
      const flags = laneFlagsText(o, t);
      const say: Say = (line) => void process.stderr.write(`${line}\n`);
      const { client, close } = await connectClient(t.temporal);
      let r: StopResult;
      try {
        r = await stopLane(client, t, stopCommandOf(o), o.wait === true, say, `\`kalshi-autopilot up ${flags}\``);
      } finally {
        await close();
      }
      if (o.json) {
        process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      if (!r.signalled) {
        process.stdout.write(
          `lane ${t.lane} is not running${r.closedStatus ? ` (last execution ${r.closedStatus})` : ''}: nothing to stop. ` +
            `Start it with \`kalshi-autopilot up ${flags}\`\n`,
        );
        return;
      }
      if (!r.result) {
        process.stdout.write(
          `stop: signalled ${t.lane} (run ${r.runId}): it finishes its cycle, persists its control state and completes; ` +
            `\`kalshi-autopilot status ${flags}\` shows it, \`stop --wait\` waits for it\n`,
        );
        return;
      }
      process.stdout.write(
        `stopped: workflow ${t.lane} completed after ${r.result.cycles} cycles (first run ${r.result.firstRunId}); ` +
          `${controlWords(r.result)}. Start it again: \`kalshi-autopilot up ${flags}\`\n`,
      );
    });

  addLaneOptions(program.command('restart').description('stop the lane (waiting), then start it with the current config'))
    .option('--reason <text>', 'why (recorded with the stop)')
    .option('--cancel-resting', 'also cancel resting orders before the old workflow completes')
    .option('--json', 'machine-readable output')
    .action(async (o: LaneCliOptions & { reason?: string; cancelResting?: boolean; json?: boolean }) => {
      const lane = prepareLane(o);
      if (!o.json) for (const line of bannerLines(lane)) process.stderr.write(`${line}\n`);
      const flags = laneFlagsText(o, lane.ctx);
      const say: Say = (line) => void process.stderr.write(`${line}\n`);
      const t = { lane: lane.ctx.lane, temporal: lane.temporal };
      const { client, close } = await connectClient(lane.temporal);
      try {
        const stopped = await stopLane(client, t, { reason: o.reason ?? 'restart', cancelResting: o.cancelResting === true }, true, say, `\`kalshi-autopilot worker ${flags}\``);
        if (stopped.result && !o.json) {
          say(`stopped: workflow ${t.lane} completed after ${stopped.result.cycles} cycles (first run ${stopped.result.firstRunId}); ${controlWords(stopped.result)}`);
        }
        // A worker still polling after the stop runs the old config: the new workflow would fail all its activities.
        const live = await waitForNoOtherWorker(client, lane.temporal.namespace, t.lane, 20_000);
        if (live.length > 0) {
          throw new LaneRefusedError(
            `the old workflow ${stopped.signalled ? 'completed' : 'is not running'}, but a worker still polls lane ${t.lane} ` +
              `(${live.map((v) => v.identity).join(', ')}); it may run another config. Stop it (Ctrl-C or SIGTERM), then ` +
              `\`kalshi-autopilot up ${flags}\`. Not starting the new workflow.`,
          );
        }
        const handle = await client.workflow.start(WORKFLOW_TYPE, { workflowId: t.lane, taskQueue: t.lane, args: [cycleInputFor(lane)] });
        const out = {
          lane: t.lane,
          stopped: stopped.result,
          previousFirstRunId: stopped.result?.firstRunId ?? null,
          runId: handle.firstExecutionRunId,
          configHash: lane.ctx.configHash,
        };
        if (o.json) {
          process.stdout.write(`${JSON.stringify(out)}\n`);
          return;
        }
        process.stdout.write(
          `restarted ${t.lane}: new workflow run ${out.runId} with config ${out.configHash}` +
            `${out.previousFirstRunId ? ` (previous first run ${out.previousFirstRunId})` : ''}; the DB at ` +
            `${displayPath(lane.ctx.dbPath)} carries journal, halts, daily-loss baseline and ledger over. ` +
            `Run it: \`kalshi-autopilot up ${flags}\` (or \`worker\`)\n`,
        );
      } finally {
        await close();
      }
    });
}

function stopCommandOf(o: { reason?: string; cancelResting?: boolean }): StopCommand {
  return { reason: o.reason ?? 'kalshi-autopilot stop', cancelResting: o.cancelResting === true };
}
