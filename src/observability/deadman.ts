/**
 * The dead-man's-switch ping: a watchdog on the VPS cannot report the VPS dying, so after every cycle the worker GETs
 * `observability.deadman_url` (healthchecks.io, Cronitor, Uptime Kuma push…), and that outside service alerts when the
 * pings stop. A failing ping is reported to the caller, never thrown: it must never fail the cycle.
 */
export interface PingResult {
  ok: boolean;
  /** `HTTP 200`, `HTTP 503`, `no answer within 5000 ms`, `no connection`. */
  detail: string;
  /** The URL's host only (the path may carry the check's token). */
  host: string;
}

export const DEADMAN_TIMEOUT_MS = 5_000;

export async function pingDeadman(url: string, opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {}): Promise<PingResult> {
  const timeoutMs = opts.timeoutMs ?? DEADMAN_TIMEOUT_MS;
  let host = 'an unparseable URL';
  try {
    host = new URL(url).host;
  } catch {
    return { ok: false, detail: 'not a URL', host };
  }
  try {
    const res = await (opts.fetchImpl ?? fetch)(url, { method: 'GET', headers: { 'user-agent': 'kalshi-autopilot' }, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.status >= 200 && res.status < 300, detail: `HTTP ${res.status}`, host };
  } catch (err) {
    return { ok: false, detail: (err as Error)?.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : 'no connection', host };
  }
}
