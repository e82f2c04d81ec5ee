/**
 * Batch order books (GET /markets/orderbooks, kalshi-api.md §3.6): the strict parser on the recorded book's shape,
 * and the client against the simulator — ≤ 100 tickers a request sent as repeated `tickers`, the same books as the
 * single-book endpoint, unknown tickers absent, the simulator refusing 0 or 101 tickers.
 */
import { startSimulator, SimHandle } from '../../../src/sim';
import { KalshiClient, KalshiParseError, RateLimiter, toOrderbooks, orderbookBatches } from '../../../src/venues/kalshi';
import { fixture } from './helpers';

const recorded = fixture('orderbook__base') as { orderbook_fp: unknown };

describe('toOrderbooks (recorded shape)', () => {
  it('reads one book per requested ticker, NO levels flipped into YES asks', () => {
    const books = toOrderbooks(['A', 'B'], { orderbooks: [{ ticker: 'A', orderbook_fp: recorded.orderbook_fp }] });
    expect([...books.keys()]).toEqual(['A']);
    const a = books.get('A')!;
    expect(a.bestYesBid).toEqual({ price: 470_000, size: 300 });
    expect(a.bestYesAsk).toEqual({ price: 520_000, size: 300 });
    expect(books.has('B')).toBe(false);
  });

  it('fails the whole answer on a book not asked for, a ticker answered twice or a malformed level, naming it', () => {
    const ob = recorded.orderbook_fp;
    expect(() => toOrderbooks(['A'], { orderbooks: [{ ticker: 'Z', orderbook_fp: ob }] })).toThrow(/orderbooks\[0\]\.ticker "Z" was not requested/);
    expect(() => toOrderbooks(['A'], { orderbooks: [{ ticker: 'A', orderbook_fp: ob }, { ticker: 'A', orderbook_fp: ob }] })).toThrow(/answered twice/);
    const bad = { yes_dollars: [['0.47', '-1x']], no_dollars: [] };
    expect(() => toOrderbooks(['A'], { orderbooks: [{ ticker: 'A', orderbook_fp: bad }] })).toThrow(KalshiParseError);
    expect(() => toOrderbooks(['A'], { orderbooks: [{ ticker: 'A', orderbook_fp: bad }] })).toThrow(/orderbook_fp\.yes_dollars\[0\]\.size/);
    expect(() => toOrderbooks(['A'], {})).toThrow(/orderbooks: Required/);
  });

  it('batches distinct tickers by 100 and names a bad one', () => {
    const t = Array.from({ length: 250 }, (_, i) => `T${i}`);
    expect(orderbookBatches([...t, 'T0']).map((b) => b.length)).toEqual([100, 100, 50]);
    expect(() => orderbookBatches(['A', ''])).toThrow(/tickers\[1\]/);
  });
});

describe('getOrderbooks against the simulator', () => {
  let sim: SimHandle;
  beforeAll(async () => {
    sim = await startSimulator({ rateLimit: false, clock: { mode: 'manual', startMs: Date.UTC(2026, 8, 1) } });
  });
  afterAll(() => sim.close());

  it('asks ≤ 100 tickers a request as repeated params and returns what the single-book endpoint returns', async () => {
    const urls: URL[] = [];
    const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
      urls.push(new URL(String(input)));
      return fetch(input, init);
    }) as typeof fetch;
    const client = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, fetchImpl, rateLimiter: new RateLimiter({ tier: 'prestige' }) });
    const real = [...sim.core.exchange.markets.keys()];
    const asked = [...real, ...Array.from({ length: 120 }, (_, i) => `NOPE-${i}`)];
    const books = await client.getOrderbooks(asked);
    const batchUrls = urls.filter((u) => u.pathname.endsWith('/markets/orderbooks'));
    expect(batchUrls.map((u) => u.searchParams.getAll('tickers').length).sort((a, b) => b - a)).toEqual([100, asked.length - 100]);
    expect(batchUrls.every((u) => u.searchParams.getAll('tickers').every((t) => !t.includes(',')))).toBe(true);
    expect([...books.keys()].sort()).toEqual([...real].sort());
    for (const t of real) expect(books.get(t)).toEqual(await client.getOrderbook(t));
  });

  it('the simulator refuses 0 and 101 tickers with 400', async () => {
    const none = await fetch(`${sim.baseUrl}/markets/orderbooks`);
    expect(none.status).toBe(400);
    const q = Array.from({ length: 101 }, (_, i) => `tickers=T${i}`).join('&');
    const many = await fetch(`${sim.baseUrl}/markets/orderbooks?${q}`);
    expect(many.status).toBe(400);
    expect(JSON.stringify(await many.json())).toMatch(/GetMarketOrderbooks.*'max' tag/);
  });
});
