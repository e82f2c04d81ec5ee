/**
 * Token-bucket rate limits (kalshi-api.md §7): separate read and write buckets per key, refilled continuously by
 * wall time; each request costs tokens (default 10; V2 cancel 2, GET order 2, batch = sum of items). A request that
 * does not fit is refused with 429 and no Retry-After.
 */
export interface BucketConfig { capacity: number; refillPerSec: number }
export interface RateLimitConfig { read: BucketConfig; write: BucketConfig }

/** Basic tier (fixture account__limits): read 200/200, write 100/100 tokens. */
export const BASIC_TIER: RateLimitConfig = { read: { capacity: 200, refillPerSec: 200 }, write: { capacity: 100, refillPerSec: 100 } };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(private readonly cfg: BucketConfig, nowMs: number) {
    this.tokens = cfg.capacity;
    this.last = nowMs;
  }

  take(cost: number, nowMs: number): boolean {
    const elapsed = Math.max(0, nowMs - this.last);
    this.tokens = Math.min(this.cfg.capacity, this.tokens + (elapsed * this.cfg.refillPerSec) / 1000);
    this.last = nowMs;
    if (cost > this.tokens) return false;
    this.tokens -= cost;
    return true;
  }
}

export class RateLimiter {
  private readonly buckets = new Map<string, { read: TokenBucket; write: TokenBucket }>();

  constructor(private readonly cfg: RateLimitConfig) {}

  take(who: string, kind: 'read' | 'write', cost: number, nowMs: number): boolean {
    let b = this.buckets.get(who);
    if (!b) {
      b = { read: new TokenBucket(this.cfg.read, nowMs), write: new TokenBucket(this.cfg.write, nowMs) };
      this.buckets.set(who, b);
    }
    return b[kind].take(cost, nowMs);
  }

  reset(): void {
    this.buckets.clear();
  }
}

/** Token cost of a request (fixture account__endpoint_costs); `items` for batched endpoints. */
export function costOf(method: string, path: string, items = 1): { kind: 'read' | 'write'; cost: number } {
  const p = path.replace(/\/+$/, '');
  if (method === 'GET') return { kind: 'read', cost: /^\/portfolio\/orders\/[^/]+$/.test(p) ? 2 : 10 };
  if (p === '/portfolio/events/orders/batched') return { kind: 'write', cost: (method === 'DELETE' ? 2 : 10) * Math.max(1, items) };
  if (method === 'DELETE' && /^\/portfolio\/events\/orders\/[^/]+$/.test(p)) return { kind: 'write', cost: 2 };
  if (p.startsWith('/portfolio/orders')) return { kind: 'write', cost: method === 'DELETE' ? 4 : 20 };
  return { kind: 'write', cost: 10 };
}

export const ENDPOINT_COSTS_BODY = {
  default_cost: 10,
  endpoint_costs: [
    { cost: 2, method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/:order_id' },
    { cost: 2, method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/batched' },
    { cost: 20, method: 'POST', path: '/trade-api/v2/portfolio/orders' },
    { cost: 4, method: 'DELETE', path: '/trade-api/v2/portfolio/orders/:order_id' },
    { cost: 2, method: 'GET', path: '/trade-api/v2/portfolio/orders/:order_id' },
    { cost: 20, method: 'POST', path: '/trade-api/v2/portfolio/orders/:order_id/amend' },
    { cost: 20, method: 'POST', path: '/trade-api/v2/portfolio/orders/:order_id/decrease' },
    { cost: 4, method: 'DELETE', path: '/trade-api/v2/portfolio/orders/batched' },
    { cost: 20, method: 'POST', path: '/trade-api/v2/portfolio/orders/batched' },
  ],
};
