/**
 * Client-side token buckets mirroring Kalshi's (kalshi-api.md §7): a Read and a Write bucket, refilled continuously,
 * each request costing tokens (default 10; overrides per method + path from GET /account/endpoint_costs).
 *
 * One RateLimiter per process, shared by every client/call, so a full scan stays inside the budget.
 * Tokens may go negative ("debt"): a caller that takes tokens past zero waits until the debt is repaid, which queues
 * concurrent callers fairly without an explicit queue. `now` and `sleep` are injectable so tests never wait.
 */

export type BucketName = 'read' | 'write';
export type UsageTier = 'basic' | 'advanced' | 'expert' | 'premier' | 'paragon' | 'prime' | 'prestige';

export interface BucketConfig {
  /** Tokens per second. */
  refillPerSec: number;
  /** Maximum stored tokens. */
  capacity: number;
}

/** Budgets in tokens/s [KD:getting_started/rate_limits@2026-08-19]; capacity = 1 s of budget (the conservative reading;
 * the recorded demo basic tier reports bucket_capacity 200 = refill 200 for read). */
export const TIER_BUDGETS: Readonly<Record<UsageTier, { read: number; write: number }>> = {
  basic: { read: 200, write: 100 },
  advanced: { read: 300, write: 300 },
  expert: { read: 600, write: 600 },
  premier: { read: 1000, write: 1000 },
  paragon: { read: 2000, write: 2000 },
  prime: { read: 4000, write: 4000 },
  prestige: { read: 10000, write: 8000 },
};

export const DEFAULT_COST = 10;

export interface EndpointCost {
  method: string;
  /** Full path template as Kalshi lists it, e.g. `/trade-api/v2/portfolio/events/orders/:order_id`. */
  path: string;
  cost: number;
}

/** Non-default costs recorded on demo 2026-06-11 (fixture account__endpoint_costs.json), for the endpoints we call. */
export const DEFAULT_ENDPOINT_COSTS: readonly EndpointCost[] = [
  { method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/:order_id', cost: 2 },
  { method: 'DELETE', path: '/trade-api/v2/portfolio/events/orders/batched', cost: 2 }, // per item
  { method: 'GET', path: '/trade-api/v2/portfolio/orders/:order_id', cost: 2 },
  { method: 'POST', path: '/trade-api/v2/portfolio/orders', cost: 20 },
  { method: 'DELETE', path: '/trade-api/v2/portfolio/orders/:order_id', cost: 4 },
  { method: 'POST', path: '/trade-api/v2/account/api_usage_level/upgrade', cost: 30 },
];

export interface RateLimiterOptions {
  tier?: UsageTier;
  /** Explicit bucket configs (e.g. from GET /account/limits); override the tier. */
  buckets?: Partial<Record<BucketName, BucketConfig>>;
  endpointCosts?: readonly EndpointCost[];
  defaultCost?: number;
  /** Fraction of the published budget to use (headroom for clock/accounting differences). Default 0.9. */
  utilization?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class RateLimitConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RateLimitConfigError';
  }
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly config: BucketConfig,
    private readonly now: () => number,
  ) {
    if (!(config.refillPerSec > 0) || !(config.capacity > 0)) {
      throw new RateLimitConfigError('bucket refill rate and capacity must be positive');
    }
    this.tokens = config.capacity;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last);
    this.last = t;
    this.tokens = Math.min(this.config.capacity, this.tokens + (elapsed * this.config.refillPerSec) / 1000);
  }

  /** Current tokens (after refill); negative means debt. */
  available(): number {
    this.refill();
    return this.tokens;
  }

  /** Take `cost` tokens now; returns how many ms the caller must wait before sending. */
  take(cost: number): number {
    if (cost > this.config.capacity) {
      throw new RateLimitConfigError(`request cost ${cost} exceeds bucket capacity ${this.config.capacity}`);
    }
    this.refill();
    this.tokens -= cost;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens * 1000) / this.config.refillPerSec);
  }

  /** After a 429: the server says we are out; drop any stored credit. */
  drain(): void {
    this.refill();
    if (this.tokens > 0) this.tokens = 0;
  }
}

function templateToRegex(template: string): RegExp {
  const parts = template.split('/').map((seg) => {
    if (seg.startsWith(':')) return '[^/]+';
    if (seg.startsWith('*')) return '.+';
    return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  });
  return new RegExp(`^${parts.join('/')}$`);
}

export class RateLimiter {
  readonly read: TokenBucket;
  readonly write: TokenBucket;
  private readonly costs: { method: string; re: RegExp; literal: boolean; cost: number }[];
  private readonly defaultCost: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(opts: RateLimiterOptions = {}) {
    const now = opts.now ?? (() => Date.now());
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    const utilization = opts.utilization ?? 0.9;
    if (!(utilization > 0 && utilization <= 1)) throw new RateLimitConfigError('utilization must be in (0, 1]');
    const tier = opts.tier ?? 'basic';
    const budget = TIER_BUDGETS[tier];
    if (!budget) throw new RateLimitConfigError(`unknown usage tier ${String(tier)}`);
    const mk = (name: BucketName): BucketConfig => {
      const b = opts.buckets?.[name] ?? { refillPerSec: budget[name], capacity: budget[name] };
      return { refillPerSec: b.refillPerSec * utilization, capacity: b.capacity * utilization };
    };
    this.read = new TokenBucket(mk('read'), now);
    this.write = new TokenBucket(mk('write'), now);
    this.defaultCost = opts.defaultCost ?? DEFAULT_COST;
    // Literal paths win over templated ones (".../orders/batched" vs ".../orders/:order_id").
    this.costs = (opts.endpointCosts ?? DEFAULT_ENDPOINT_COSTS)
      .map((c) => ({ method: c.method.toUpperCase(), re: templateToRegex(c.path), literal: !/[:*]/.test(c.path), cost: c.cost }))
      .sort((a, b) => Number(b.literal) - Number(a.literal));
  }

  /** Which bucket a request draws from: GETs read, every other method writes. */
  bucketFor(method: string): BucketName {
    return method.toUpperCase() === 'GET' ? 'read' : 'write';
  }

  /** Token cost of one request to `fullPath` (the URL pathname incl. /trade-api/v2, no query), times `items` for batches. */
  costOf(method: string, fullPath: string, items = 1): number {
    const m = method.toUpperCase();
    const hit = this.costs.find((c) => c.method === m && c.re.test(fullPath));
    return (hit ? hit.cost : this.defaultCost) * Math.max(1, items);
  }

  /** Wait until the request may be sent. */
  async acquire(method: string, fullPath: string, items = 1): Promise<void> {
    const bucket = this.bucketFor(method) === 'read' ? this.read : this.write;
    const wait = bucket.take(this.costOf(method, fullPath, items));
    if (wait > 0) await this.sleep(wait);
  }

  /** Record a 429 on the bucket that served `method`. */
  onRateLimited(method: string): void {
    (this.bucketFor(method) === 'read' ? this.read : this.write).drain();
  }
}
