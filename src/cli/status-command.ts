/**
 * `kalshi-autopilot status`: what the lane is doing and why — the execution's real state (describe), the workflow's
 * own view (the status query, asked only while it runs and a worker polls), the DB's view, and any disagreement
 * between the two control states. Sources and their failure modes: src/cli/status-sources.ts.
 *
 * JSON keeps its keys (lane, mode, env, dbPath, workflow, temporalError, db, ledger, lastCycle) and adds
 * workflowState {status, closedAt, runId}, temporalProblem, pollers, nextCycle {at, atLocal, in} and
 * controlDisagreement (null when one side is unknown, [] when both agree).
 */
import { Command } from 'commander';
import type { ControlState } from '../domain/control';
import { normalizeReasonCode } from '../domain/reason-codes';
import { displayPath } from '../observability/redact';
import type { StatusView } from '../workflows/definitions';
import { LaneCliOptions, laneTarget } from './lane';
import { addLaneTargetOptions } from './lane-target-options';
import { qualityLines, readLaneQuality } from './quality-view';
import { bankrollOf, readStatusExtras, statusExtraLines } from './status-ledger';
import { llmSpendLines, readLlmSpend } from './status-llm';
import { laneFlagsOf, readDbStatus, readWorkflowSide, WorkflowState } from './status-sources';

export interface ControlDisagreement {
  field: 'killSwitch' | 'paused' | 'latchedHalts';
  workflow: boolean | string[];
  db: boolean | string[];
}

