/**
 * The Polymarket simulator, read through the real client: one market per Kalshi simulator market, the wire's
 * encodings (string-encoded arrays, decimal token ids, best-last books), prices near the hidden truth with seeded
 * disagreement, market life from the Kalshi simulator, and its faults (5xx, stale books).
 */
import { startSimulator, SimHandle } from '../../src/sim';
import { PolymarketSimHandle, startPolymarketSim } from '../../src/sim/polymarket';
import { PolymarketApiError, PolymarketClient } from '../../src/venues/polymarket';

let kalshi: SimHandle;
let pm: PolymarketSimHandle;
let client: PolymarketClient;
const START = Date.parse('2026-09-01T12:00:00Z');

beforeAll(async () => {
  kalshi = await startSimulator({ clock: { mode: 'manual', startMs: START }, liquidity: false, rateLimit: false });
  pm = await startPolymarketSim({ mirror: kalshi, seed: 7, admin: true });
  client = new PolymarketClient({ gammaBaseUrl: pm.gammaBaseUrl, clobBaseUrl: pm.clobBaseUrl, sleep: async () => {}, maxReadAttempts: 3 });
});
afterAll(async () => {
  await pm?.close();
  await kalshi?.close();
});

const twin = (ticker: string) => pm.markets().find((m) => m.ticker === ticker)!;

test('Gamma lists one binary market per open Kalshi market, in the wire encodings', async () => {
  const raw = (await (await fetch(`${pm.gammaBaseUrl}/markets?limit=500`)).json()) as Record<string, unknown>[];
  expect(typeof raw[0].outcomes).toBe('string');
  expect(typeof raw[0].clobTokenIds).toBe('string');
  expect(JSON.parse(raw[0].outcomes as string)).toEqual(['Yes', 'No']);
  const markets = await client.listMarkets({ limit: 500 });
  const open = [...kalshi.core.exchange.markets.values()].filter((m) => !['closed', 'determined', 'finalized'].includes(m.status));
  expect(markets.map((m) => m.slug).sort()).toEqual(open.map((m) => m.ticker.toLowerCase().replace(/[^a-z0-9]+/g, '-')).sort());
  for (const m of markets) {
    expect(m.outcomes.map((o) => o.name)).toEqual(['Yes', 'No']);
    expect(m.outcomes.every((o) => /^\d{50,78}$/.test(o.tokenId!))).toBe(true);
    expect(m.outcomes[0].price! + m.outcomes[1].price!).toBe(1_000_000);
  }
});

test('prices sit near the Kalshi market\'s hidden truth (seeded disagreement ≤ 0.02 + one tick of wobble)', async () => {
  const t = twin('SIMHIGHTEMP-D1-T70');
  const [m] = await client.getMarketsByConditionIds([t.conditionId]);
  expect(m.question).toBe('High temperature, day 1: Above 70°?');
  expect(m.endDateMs).toBe(kalshi.core.exchange.markets.get('SIMHIGHTEMP-D1-T70')!.closeMs);
  const truth = kalshi.core.exchange.markets.get('SIMHIGHTEMP-D1-T70')!.trueProbability;
  const mid = await client.getMidpoint(t.yesToken);
  expect(Math.abs(mid - truth)).toBeLessThanOrEqual(20_000 + 15_000);
});

