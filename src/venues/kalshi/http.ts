/**
 * One HTTP exchange with Kalshi: URL building, signing, rate limiting, timeout, clock-skew measurement, the single
 * re-sign on 401 header_timestamp_expired, bounded retries for reads, and error-body parsing.
 *
 * Writes are sent exactly once (the only repeat is the re-sign after a 401 header_timestamp_expired, which the exchange
 * rejected before executing anything). Reads retry on 408/429/5xx/transport errors with exponential backoff + jitter.
 */
import type { Logger } from 'pino';
import type { KalshiSigner } from './auth';
import { RateLimiter } from './rate-limiter';
import {
  KalshiApiError,
  KalshiCredentialsRequiredError,
  KalshiTransportError,
  isRetryableRead,
  isUnknownKeyError,
  KalshiUnknownKeyError,
  parseErrorBody,
} from './errors';
import type { KalshiEnv } from './env';
import { safeErrorMessage } from '../../observability/redact';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PUT';
/** An array is sent comma-joined (`tickers=A,B`); `{ repeat: [...] }` as one parameter per value (`tickers=A&tickers=B`,
 * OpenAPI `style: form, explode: true`). */
export type QueryValue = string | number | boolean | readonly string[] | { readonly repeat: readonly string[] } | null | undefined;

export interface RequestSpec {
  method: HttpMethod;
  /** Path below the API root, e.g. `/markets/ABC/orderbook`. Path parameters must already be encoded. */
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** required: throw before any network call without credentials; optional: sign when we can; none: never sign. */
  auth: 'required' | 'optional' | 'none';
  /** Human name for errors/logs. */
  operation: string;
  /** Items in a batch (token cost multiplier). */
  items?: number;
}

export type RawResult =
  | { ok: true; status: number; body: unknown; bodyText: string }
  | { ok: false; error: KalshiApiError | KalshiTransportError };

