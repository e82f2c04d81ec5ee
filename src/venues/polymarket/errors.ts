/**
 * Polymarket read errors. Public reads need no credentials, so nothing secret can be in a request; error text still
 * goes through `scrub` (a proxy's error page may echo anything).
 *
 *   PolymarketApiError        a non-2xx answer: status, endpoint, a short body excerpt
 *   PolymarketTransportError  no HTTP answer (timeout, refused, reset, DNS)
 *   PolymarketParseError      a 2xx answer without the shape we need; names the element and field
 */
import { scrub } from '../../observability/redact';

export class PolymarketApiError extends Error {
  constructor(readonly status: number, readonly endpoint: string, body: string) {
    super(`Polymarket ${endpoint}: HTTP ${status}${body ? `: ${scrub(body.replace(/\s+/g, ' ').trim().slice(0, 200))}` : ''}`);
    this.name = 'PolymarketApiError';
  }
}

export class PolymarketTransportError extends Error {
  constructor(readonly kind: 'timeout' | 'network', readonly endpoint: string, message: string) {
    super(`Polymarket ${endpoint}: ${message}`);
    this.name = 'PolymarketTransportError';
  }
}

export class PolymarketParseError extends Error {
  constructor(readonly endpoint: string, message: string) {
    super(`Polymarket ${endpoint}: ${message}`);
    this.name = 'PolymarketParseError';
  }
}

/** Retry a read on these: 408, 425, 429 and every 5xx; transport errors too. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof PolymarketTransportError) return true;
  return err instanceof PolymarketApiError && (err.status === 408 || err.status === 425 || err.status === 429 || err.status >= 500);
}