/** Where the workflow's and the DB's control states differ (kill switch engaged, paused, the set of latched codes). */
export function compareControl(wf: ControlState, db: ControlState): ControlDisagreement[] {
  const out: ControlDisagreement[] = [];
  if (wf.killSwitch.engaged !== db.killSwitch.engaged) out.push({ field: 'killSwitch', workflow: wf.killSwitch.engaged, db: db.killSwitch.engaged });
  if (wf.paused !== db.paused) out.push({ field: 'paused', workflow: wf.paused, db: db.paused });
  const codes = (c: ControlState) => [...new Set(c.latchedHalts.map((h) => normalizeReasonCode(h.code)))].sort();
  const [a, b] = [codes(wf), codes(db)];
  if (a.join(',') !== b.join(',')) out.push({ field: 'latchedHalts', workflow: a, db: b });
  return out;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 22:25:03 +01:00`: the machine's local time, with its offset. */
export function localTime(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ` +
    `${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
}

/** A duration in words: `45 s`, `58 min`, `2 h 5 min`. */
export function duration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** `in 58 min`, or `overdue by 3 min` for a time already past. */
export function relative(ms: number, nowMs: number): string {
  return ms >= nowMs ? `in ${duration(ms - nowMs)}` : `overdue by ${duration(nowMs - ms)}`;
}

const STATE_WORDS: Record<WorkflowState['status'], string> = {
  running: 'RUNNING', completed: 'COMPLETED', canceled: 'CANCELED', terminated: 'TERMINATED', failed: 'FAILED',
  'continued-as-new': 'CONTINUED-AS-NEW', 'timed-out': 'TIMED OUT', unknown: 'UNKNOWN',
};

function workflowLines(view: StatusView, nowMs: number): string[] {
  const ks = view.control.killSwitch;
  const next = view.nextCycleAtMs;
  return [
    `  workflow: phase=${view.phase} cycle=${view.cycle} generation=${view.generation} first-run=${view.firstRunId}`,
    `  trading blocked by: ${view.tradingBlockedBy ?? 'nothing'}`,
    `  kill switch: ${ks.engaged ? `ENGAGED (${ks.source}: ${ks.reason})` : 'off'}` +
      `  paused: ${view.control.paused}  halts: ${view.control.latchedHalts.map((h) => h.code).join(',') || 'none'}`,
    `  last cycle: ${view.lastCycle ? `#${view.lastCycle.cycle} ${view.lastCycle.outcome} at ${new Date(view.lastCycle.finishedAtMs).toISOString()}` : 'none yet'}`,
    next !== null && view.phase === 'waiting'
      ? `  next cycle: ${localTime(next)} (${relative(next, nowMs)})`
      : `  next cycle: ${view.phase === 'cycle' ? 'a cycle is running now' : view.phase === 'starting' ? 'starting' : 'none (stopped)'}`,
    `  errors: ${view.errors.consecutive} consecutive, ${view.errors.total} total${view.errors.last ? ` (last: ${view.errors.last})` : ''}`,
  ];
}

function disagreementLines(d: ControlDisagreement[]): string[] {
  const word = (field: ControlDisagreement['field'], v: boolean | string[]) =>
    Array.isArray(v) ? (v.join(',') || 'none') : field === 'killSwitch' ? (v ? 'ENGAGED' : 'off') : String(v);
  const name = { killSwitch: 'kill switch', paused: 'paused', latchedHalts: 'latched halts' } as const;
  return [
    ...d.map((x) => `  DISAGREE: ${name[x.field]}: workflow ${word(x.field, x.workflow)}, DB ${word(x.field, x.db)}`),
    '  the workflow adopts restrictions it finds in the DB at its next cycle (it never releases them); a DB behind the ' +
      'workflow means its write failed or the worker runs on another DB file (compare db= in its banner with the db above)',
  ];
}

export function registerStatusCommand(program: Command): void {
  addLaneTargetOptions(program.command('status').description('what the lane is doing and why: the execution state, the status query, the DB'))
    .option('--json', 'machine-readable output')
    .action(async (o: LaneCliOptions & { json?: boolean }) => {
      const lane = laneTarget(o);
      if (lane.note) process.stderr.write(`warning: ${lane.note}\n`);
      const side = await readWorkflowSide(lane, o);
      const view = side.view;
      const nowMs = Date.now();
      const db = readDbStatus(lane.dbPath, lane.mode, lane.env, lane.lane);
      // The ledger (paper in dry-run) and the last finished cycle's counts: src/cli/status-ledger.ts.
      const extras = db && !('error' in db) ? readStatusExtras(lane, bankrollOf(o, lane)) : { ledger: null, lastCycle: null };
      // Model scores and the bench (docs/scoring.md): src/cli/quality-view.ts.
      const quality = db && !('error' in db) ? readLaneQuality(lane, o) : null;
      const controlDisagreement = view && db && !('error' in db) ? compareControl(view.control, db.control) : null;
      // LLM spend today and per cycle (docs/models.md): src/cli/status-llm.ts; null for a lane that never called an LLM.
      const llmSpend = db && !('error' in db) ? readLlmSpend(lane.dbPath, lane.lane, nowMs) : null;
      const next = view && view.phase === 'waiting' ? view.nextCycleAtMs : null;
      const out = {
        lane: lane.lane, mode: lane.mode, env: lane.env, dbPath: lane.dbPath, workflow: view, temporalError: side.temporalError, db, ...extras,
        workflowState: side.workflowState, temporalProblem: side.problem, pollers: side.pollers,
        nextCycle: next === null ? null : { at: new Date(next).toISOString(), atLocal: localTime(next), in: relative(next, nowMs) },
        controlDisagreement,
        quality,
        llmSpend,
      };
      if (o.json) {
        process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
        return;
      }
      const lines = [`lane ${out.lane}  mode=${out.mode}  env=${out.env}`, `  db ${displayPath(out.dbPath)}`];
      const st = side.workflowState;
      if (st && st.status !== 'running') {
        const flags = laneFlagsOf(lane, o);
        const when = st.closedAt ? ` at ${localTime(Date.parse(st.closedAt))} (${duration(nowMs - Date.parse(st.closedAt))} ago)` : '';
        lines.push(
          `  workflow: ${STATE_WORDS[st.status]}${when}, run ${st.runId}: the lane is NOT running and no cycles run`,
          `  start it again: \`kalshi-autopilot start ${flags}\` (with a worker: \`kalshi-autopilot worker ${flags}\`) or \`kalshi-autopilot up ${flags}\``,
        );
      } else if (view) {
        lines.push(...workflowLines(view, nowMs));
      } else {
        lines.push(`  workflow: ${side.temporalError}`);
      }
      if (controlDisagreement && controlDisagreement.length) lines.push(...disagreementLines(controlDisagreement));
      if (db && 'error' in db) {
        lines.push(`  db: cannot read: ${db.error}`);
      } else if (db) {
        lines.push(
          `  db control: kill=${db.control.killSwitch.engaged ? 'ENGAGED' : 'off'} paused=${db.control.paused} blocked-by=${db.blockedBy ?? 'nothing'}`,
          `  db cycles recorded: ${db.cycles}${db.lastCycle ? `, last #${db.lastCycle.cycle} ${db.lastCycle.outcome}` : ''}`,
          ...statusExtraLines(extras, lane.dbPath),
          ...qualityLines(quality),
          ...llmSpendLines(llmSpend),
        );
      } else {
        lines.push(`  db: no lane DB at ${displayPath(lane.dbPath)} (path from ${lane.dbFrom})`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}
