/**
 * Where `status` and `clear-halt` learn a lane's state, each source judged on its own and quickly:
 *
 * 1. Temporal's frontend (connect, 5 s): unreachable → `server_unreachable` (nothing else is asked).
 * 2. describe() of the lane's workflow (5 s): the execution's real state — running, completed, canceled, terminated,
 *    failed, continued-as-new, timed-out — with its close time and run id; not found → `workflow_not_found`.
 * 3. Only for a running execution: who polls its task queue (DescribeTaskQueue, src/lane-pollers.ts). With no live
 *    workflow poller the status query is not even sent (it would wait ~30 s for nobody) → `no_worker`.
 * 4. The status query with a short deadline (QUERY_TIMEOUT_MS): no answer → `worker_not_answering`.
 *
 * And the lane DB, read-only (no migrations, no writes): `readDbStatus`.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import { ControlState, initialControlState, tradingBlockReason } from '../domain/control';
import { isPidAlive, LanePoller, listLanePollers, parseWorkerIdentity, RECENT_POLL_MS, thisWorker } from '../lane-pollers';
import { safeErrorMessage } from '../observability/redact';
import { ControlStore, CycleStore, readDbIdentity } from '../store';
import { StatusView, statusQuery } from '../workflows/definitions';
import type { LaneTarget } from './lane';
import { connectClient, TemporalUnreachableError } from './temporal-client';

export const DESCRIBE_TIMEOUT_MS = 5_000;
export const QUERY_TIMEOUT_MS = 5_000;

export type WorkflowStateName = 'running' | 'completed' | 'canceled' | 'terminated' | 'failed' | 'continued-as-new' | 'timed-out' | 'unknown';

export interface WorkflowState {
  status: WorkflowStateName;
  /** ISO time the execution closed; null while running. */
  closedAt: string | null;
  runId: string;
}

export type TemporalProblem = 'server_unreachable' | 'workflow_not_found' | 'no_worker' | 'worker_not_answering' | 'temporal_error';

export interface PollerInfo {
  identity: string;
  lastPollAt: string | null;
  taskQueueTypes: Array<'workflow' | 'activity'>;
  /** Judged alive: a running pid on this host, or (another host) a poll within RECENT_POLL_MS. */
  live: boolean;
}

export interface WorkflowSide {
  workflowState: WorkflowState | null;
  view: StatusView | null;
  problem: TemporalProblem | null;
  /** One line: what is wrong and which command fixes it (null when the query answered). */
  temporalError: string | null;
  /** The lane task queue's pollers, when asked (running executions only). */
  pollers: PollerInfo[] | null;
}

const STATUS_NAMES: Record<string, WorkflowStateName> = {
  RUNNING: 'running', COMPLETED: 'completed', CANCELLED: 'canceled', TERMINATED: 'terminated', FAILED: 'failed',
  CONTINUED_AS_NEW: 'continued-as-new', TIMED_OUT: 'timed-out',
};

/** The lane flags to repeat in a suggested command (`--env sim --dry-run [--config F]`). */
export function laneFlagsOf(lane: Pick<LaneTarget, 'env' | 'mode'>, o: { config?: string; temporalAddress?: string }): string {
  const parts = [`--env ${lane.env}`, `--${lane.mode}`];
  if (o.config) parts.push(`--config ${o.config}`);
  if (o.temporalAddress) parts.push(`--temporal-address ${o.temporalAddress}`);
  return parts.join(' ');
}

/** Pollers of the lane's task queue, one per identity, each judged live or not. */
function judge(pollers: LanePoller[], nowMs: number): PollerInfo[] {
  const self = thisWorker();
  const by = new Map<string, { last: number | null; types: Set<'workflow' | 'activity'> }>();
  for (const p of pollers) {
    const e = by.get(p.identity) ?? { last: null, types: new Set() };
    e.types.add(p.taskQueueType);
    if (p.lastAccessMs !== null) e.last = Math.max(e.last ?? 0, p.lastAccessMs);
    by.set(p.identity, e);
  }
  return [...by].map(([identity, e]) => {
    const parsed = parseWorkerIdentity(identity);
    const recent = e.last === null || nowMs - e.last < RECENT_POLL_MS;
    const live = parsed && parsed.hostname === self.hostname ? isPidAlive(parsed.pid) : recent;
    return { identity, lastPollAt: e.last === null ? null : new Date(e.last).toISOString(), taskQueueTypes: [...e.types].sort(), live };
  });
}

