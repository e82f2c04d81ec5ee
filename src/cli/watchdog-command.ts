/**
 * `kalshi-autopilot watchdog [--json] [--alert]`: for cron or a systemd timer (deploy/kalshi-autopilot-watchdog.timer).
 * Exit 0 healthy, 1 unhealthy (src/observability/watchdog.ts says when). With --alert it sends the webhook alert
 * itself: once when the lane becomes unhealthy and once when it recovers (dedupe state in
 * `<heartbeat file>.watchdog.json`, src/domain/alerts.ts), never again on every run while the problem lasts.
 */
import type { Command } from 'commander';
import fs from 'node:fs';
import { diffAlerts, initialAlertState, type AlertState } from '../domain/alerts';
import { sendAlert, webhookTarget } from '../observability/notifier';
import { writeHeartbeat } from '../observability/heartbeat';
import { safeErrorMessage, scrub } from '../observability/redact';
import { judgeHeartbeat, judgeWorkflow, parseHeartbeat, WatchdogProblem } from '../observability/watchdog';
import { addLaneOptions, LaneCliOptions, laneTarget, prepareLane } from './lane';
import { readWorkflowSide } from './status-sources';

export interface WatchdogReport {
  healthy: boolean;
  lane: string;
  problems: WatchdogProblem[];
  heartbeat: { path: string; at: string | null; next_cycle_at: string | null; status: string | null };
  workflow: string | null;
  /** With --alert: `raised`, `resolved`, `unchanged`, `off` (alerts not configured) or `failed: …`. */
  alert: string | null;
}

export async function runWatchdog(o: LaneCliOptions & { alert?: boolean }, deps: { env?: NodeJS.ProcessEnv; cwd?: string; now?: () => number } = {}): Promise<WatchdogReport> {
  const env = deps.env ?? process.env;
  const nowMs = (deps.now ?? Date.now)();
  const lane = prepareLane(o, { validate: false, env, cwd: deps.cwd });
  const target = laneTarget(o, { env, cwd: deps.cwd });
  const hbPath = lane.ctx.heartbeatPath;
  const text = fs.existsSync(hbPath) ? fs.readFileSync(hbPath, 'utf8') : null;
  const hb = text === null ? null : parseHeartbeat(text);
  const problems: WatchdogProblem[] = [];
  const hbProblem = judgeHeartbeat(hb, hbPath, nowMs, lane.ctx.config.observability.watchdog_grace_seconds * 1000);
  if (hbProblem) problems.push(hbProblem);
  const side = await readWorkflowSide(target, o);
  const wfProblem = judgeWorkflow(side);
  if (wfProblem) problems.push(wfProblem);
  const snap = hb && typeof hb !== 'string' ? hb : null;
  const report: WatchdogReport = {
    healthy: problems.length === 0,
    lane: lane.ctx.lane,
    problems,
    heartbeat: { path: hbPath, at: snap?.at ?? null, next_cycle_at: snap?.next_cycle_at ?? null, status: snap?.status ?? null },
    workflow: side.workflowState?.status ?? null,
    alert: null,
  };
  if (o.alert) report.alert = await alertOnce(lane, `${hbPath}.watchdog.json`, problems, nowMs);
  return report;
}

async function alertOnce(lane: ReturnType<typeof prepareLane>, stateFile: string, problems: WatchdogProblem[], nowMs: number): Promise<string> {
  const t = webhookTarget(lane.ctx.config, lane.secrets);
  if (!t.url) return 'off';
  let prev: AlertState = initialAlertState();
  try {
    prev = JSON.parse(fs.readFileSync(stateFile, 'utf8')) as AlertState;
  } catch {
    prev = initialAlertState();
  }
  const cond = problems.length
    ? [{ key: 'watchdog' as const, severity: 'critical' as const, title: 'lane unhealthy', text: problems.map((p) => p.detail).join('; ') }]
    : [];
  const d = diffAlerts(prev, cond, nowMs);
  try {
    for (const c of d.raised) {
      await sendAlert(t, { event: 'watchdog', state: 'raised', severity: c.severity, lane: lane.ctx.lane, title: c.title, text: c.text, atMs: nowMs, details: { problems } });
    }
    for (const r of d.resolved) {
      await sendAlert(t, { event: 'watchdog', state: 'resolved', severity: 'info', lane: lane.ctx.lane, title: 'lane healthy again', text: `unhealthy since ${new Date(r.sinceMs).toISOString()}`, atMs: nowMs });
    }
  } catch (err) {
    return `failed: ${safeErrorMessage(err)}`;
  }
  writeHeartbeat(stateFile, d.next as unknown as Record<string, unknown>);
  return d.raised.length ? 'raised' : d.resolved.length ? 'resolved' : 'unchanged';
}

export function formatWatchdog(r: WatchdogReport): string {
  const head = r.healthy ? `healthy: ${r.lane} (heartbeat ${r.heartbeat.at ?? '-'}, next cycle ${r.heartbeat.next_cycle_at ?? '-'}, status ${r.heartbeat.status ?? '-'})` : `UNHEALTHY: ${r.lane}`;
  return [head, ...r.problems.map((p) => `  ${p.code}: ${p.detail}`), ...(r.alert ? [`  alert: ${r.alert}`] : [])].join('\n') + '\n';
}

export function registerWatchdogCommand(program: Command): void {
  addLaneOptions(program.command('watchdog').description('exit 1 when the lane is unhealthy (stale heartbeat, workflow not running, no worker); cron/systemd-timer friendly'))
    .option('--json', 'print the report as JSON')
    .option('--alert', 'send the webhook alert when it becomes unhealthy and when it recovers (once each)')
    .action(async (o: LaneCliOptions & { json?: boolean; alert?: boolean }) => {
      const r = await runWatchdog(o);
      process.stdout.write(scrub(o.json ? `${JSON.stringify(r)}\n` : formatWatchdog(r)));
      if (!r.healthy) process.exitCode = 1;
    });
}
