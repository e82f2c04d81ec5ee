/**
 * The worker process's own last word: when `worker` or `up` fails to start (an invalid config included) or dies with
 * an error, it sends a `fatal_start` alert before exiting — the workflow cannot, since no worker runs its activities.
 * systemd's Restart=on-failure with a start limit then stops retrying a config that cannot work, and this alert is
 * what tells the operator.
 *
 * With a broken config the target is found best effort: the webhook URL from the secrets (KALSHI_AUTOPILOT_WEBHOOK_URL,
 * or the file's secrets.webhook_url), the format from the raw file's `alerts.format`; only an explicit
 * `observability.webhook_enabled: false` in the file keeps it silent. Never throws; the payload is scrubbed.
 */
import { ConfigError, formatIssues, loadConfig, readRawConfigFile, resolveConfigPath } from '../config';
import { ALERT_FORMATS } from '../config/schema';
import { sendAlert, type AlertFormat, type WebhookTarget, webhookTarget } from '../observability/notifier';
import { safeErrorMessage } from '../observability/redact';
import type { LaneCliOptions } from './lane';

function bestEffortTarget(o: LaneCliOptions, env: NodeJS.ProcessEnv, cwd: string): WebhookTarget {
  try {
    const loaded = loadConfig({ configPath: o.config, env, cwd });
    return webhookTarget(loaded.config, loaded.secrets);
  } catch {
    // The config is unusable: read what can be read.
  }
  let raw: Record<string, unknown> = {};
  try {
    const r = readRawConfigFile(resolveConfigPath(o.config, cwd));
    if (r && typeof r === 'object' && !Array.isArray(r)) raw = r as Record<string, unknown>;
  } catch {
    raw = {};
  }
  const section = (k: string) => (raw[k] && typeof raw[k] === 'object' ? (raw[k] as Record<string, unknown>) : {});
  const enabled = section('observability').webhook_enabled !== false;
  const fileUrl = section('secrets').webhook_url;
  const url = env.KALSHI_AUTOPILOT_WEBHOOK_URL?.trim() || (typeof fileUrl === 'string' && /^https?:\/\//.test(fileUrl) ? fileUrl : '');
  const f = section('alerts').format;
  const format: AlertFormat = typeof f === 'string' && (ALERT_FORMATS as readonly string[]).includes(f) ? (f as AlertFormat) : 'generic';
  return { url: enabled && url ? url : null, format, timeoutMs: 10_000 };
}

/** The lane the failed process was for, in words (from the flags when the config cannot say). */
function laneWords(o: LaneCliOptions): string {
  const mode = o.live ? 'live' : o.dryRun ? 'dry-run' : null;
  return o.env && mode ? `kalshi-autopilot-${o.env}-${mode}` : `kalshi-autopilot${o.env ? `-${o.env}` : ''} (lane not resolved)`;
}

/** Send the fatal-start alert for `err`; resolves to what happened (for the log line), never throws. */
export async function sendFatalStart(
  kind: 'worker' | 'up', o: LaneCliOptions, err: unknown, deps: { env?: NodeJS.ProcessEnv; cwd?: string; now?: () => number; fetchImpl?: typeof fetch } = {},
): Promise<'sent' | 'off' | 'failed'> {
  try {
    const target = bestEffortTarget(o, deps.env ?? process.env, deps.cwd ?? process.cwd());
    if (!target.url) return 'off';
    const why = err instanceof ConfigError ? `invalid configuration: ${formatIssues(err.issues).replace(/\n/g, '; ')}` : safeErrorMessage(err);
    await sendAlert(target, {
      event: 'fatal_start', state: 'info', severity: 'critical', lane: laneWords(o), title: `${kind} exited with an error`,
      text: `${why}. No cycles run until it is fixed and the ${kind} is started again`, atMs: (deps.now ?? Date.now)(),
      details: { pid: process.pid, kind },
    }, deps.fetchImpl);
    return 'sent';
  } catch {
    return 'failed';
  }
}