const isDeadline = (err: unknown) => /deadline|DEADLINE_EXCEEDED|timed? ?out/i.test(String((err as { code?: unknown })?.code ?? '') + ' ' + safeErrorMessage(err));

/** What Temporal says about the lane (see the module comment). Never throws. */
export async function readWorkflowSide(lane: LaneTarget, o: { config?: string; temporalAddress?: string }): Promise<WorkflowSide> {
  const flags = laneFlagsOf(lane, o);
  const addr = lane.temporal.address;
  const out: WorkflowSide = { workflowState: null, view: null, problem: null, temporalError: null, pollers: null };
  const fail = (problem: TemporalProblem, text: string) => Object.assign(out, { problem, temporalError: text });
  let conn: Awaited<ReturnType<typeof connectClient>>;
  try {
    conn = await connectClient(lane.temporal);
  } catch (err) {
    if (err instanceof TemporalUnreachableError) {
      return fail('server_unreachable', `Temporal server unreachable at ${addr}: start it (\`bash temporal/dev-server.sh start\`, or \`kalshi-autopilot up ${flags}\`) or pass --temporal-address`);
    }
    return fail('temporal_error', `Temporal error at ${addr}: ${safeErrorMessage(err)}`);
  }
  const { client, close } = conn;
  try {
    const handle = client.workflow.getHandle(lane.lane);
    try {
      const d = await client.connection.withDeadline(Date.now() + DESCRIBE_TIMEOUT_MS, () => handle.describe());
      out.workflowState = { status: STATUS_NAMES[d.status.name] ?? 'unknown', closedAt: d.closeTime ? d.closeTime.toISOString() : null, runId: d.runId };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) {
        return fail('workflow_not_found', `not running: no workflow ${lane.lane} at ${addr}; start it with \`kalshi-autopilot start ${flags}\` (and a worker) or \`kalshi-autopilot up ${flags}\``);
      }
      if (isDeadline(err)) return fail('server_unreachable', `Temporal server at ${addr} did not answer within ${DESCRIBE_TIMEOUT_MS / 1000} s`);
      return fail('temporal_error', `Temporal error at ${addr}: ${safeErrorMessage(err)}`);
    }
    if (out.workflowState.status !== 'running') return out;
    try {
      out.pollers = judge(await listLanePollers(client.connection, lane.temporal.namespace, lane.lane), Date.now());
    } catch {
      out.pollers = null; // cannot tell: try the query anyway (with its deadline)
    }
    const fix = `run \`kalshi-autopilot worker ${flags}\` (or \`kalshi-autopilot up ${flags}\`)`;
    if (out.pollers && !out.pollers.some((p) => p.live && p.taskQueueTypes.includes('workflow'))) {
      const stale = out.pollers.length ? ` (Temporal still lists ${out.pollers.map((p) => `${p.identity}, last poll ${p.lastPollAt ?? '?'}`).join('; ')}: not running)` : '';
      return fail('no_worker', `no worker polling task queue ${lane.lane}${stale}: the workflow is running but nothing executes its cycles; ${fix}`);
    }
    try {
      out.view = await client.connection.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => handle.query(statusQuery));
    } catch (err) {
      if (isDeadline(err)) return fail('worker_not_answering', `no worker answered the status query within ${QUERY_TIMEOUT_MS / 1000} s (task queue ${lane.lane}); if no worker runs, ${fix}`);
      return fail('temporal_error', `status query failed: ${safeErrorMessage(err)}`);
    }
    return out;
  } finally {
    await close();
  }
}

export interface DbStatus {
  control: ControlState;
  blockedBy: string | null;
  cycles: number;
  lastCycle: { cycle: number; outcome: string } | null;
}

/** The DB's view, read-only (no migrations, no writes); a DB that cannot be read says why; null when there is none. */
export function readDbStatus(dbPath: string, mode: 'dry-run' | 'live', env: 'sim' | 'demo' | 'prod', lane: string): DbStatus | { error: string } | null {
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