export interface HttpOptions {
  env: KalshiEnv;
  baseUrl: string;
  signer: KalshiSigner | null;
  fetchImpl: typeof fetch;
  timeoutMs: number;
  rateLimiter: RateLimiter;
  logger: Logger;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  /** Total attempts for a read (first try included). */
  maxReadAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

/** Signing corrects the local clock only when the measured skew exceeds this (Date has 1 s resolution). */
const SKEW_CORRECTION_THRESHOLD_MS = 2000;

export function encodePathSegment(s: string): string {
  if (s === '') throw new Error('empty path parameter');
  return encodeURIComponent(s);
}

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else if (typeof v === 'object') {
      for (const item of (v as { repeat: readonly string[] }).repeat) params.append(k, item);
    } else params.set(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Error text (a transport error, a proxy's error page) may quote the request: drop this request's auth header values. */
function withoutAuthHeaders(text: string, headers: Record<string, string>): string {
  let out = text;
  for (const name of ['KALSHI-ACCESS-SIGNATURE', 'KALSHI-ACCESS-KEY']) {
    const v = headers[name];
    if (v) out = out.split(v).join('[REDACTED]');
  }
  return out;
}

export class KalshiHttp {
  private skewMs: number | null = null;
  private readonly apiPath: string;

  constructor(private readonly o: HttpOptions) {
    this.apiPath = new URL(o.baseUrl).pathname.replace(/\/+$/, '');
  }

  get hasCredentials(): boolean {
    return this.o.signer !== null;
  }

  /** Exchange time minus local time, from the last response's Date header (±~1 s); null before any response. */
  clockSkewMs(): number | null {
    return this.skewMs;
  }

  /** Reads: retried with backoff on retryable failures; throws the final KalshiApiError/KalshiTransportError. */
  async read(spec: RequestSpec): Promise<unknown> {
    let last: KalshiApiError | KalshiTransportError | null = null;
    for (let attempt = 0; attempt < this.o.maxReadAttempts; attempt++) {
      if (attempt > 0) {
        const cap = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (attempt - 1));
        const delay = Math.round(cap / 2 + (this.o.random() * cap) / 2);
        this.o.logger.warn(
          { operation: spec.operation, attempt, delayMs: delay, error: last ? safeErrorMessage(last) : undefined },
          'retrying Kalshi read',
        );
        await this.o.sleep(delay);
      }
      const r = await this.exchange(spec);
      if (r.ok) return r.body;
      last = r.error;
      if (!isRetryableRead(r.error)) break;
    }
    throw last!;
  }

  /** Writes: exactly one execution attempt; never throws for HTTP/transport failures. */
  async write(spec: RequestSpec): Promise<RawResult> {
    return this.exchange(spec);
  }

  /** One request, re-signed at most once on 401 header_timestamp_expired. */
  async exchange(spec: RequestSpec): Promise<RawResult> {
    if (spec.auth === 'required' && !this.o.signer) throw new KalshiCredentialsRequiredError(spec.operation);
    const first = await this.attempt(spec);
    if (!first.ok && first.error instanceof KalshiApiError && first.error.status === 401 && first.error.hasCode('header_timestamp_expired') && this.o.signer && spec.auth !== 'none') {
      this.o.logger.warn({ operation: spec.operation, clockSkewMs: this.skewMs }, 'Kalshi rejected the request timestamp; re-signing once');
      return this.attempt(spec);
    }
    return first;
  }

  private signingTimestamp(): number {
    const now = this.o.now();
    return this.skewMs !== null && Math.abs(this.skewMs) > SKEW_CORRECTION_THRESHOLD_MS ? now + this.skewMs : now;
  }

  private async attempt(spec: RequestSpec): Promise<RawResult> {
    const url = `${this.o.baseUrl}${spec.path}${buildQuery(spec.query)}`;
    const fullPath = `${this.apiPath}${spec.path}`;
    await this.o.rateLimiter.acquire(spec.method, fullPath, spec.items ?? 1);

    const headers: Record<string, string> = { Accept: 'application/json' };
    let body: string | undefined;
    if (spec.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    if (this.o.signer && spec.auth !== 'none') {
      Object.assign(headers, this.o.signer.headers(this.signingTimestamp(), spec.method, fullPath));
    }

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.o.timeoutMs);
    const t0 = this.o.now();
    let res: Response;
    let text: string;
    try {
      res = await this.o.fetchImpl(url, { method: spec.method, headers, body, signal: controller.signal });
      text = await res.text();
    } catch (e) {
      const timedOut = controller.signal.aborted;
      const err = new KalshiTransportError(
        timedOut ? 'timeout' : 'network',
        timedOut
          ? `Kalshi ${spec.operation} timed out after ${this.o.timeoutMs} ms`
          : `Kalshi ${spec.operation} failed without a response: ${withoutAuthHeaders(safeErrorMessage(e), headers)}`,
      );
      this.o.logger.warn({ operation: spec.operation, kind: err.kind }, err.message);
      return { ok: false, error: err };
    } finally {
      clearTimeout(timer);
    }
    this.observeDate(res.headers.get('date'), t0, this.o.now());

    if (res.status >= 200 && res.status < 300) {
      let parsed: unknown;
      try {
        parsed = text.trim() === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { ok: true, status: res.status, body: parsed, bodyText: text };
    }
    const parsed = parseErrorBody(res.status, withoutAuthHeaders(text, headers));
    const error = isUnknownKeyError(parsed) ? new KalshiUnknownKeyError(this.o.env, new URL(this.o.baseUrl).host, parsed) : parsed;
    if (res.status === 429) this.o.rateLimiter.onRateLimited(spec.method);
    this.o.logger.debug({ operation: spec.operation, status: error.status, code: error.code }, 'Kalshi error response');
    return { ok: false, error };
  }

  private observeDate(date: string | null, t0: number, t1: number): void {
    if (!date) return;
    const server = Date.parse(date);
    if (Number.isNaN(server)) return;
    // Date is truncated to the second: the true server time is in [server, server + 1000).
    const skew = server + 500 - Math.round((t0 + t1) / 2);
    this.skewMs = skew;
    if (Math.abs(skew) > SKEW_CORRECTION_THRESHOLD_MS) {
      this.o.logger.warn({ clockSkewMs: skew }, 'local clock differs from the Kalshi exchange clock');
    }
  }
}
