/**
 * Webhook alerts: the payload of one alert in the configured format (`alerts.format`: generic JSON, Slack's or
 * Discord's incoming-webhook shape) and the one HTTP POST that sends it. Used by the `notify` activity, the worker's
 * fatal-start alert, `watchdog --alert` and `preflight`'s test message.
 *
 * Never a secret in a payload: every payload is scrubbed by value (registered secrets — keys, the webhook URL itself
 * — and PEM blocks) right before it is serialised. The webhook URL is a secret (it carries the token): no error, log
 * or result names it, only its host.
 */
import { scrub, scrubValue } from './redact';

export const ALERT_EVENTS = [
  'fatal_start', 'kill_switch', 'daily_loss_halt', 'drawdown_halt', 'reconciliation_mismatch', 'unknown_order_outcome',
  'failure_cooldown', 'repeated_failures', 'workflow_closed', 'watchdog', 'test',
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
export type AlertFormat = 'generic' | 'slack' | 'discord';

export interface Alert {
  event: AlertEvent;
  /** `raised`: the condition began; `resolved`: it ended (sent once); `info`: a one-off (test, fatal start, closed). */
  state: 'raised' | 'resolved' | 'info';
  severity: 'critical' | 'warning' | 'info';
  lane: string;
  /** One short line, e.g. "kill switch engaged". */
  title: string;
  /** More words (why, what to do). */
  text: string;
  atMs: number;
  details?: Record<string, unknown>;
}

const MARK: Record<Alert['state'], string> = { raised: '🔴', resolved: '✅', info: 'ℹ️' };

/** The human line every format shows: `🔴 [kalshi-autopilot-prod-live] kill switch engaged — reason: manual`. */
export function alertLine(a: Alert): string {
  return `${MARK[a.state]} [${a.lane}] ${a.title}${a.text ? ` — ${a.text}` : ''}`;
}

/** The JSON body for `format`. Pure; scrubbed of every registered secret. */
export function alertPayload(format: AlertFormat, a: Alert): Record<string, unknown> {
  const line = scrub(alertLine(a));
  let body: Record<string, unknown>;
  if (format === 'slack') body = { text: line };
  else if (format === 'discord') body = { content: line.slice(0, 2000) };
  else {
    body = {
      source: 'kalshi-autopilot', lane: a.lane, event: a.event, state: a.state, severity: a.severity, title: a.title,
      text: a.text, at: new Date(a.atMs).toISOString(), details: a.details ?? {},
    };
  }
  return scrubValue(body);
}

/** A webhook that did not take the alert; the message names the host and the status, never the URL. */
export class WebhookError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'WebhookError';
  }
}

export interface SendOptions {
  timeoutMs: number;
  fetchImpl?: typeof fetch;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unparseable URL';
  }
}

/** POST the payload; resolves on a 2xx, throws WebhookError otherwise (4xx but 408/429: not retryable). */
export async function postWebhook(url: string, payload: Record<string, unknown>, opts: SendOptions): Promise<void> {
  const f = opts.fetchImpl ?? fetch;
  const host = hostOf(url);
  let res: Response;
  try {
    res = await f(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'kalshi-autopilot' },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (err) {
    const what = (err as Error)?.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs} ms` : 'no connection';
    throw new WebhookError(`webhook at ${host}: ${what}`, true);
  }
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return;
  const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
  throw new WebhookError(`webhook at ${host} answered HTTP ${res.status}`, retryable);
}

export interface WebhookTarget {
  /** null: alerts off (observability.webhook_enabled false, or no KALSHI_AUTOPILOT_WEBHOOK_URL). */
  url: string | null;
  format: AlertFormat;
  timeoutMs: number;
}

/** The lane's alert target from its config and secrets. */
export function webhookTarget(
  config: { observability: { webhook_enabled: boolean; webhook_timeout_seconds: number }; alerts: { format: AlertFormat } },
  secrets: { webhookUrl: string | null },
): WebhookTarget {
  return {
    url: config.observability.webhook_enabled && secrets.webhookUrl ? secrets.webhookUrl : null,
    format: config.alerts.format,
    timeoutMs: config.observability.webhook_timeout_seconds * 1000,
  };
}

/** Send one alert to a target; false when alerts are off. Throws WebhookError when the webhook refuses. */
export async function sendAlert(target: WebhookTarget, a: Alert, fetchImpl?: typeof fetch): Promise<boolean> {
  if (!target.url) return false;
  await postWebhook(target.url, alertPayload(target.format, a), { timeoutMs: target.timeoutMs, fetchImpl });
  return true;
}
