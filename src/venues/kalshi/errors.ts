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
 * Classify the result of one call. Only a KNOWN refusal is `rejected`; anything we cannot place is `unknown`, which
 * never silently becomes rejected (the order may exist).
 * - 2xx → ok (the caller still has to read the body; an unreadable 2xx is unknown)
 * - 409 order_already_exists → already_exists (the order was placed before; reconcile, never re-place)
 * - rejected (the exchange refused without executing): 400 (validation), 401 (auth, checked before anything runs),
 *   403, 404, 409 with a readable code other than order_already_exists, 410 (legacy endpoint), 429 (rate limit)
 * - unknown: transport failures (timeout, dropped connection), 408, any 5xx, a 409 whose code we could not read (it
 *   could be order_already_exists), and every status not listed above (1xx/3xx/402/405/422/…)
 */
export function classifyOutcome(result: { status: number; code?: string } | KalshiTransportError): CallOutcome {
  if (result instanceof KalshiTransportError) return 'unknown';
  const { status, code } = result;
  if (status >= 200 && status < 300) return 'ok';
  if (status === 409) {
    if (code === undefined || code === '' || isFallbackCode(status, code)) return 'unknown';
    return codeMatches(code, 'order_already_exists') ? 'already_exists' : 'rejected';
  }
  if (REFUSAL_STATUSES.has(status)) return 'rejected';
  return 'unknown';
}

const REFUSAL_STATUSES: ReadonlySet<number> = new Set([400, 401, 403, 404, 410, 429]);

/** The code parseErrorBody invents when the body named none (`http_409`). */
export function isFallbackCode(status: number, code: string): boolean {
  return code === `http_${status}`;
}

/**
 * Per-item error codes (batch create items carry `{code, message, details}` and no HTTP status) that are known
 * refusals: nothing was placed for that item. Source: kalshi-api.md §4.6, §4.9, §6 and the recorded fixtures.
 */
export const KNOWN_REFUSAL_CODES: readonly string[] = [
  // 400 validation / business rejects
  'invalid_order', 'invalid_price', 'insufficient_balance', 'invalid_order_size', 'available_balance_too_low',
  'order_side_mismatch', 'order_ticker_mismatch', 'order_id_and_client_order_id_mismatch', 'bad_request', 'invalid_parameters',
  // 404
  'not_found',
  // 409 refusals
  'fill_or_kill_insufficient_resting_volume', 'market_closed', 'trading_is_paused',
  // 410
  'deprecated_v1_order_endpoint',
];

/**
 * Outcome of one batch-create item error by its code: order_already_exists → already_exists; a known refusal code
 * (exact, or followed by `:` for dynamic suffixes) → rejected; a missing code, internal errors and any code we do not
 * know → unknown.
 */
export function classifyItemError(code: string | null | undefined): 'rejected' | 'already_exists' | 'unknown' {
  if (!code) return 'unknown';
  if (codeMatches(code, 'order_already_exists')) return 'already_exists';
  return KNOWN_REFUSAL_CODES.some((k) => code === k || code.startsWith(`${k}:`)) ? 'rejected' : 'unknown';
}

/** Errors that a read may retry (with backoff). */
export function isRetryableRead(err: KalshiApiError | KalshiTransportError): boolean {
  if (err instanceof KalshiTransportError) return true;
  return err.status === 408 || err.status === 429 || err.status >= 500;
}
