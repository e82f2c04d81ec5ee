/**
 * The watchdog's judgement, pure: is a lane healthy, from its heartbeat file and what Temporal says. Unhealthy when
 * the heartbeat is missing, unreadable or older than its next-due time plus grace; the workflow is not running; no
 * worker polls the lane's task queue (or none answers). A kill switch, pause or halt is reported, not unhealthy:
 * the alerts for those come from the workflow itself.
 */
import type { WorkflowSide } from '../cli/status-sources';

export type WatchdogProblemCode =
  | 'heartbeat_missing' | 'heartbeat_unreadable' | 'heartbeat_stale' | 'workflow_not_running' | 'no_worker' | 'temporal_unreachable' | 'worker_not_answering';

export interface WatchdogProblem {
  code: WatchdogProblemCode;
  detail: string;
}

export interface HeartbeatSnapshot {
  at: string | null;
  next_cycle_at: string | null;
  interval_seconds: number | null;
  status: string | null;
  cycle: number | null;
}

/** Parse a heartbeat file's text; a string says why it cannot be used. */
export function parseHeartbeat(text: string): HeartbeatSnapshot | string {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  if (!j || typeof j !== 'object') return 'not an object';
  const o = j as Record<string, unknown>;
  const s = (v: unknown) => (typeof v === 'string' ? v : null);
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  if (!s(o.at) || !Number.isFinite(Date.parse(o.at as string))) return 'no valid `at` time';
  return { at: s(o.at), next_cycle_at: s(o.next_cycle_at), interval_seconds: n(o.interval_seconds), status: s(o.status), cycle: n(o.cycle) };
}

/**
 * When the heartbeat is next due: its `next_cycle_at`, else (written during a cycle or by a control write) `at` plus
 * one interval. Null when neither is known.
 */
export function heartbeatDueMs(h: HeartbeatSnapshot): number | null {
  if (h.next_cycle_at && Number.isFinite(Date.parse(h.next_cycle_at))) return Date.parse(h.next_cycle_at);
  if (h.at && h.interval_seconds !== null) return Date.parse(h.at) + h.interval_seconds * 1000;
  return null;
}

export function judgeHeartbeat(h: HeartbeatSnapshot | string | null, path: string, nowMs: number, graceMs: number): WatchdogProblem | null {
  if (h === null) return { code: 'heartbeat_missing', detail: `no heartbeat file at ${path}: the lane's worker has not written one` };
  if (typeof h === 'string') return { code: 'heartbeat_unreadable', detail: `heartbeat ${path}: ${h}` };
  const due = heartbeatDueMs(h);
  if (due === null) return { code: 'heartbeat_stale', detail: `heartbeat ${path} (written ${h.at}) says no next cycle is due (stopped)` };
  if (nowMs > due + graceMs) {
    const late = Math.round((nowMs - due) / 60_000);
    return { code: 'heartbeat_stale', detail: `heartbeat written ${h.at}, next cycle was due ${new Date(due).toISOString()} (${late} min ago, grace ${Math.round(graceMs / 1000)} s): the worker or Temporal is not running cycles` };
  }
  return null;
}

export function judgeWorkflow(w: WorkflowSide): WatchdogProblem | null {
  if (w.problem === 'server_unreachable' || w.problem === 'temporal_error') return { code: 'temporal_unreachable', detail: w.temporalError ?? 'Temporal unreachable' };
  if (w.problem === 'workflow_not_found') return { code: 'workflow_not_running', detail: w.temporalError ?? 'no workflow' };
  if (w.workflowState && w.workflowState.status !== 'running') {
    return { code: 'workflow_not_running', detail: `the workflow is ${w.workflowState.status}${w.workflowState.closedAt ? ` since ${w.workflowState.closedAt}` : ''} (run ${w.workflowState.runId})` };
  }
  if (w.problem === 'no_worker') return { code: 'no_worker', detail: w.temporalError ?? 'no worker polls the lane' };
  if (w.problem === 'worker_not_answering') return { code: 'worker_not_answering', detail: w.temporalError ?? 'no worker answered' };
  return null;
}