test('books are best-last on the wire and best-first through the client; /price BUY = best bid, SELL = best ask', async () => {
  const t = twin('SIMRATES-W1-CUT');
  const wire = (await (await fetch(`${pm.clobBaseUrl}/book?token_id=${t.yesToken}`)).json()) as { bids: { price: string }[]; asks: { price: string }[] };
  const wb = wire.bids.map((l) => Number(l.price));
  const wa = wire.asks.map((l) => Number(l.price));
  expect(wb).toEqual([...wb].sort((a, b) => a - b)); // ascending: best last
  expect(wa).toEqual([...wa].sort((a, b) => b - a)); // descending: best last
  const book = await client.getBook(t.yesToken);
  expect(book.assetId).toBe(t.yesToken);
  expect(book.market).toBe(t.conditionId);
  expect(book.bids[0].price).toBe(Math.round(wb[wb.length - 1] * 1e6));
  expect(book.asks[0].price).toBe(Math.round(wa[wa.length - 1] * 1e6));
  expect(await client.getPrice(t.yesToken, 'BUY')).toBe(book.bids[0].price);
  expect(await client.getPrice(t.yesToken, 'SELL')).toBe(book.asks[0].price);
  expect(book.timestampMs).toBe(kalshi.nowMs());
  const no = await client.getBook(t.noToken);
  expect(no.bids[0].price).toBe(1_000_000 - book.asks[0].price);
  const both = await client.getBooks([t.yesToken, t.noToken]);
  expect(both.map((b) => b.assetId)).toEqual([t.yesToken, t.noToken]);
});

test('setPrice pins a mid; prices-history follows it', async () => {
  const t = twin('SIMGDP-Q3-T2.0');
  pm.setPrice('SIMGDP-Q3-T2.0', 730_000);
  expect(await client.getMidpoint(t.yesToken)).toBe(730_000);
  const nowS = Math.floor(kalshi.nowMs() / 1000);
  const h = await client.getPricesHistory({ market: t.yesToken, startTs: nowS - 3 * 3600, endTs: nowS, fidelity: 60 });
  expect(h.length).toBeGreaterThanOrEqual(3);
  expect(h.every((p) => p.p === 730_000)).toBe(true);
  pm.setPrice('SIMGDP-Q3-T2.0', null);
});

test('faults: a 500 is retried; persistent 500s throw; a stale book is 0.01/0.99 with an old timestamp while /price stays live', async () => {
  const t = twin('SIMCPI-M1-T0.2');
  pm.setFaults({ fail5xxNext: 1 });
  expect((await client.getBook(t.yesToken)).bids.length).toBe(5);
  pm.setFaults({ fail5xxNext: 3 });
  await expect(client.getBook(t.yesToken)).rejects.toThrow(PolymarketApiError);
  await expect(client.getBook(t.yesToken)).resolves.toBeTruthy();

  pm.setFaults({ staleBooks: ['SIMCPI-M1-T0.2'] });
  const stale = await client.getBook(t.yesToken);
  expect([stale.bids.map((l) => l.price), stale.asks.map((l) => l.price)]).toEqual([[10_000], [990_000]]);
  expect(stale.timestampMs).toBeLessThan(kalshi.nowMs() - 3_600_000);
  const bid = await client.getPrice(t.yesToken, 'BUY');
  expect(bid).toBeGreaterThan(10_000);
  pm.setFaults({ staleBooks: [] });
  const res = await fetch(`${pm.rootUrl}/__sim/faults`, { method: 'POST', body: JSON.stringify({ nope: 1 }) });
  expect([res.status, await res.json()]).toEqual([400, { error: 'faults: unknown field "nope"' }]);
});

test('a Kalshi market that settles is closed on Gamma (listed only with closed=true) and has no book', async () => {
  kalshi.forceSettle('SIMMATCH-A-ALP', 'yes');
  const t = twin('SIMMATCH-A-ALP');
  expect((await client.listMarkets({ limit: 500 })).some((m) => m.conditionId === t.conditionId)).toBe(false);
  const [closed] = await client.listMarkets({ conditionIds: [t.conditionId], closed: true });
  expect([closed.closed, closed.active]).toEqual([true, false]);
  await expect(client.getBook(t.yesToken)).rejects.toMatchObject({ status: 404 });
});

test('the mapping file names every market with its condition id, outcome Yes and Gamma question', () => {
  const lines = pm.mapping().trim().split('\n').map((l) => JSON.parse(l));
  expect(lines).toHaveLength(kalshi.core.exchange.markets.size);
  expect(lines[0]).toEqual({ kalshi_ticker: expect.any(String), condition_id: expect.stringMatching(/^0x[0-9a-f]{64}$/), outcome: 'Yes', question: expect.stringMatching(/\?$/) });
});
