import { RateLimiter, TokenBucket, RateLimitConfigError } from '../../../src/venues/kalshi';
import { fixture } from './helpers';

function clock() {
  let t = 0;
  const sleeps: number[] = [];
  return {
    now: () => t,
    advance: (ms: number) => (t += ms),
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += ms;
    },
    sleeps,
  };
}

describe('TokenBucket', () => {
  it('spends, goes into debt, and reports the wait to repay it', () => {
    const c = clock();
    const b = new TokenBucket({ refillPerSec: 100, capacity: 100 }, c.now);
    for (let i = 0; i < 10; i++) expect(b.take(10)).toBe(0);
    expect(b.available()).toBe(0);
    expect(b.take(10)).toBe(100); // 10 tokens of debt at 100/s
    c.advance(100);
    expect(b.available()).toBe(0);
    c.advance(5000);
    expect(b.available()).toBe(100); // capped at capacity
    expect(() => b.take(101)).toThrow(RateLimitConfigError);
  });
});

describe('RateLimiter', () => {
  it('basic tier at 90% utilisation: read 180/s, write 90/s, capacity 1 s', () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now, sleep: c.sleep });
    expect(rl.read.config).toEqual({ refillPerSec: 180, capacity: 180 });
    expect(rl.write.config).toEqual({ refillPerSec: 90, capacity: 90 });
  });

  it('uses the recorded per-endpoint costs (fixture account__endpoint_costs) and the default 10', () => {
    const costs = (fixture('account__endpoint_costs') as { endpoint_costs: { method: string; path: string; cost: number }[] }).endpoint_costs;
    const rl = new RateLimiter({ endpointCosts: costs, now: () => 0, sleep: async () => {} });
    expect(rl.costOf('POST', '/trade-api/v2/portfolio/events/orders')).toBe(10);
    expect(rl.costOf('DELETE', '/trade-api/v2/portfolio/events/orders/abc-123')).toBe(2);
    expect(rl.costOf('DELETE', '/trade-api/v2/portfolio/events/orders/batched', 5)).toBe(10);
    expect(rl.costOf('POST', '/trade-api/v2/portfolio/events/orders/batched', 3)).toBe(30);
    expect(rl.costOf('GET', '/trade-api/v2/portfolio/orders/abc')).toBe(2);
    expect(rl.costOf('GET', '/trade-api/v2/portfolio/orders')).toBe(10);
    expect(rl.costOf('POST', '/trade-api/v2/portfolio/orders')).toBe(20);
    expect(rl.costOf('GET', '/trade-api/v2/markets')).toBe(10);
    expect(rl.bucketFor('GET')).toBe('read');
    expect(rl.bucketFor('DELETE')).toBe('write');
  });

  it('a 60-page scan on basic paces itself to the refill rate instead of hitting 429', async () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now, sleep: c.sleep, utilization: 1 });
    for (let i = 0; i < 60; i++) await rl.acquire('GET', '/trade-api/v2/markets');
    // 600 tokens at 200/s with a 200-token burst: the first 20 go at once, the other 40 wait 50 ms each.
    expect(c.sleeps.length).toBe(40);
    expect(c.sleeps.every((s) => s === 50)).toBe(true);
    expect(c.now()).toBe(2000);
  });

  it('reads and writes draw from independent buckets', async () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now, sleep: c.sleep, utilization: 1 });
    for (let i = 0; i < 20; i++) await rl.acquire('GET', '/trade-api/v2/markets');
    for (let i = 0; i < 10; i++) await rl.acquire('POST', '/trade-api/v2/portfolio/events/orders');
    expect(c.sleeps).toEqual([]);
    await rl.acquire('POST', '/trade-api/v2/portfolio/events/orders');
    expect(c.sleeps).toEqual([100]);
  });

  it('after a 429 the bucket is drained so the next call waits', async () => {
    const c = clock();
    const rl = new RateLimiter({ now: c.now, sleep: c.sleep, utilization: 1 });
    rl.onRateLimited('GET');
    await rl.acquire('GET', '/trade-api/v2/markets');
    expect(c.sleeps).toEqual([50]);
  });

  it('explicit bucket configs override the tier; bad config is refused', () => {
    const rl = new RateLimiter({ tier: 'premier', buckets: { write: { refillPerSec: 50, capacity: 25 } }, utilization: 1, now: () => 0 });
    expect(rl.read.config).toEqual({ refillPerSec: 1000, capacity: 1000 });
    expect(rl.write.config).toEqual({ refillPerSec: 50, capacity: 25 });
    expect(() => new RateLimiter({ utilization: 0 })).toThrow(RateLimitConfigError);
    expect(() => new RateLimiter({ tier: 'gold' as never })).toThrow(/unknown usage tier/);
  });
});
