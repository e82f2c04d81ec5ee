import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scrubValue } from './redact';
import { statusWordFor, type StatusWord } from '../domain/reason-codes';
import { tradingBlockReason, type ControlState } from '../domain/control';
import type { CycleSummary } from '../domain/trading-types';
import { formatDollarsExact } from '../domain/fixed';
import type { LlmSpendSummary } from '../store/llm-store';
import type { LaneIdentity, StatusView, StopRecord } from '../workflows/definitions';

/**
 * The heartbeat file: what a watchdog reads to judge a lane without Temporal. Rewritten after every cycle
 * (finishCycle) and after every control-state write (persistControl: a signal, a stop, a hand-over), so a kill switch
 * engaged by signal shows here at once. A watchdog alarms when `status` is not `active`, when `workflow.state` is
 * `stopped`, or when `next_cycle_at` is well in the past (the worker or Temporal is gone).
 */
export interface Heartbeat {
  /** When this file was written (the workflow's logical clock: equal to wall time outside tests). */
  at: string;
  /** What wrote it: `cycle` (finishCycle) or `control:<kind>` (persistControl: signal, cycle, continue_as_new, stop). */
  written_by: string;
  /** The registry's status word (statusWordFor): killed | halted | paused | reduce_only | degraded | active. */
  status: StatusWord;
  /** When the next cycle is due (ISO, UTC); null during a cycle's own control write and once stopped. */
  next_cycle_at: string | null;
  interval_seconds: number | null;
  worker: { pid: number; host: string };
  workflow: { id: string | null; runId: string; firstRunId: string; state: StatusView['phase']; generation: number };
  lane: LaneIdentity;
  dbPath: string;
  /** The last finished cycle (0 before the first). */
  cycle: number;
  /** Its outcome (`completed`, `skipped:<code>`, `error:<type>`), or null before the first cycle. */
  outcome: string | null;
  tradingBlockedBy: string | null;
  control: ControlState;
  errors: StatusView['errors'];
  /** The last cycle's counts and why it placed nothing (null before the first cycle). */
  last_cycle: {
    cycle: number;
    outcome: string;
    started_at: string;
    finished_at: string;
    scanned: number;
    in_scope: number;
    estimates: number;
    orders: number;
    fills: number;
    why_no_trade: string | null;
  } | null;
  /** The last cycle's whole summary (CycleSummary; `{}` before the pipeline or the first cycle). */
  summary: Record<string, unknown>;
  /** LLM spend (lanes that ever called an LLM; docs/models.md): today = the UTC day of the logical clock. Dollars. */
  llm_spend?: { day: string; today: string; today_calls: number; last_cycle: { cycle: number; spent: string; calls: number } | null };
  /** Set once a `stop` signal arrived. */
  stoppedBy: StopRecord | null;
}

export interface HeartbeatFacts {
  /** The workflow's status at the write (its phase, next-due time, last cycle, errors). */
  status: StatusView;
  /** The control state as written to the DB (may hold restrictions merged in there); default: status.control. */
  control?: ControlState;
  nowMs: number;
  writtenBy: string;
  dbPath: string;
  /** The finishing cycle's own outcome and summary (finishCycle); default: status.lastCycle's. */
  outcome?: string;
  summary?: Record<string, unknown>;
  worker?: { pid: number; host: string };
  /** The lane DB's LLM spend summary (Store.llm.summary); a lane that never called an LLM gets no llm_spend key. */
  llmSpend?: LlmSpendSummary | null;
}

const iso = (ms: number | null | undefined): string | null => (typeof ms === 'number' && Number.isFinite(ms) ? new Date(ms).toISOString() : null);

/** Pure: the heartbeat document for these facts. */
export function buildHeartbeat(f: HeartbeatFacts): Heartbeat {
  const s = f.status;
  const control = f.control ?? s.control;
  const last = s.lastCycle;
  const summary = (f.summary ?? (last?.summary as Record<string, unknown> | null | undefined) ?? {}) as Partial<CycleSummary>;
  const n = (x: unknown) => (typeof x === 'number' ? x : 0);
  return {
    at: iso(f.nowMs) ?? '',
    written_by: f.writtenBy,
    status: statusWordFor(control),
    next_cycle_at: iso(s.nextCycleAtMs),
    interval_seconds: s.intervalSeconds ?? null,
    worker: f.worker ?? { pid: process.pid, host: os.hostname() },
    workflow: { id: s.workflowId ?? s.lane.lane, runId: s.runId, firstRunId: s.firstRunId, state: s.phase, generation: s.generation },
    lane: s.lane,
    dbPath: f.dbPath,
    cycle: last?.cycle ?? s.cycle,
    outcome: f.outcome ?? last?.outcome ?? null,
    tradingBlockedBy: tradingBlockReason(control),
    control,
    errors: s.errors,
    last_cycle: last
      ? {
          cycle: last.cycle,
          outcome: f.outcome ?? last.outcome,
          started_at: iso(last.startedAtMs) ?? '',
          finished_at: iso(last.finishedAtMs) ?? '',
          scanned: n(summary.scanned),
          in_scope: n(summary.inScope),
          estimates: n(summary.estimates),
          orders: n(summary.orders),
          fills: n(summary.fills),
          why_no_trade: typeof summary.whyNoTrade === 'string' ? summary.whyNoTrade : null,
        }
      : null,
    summary: summary as Record<string, unknown>,
    stoppedBy: s.stoppedBy ?? null,
    ...(f.llmSpend && f.llmSpend.lastCycle ? { llm_spend: llmSpendJson(f.llmSpend) } : {}),
  };
}

function llmSpendJson(l: LlmSpendSummary): NonNullable<Heartbeat['llm_spend']> {
  return {
    day: l.day,
    today: formatDollarsExact(l.todayMicros),
    today_calls: l.todayCalls,
    last_cycle: l.lastCycle ? { cycle: l.lastCycle.cycle, spent: formatDollarsExact(l.lastCycle.micros), calls: l.lastCycle.calls } : null,
  };
}

/**
 * Write the heartbeat file atomically (temp file + rename in the same directory), so a monitor never reads half a
 * file; a failed write removes its temp file. The content is scrubbed of secrets as a last line of defence; it is
 * built from status data that holds none.
 */
export function writeHeartbeat(file: string, data: Heartbeat | Record<string, unknown>): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, JSON.stringify(scrubValue(data), null, 2) + '\n');
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}
