/**
 * Errors and call-outcome classification (kalshi-api.md §6).
 *
 * Every error body shape on the wire becomes one KalshiApiError {status, code, message, details}:
 *   nested `{"error":{"code","message","details"?,"service"?}}`, flat `{"code","message","details"?}`,
 *   bare `{"msg":"..."}`, the 429 string body `{"error":"too many requests"}`, and non-JSON bodies.
 * Codes can be dynamic (`user_not_found:_<uuid>`): compare with `codeMatches` (prefix match).
 */
import { scrub } from '../../observability/redact';

/** ok: done. rejected: the exchange refused it (nothing happened). unknown: it may or may not have happened.
 * already_exists: a create whose client_order_id is already taken — the order was placed earlier. */
export type CallOutcome = 'ok' | 'rejected' | 'unknown' | 'already_exists';

export class KalshiApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: string | null = null,
  ) {
    super(message);
    this.name = 'KalshiApiError';
  }

  /** Exact code or `prefix` followed by anything (dynamic codes). */
  hasCode(prefix: string): boolean {
    return codeMatches(this.code, prefix);
  }

  override toString(): string {
    return `Kalshi HTTP ${this.status} ${this.code}: ${this.message}${this.details ? ` (${this.details})` : ''}`;
  }
}

/**
 * 401 `authentication_error` with details `NOT_FOUND`: the exchange does not know the key id. Keys are per environment,
 * so this is what a demo key sent to prod (or a prod key sent to demo, or any key the simulator was not given) looks
 * like. The message names the environment and host, never the key id or key material.
 */
export class KalshiUnknownKeyError extends KalshiApiError {
  constructor(
    readonly env: string,
    readonly host: string,
    cause: KalshiApiError,
  ) {
    super(
      cause.status,
      cause.code,
      `Kalshi API key id is unknown to ${env} at ${host}: API keys are per environment (demo keys only work on demo hosts, ` +
        `prod keys only on prod hosts, sim keys only on the simulator they were registered with); check the key id and --env`,
      cause.details,
    );
    this.name = 'KalshiUnknownKeyError';
  }
}

/** Is this the exchange's answer to a key id it does not know (fixture auth__unknown_key_id)? */
export function isUnknownKeyError(err: KalshiApiError): boolean {
  return err.status === 401 && err.code === 'authentication_error' && err.details === 'NOT_FOUND';
}

/** A request that got no HTTP response: timeout, connection refused/reset, DNS. */
export class KalshiTransportError extends Error {
  constructor(
    readonly kind: 'timeout' | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'KalshiTransportError';
  }
}

/** A 2xx body that does not have the shape we need (a required field missing or malformed). */
export class KalshiParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KalshiParseError';
  }
}

/** A portfolio/write call on a client constructed without credentials (raised before any network call). */
export class KalshiCredentialsRequiredError extends Error {
  constructor(operation: string) {
    super(`Kalshi ${operation} needs API credentials (key id + private key); this client has none`);
    this.name = 'KalshiCredentialsRequiredError';
  }
}

export function codeMatches(code: string, prefix: string): boolean {
  return code === prefix || code.startsWith(prefix);
}

export const RATE_LIMITED_CODE = 'too_many_requests';

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function truncate(s: string, n = 200): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Turn an error response (status + raw body text) into a KalshiApiError. Never throws. */
export function parseErrorBody(status: number, bodyText: string): KalshiApiError {
  const fallbackCode = status === 429 ? RATE_LIMITED_CODE : `http_${status}`;
  let json: unknown;
  try {
    json = bodyText.trim() === '' ? undefined : JSON.parse(bodyText);
  } catch {
    json = undefined;
  }
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const o = json as Record<string, unknown>;
    const err = o.error;
    if (err && typeof err === 'object' && !Array.isArray(err)) {
      const e = err as Record<string, unknown>;
      const code = str(e.code) ?? fallbackCode;
      return new KalshiApiError(status, code, scrub(str(e.message) ?? code), detailsOf(e.details));
    }
    if (typeof err === 'string') {
      // 429: {"error":"too many requests"}
      const code = status === 429 ? RATE_LIMITED_CODE : err.trim().toLowerCase().replace(/\s+/g, '_');
      return new KalshiApiError(status, code || fallbackCode, scrub(err), null);
    }
    if (str(o.code)) {
      return new KalshiApiError(status, str(o.code)!, scrub(str(o.message) ?? str(o.code)!), detailsOf(o.details));
    }
    if (str(o.msg)) return new KalshiApiError(status, fallbackCode, scrub(truncate(str(o.msg)!, 500)), null);
    if (str(o.message)) return new KalshiApiError(status, fallbackCode, scrub(str(o.message)!), null);
  }
  const text = bodyText.trim();
  return new KalshiApiError(status, fallbackCode, text === '' ? `HTTP ${status} with empty body` : scrub(truncate(text)), null);
}

function detailsOf(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  return scrub(typeof v === 'string' ? v : JSON.stringify(v));
}

/**
 * Classify the result of one call.
 * - 2xx → ok
 * - 409 order_already_exists → already_exists (the order was placed before; reconcile, never re-place)
 * - 408, any 5xx, and transport failures (timeout, dropped connection) → unknown
 * - any other 4xx (incl. 429, which Kalshi refuses without executing) → rejected
 */
export function classifyOutcome(result: { status: number; code?: string } | KalshiTransportError): CallOutcome {
  if (result instanceof KalshiTransportError) return 'unknown';
  const { status, code } = result;
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409 && code !== undefined && codeMatches(code, 'order_already_exists')) return 'already_exists';
  if (status === 408 || status >= 500) return 'unknown';
  if (status >= 400) return 'rejected';
  // 1xx/3xx should never reach us (fetch follows redirects); treat as unknown, never as success.
  return 'unknown';
}

/** Errors that a read may retry (with backoff). */
export function isRetryableRead(err: KalshiApiError | KalshiTransportError): boolean {
  if (err instanceof KalshiTransportError) return true;
  return err.status === 408 || err.status === 429 || err.status >= 500;
}
