import { join } from 'node:path';
import { parseScenario, startSimulator, ScenarioError, DEFAULT_SCENARIO } from '../../src/sim';
import { Client, makeKey, START_MS } from './helpers';

/** The week-long scenario these tests were written against (the built-in one before mispriced markets). */
const WEEK = join(__dirname, 'fixtures/week-scenario.json');

const key = makeKey('life-key');

test('scenario validation names the offending field', () => {
  expect(() => parseScenario({ series: [{ ticker: 'S' }], events: [{ event_ticker: 'E', series_ticker: 'S', markets: [{ ticker: 'M', open_time: 'soon', close_time: '+1d', true_probability: '0.5' }] }] }))
    .toThrow(/events\.0\.markets\.0\.open_time: expected an ISO-8601 time/);
  expect(() => parseScenario({ series: [{ ticker: 'S' }], events: [{ event_ticker: 'E', series_ticker: 'X', markets: [{ ticker: 'M', open_time: '-1d', close_time: '+1d', true_probability: '0.5' }] }] }))
    .toThrow(new ScenarioError('scenario: events.0.series_ticker: unknown series "X"'));
  expect(() => parseScenario({ series: [{ ticker: 'S' }], events: [{ event_ticker: 'E', series_ticker: 'S', markets: [{ ticker: 'M', open_time: '-1d', close_time: '+1d', true_probability: '1.5' }] }] }))
    .toThrow(/true_probability: must be strictly between 0 and 1/);
  expect(() => parseScenario({ series: [], events: [] })).toThrow(/series: Array must contain at least 1 element/);
});

async function weekRun(seed: number) {
  const sim = await startSimulator({ port: 0, clock: { mode: 'manual', startMs: START_MS }, keys: [key], seed, rateLimit: false, scenario: WEEK });
  try {
    const c = new Client(sim, key);
    const open = (await c.get('/markets?status=open&limit=1000')).body.markets;
    const book = (await c.get('/markets/SIMMATCH-A-ALP/orderbook')).body.orderbook_fp;
    // A resting user bid a cent under the best YES bid: background takers trade through it within hours.
    const bestBid = book.yes_dollars[book.yes_dollars.length - 1][0];
    const below = (Number(bestBid.replace('.', '')) - 100).toString().padStart(5, '0');
    const bid = await c.create({ ticker: 'SIMMATCH-A-ALP', side: 'bid', price: `${below.slice(0, 1)}.${below.slice(1)}`, count: '5.00', client_order_id: 'life-1' });
    const fv: any = await fetch(`${sim.rootUrl}/sim-oracle/v1/fair-values`).then((r) => r.json());
    for (let h = 0; h < 7 * 24; h++) sim.advance(3_600_000);
    const all = (await c.get('/markets?limit=1000')).body.markets;
    const trades = (await c.get('/markets/trades?limit=1000')).body.trades;
    const order = (await c.get(`/portfolio/orders/${bid.body.order_id}`)).body.order;
    const settlements = (await c.get('/portfolio/settlements')).body.settlements;
    return { open, book, fv, all, trades, order, settlements, now: sim.nowMs() };
  } finally {
    await sim.close();
  }
}

test('week scenario: a week of market time moves books, fills user orders, closes and settles markets; deterministic by seed', async () => {
  const a = await weekRun(7);
  expect(a.open.length).toBe(14);
  expect(a.book.yes_dollars.length).toBe(3);
  expect(a.book.no_dollars.length).toBe(3);
  expect(a.fv.fair_values).toHaveLength(14);
  expect(a.fv.fair_values[0]).toEqual({ as_of: '2026-09-01T12:00:00Z', probability_dollars: expect.stringMatching(/^0\.\d{4}$/), ticker: 'SIMHIGHTEMP-D1-T70' });
  expect(a.now).toBe(START_MS + 7 * 86_400_000);
  const byStatus = (s: string) => a.all.filter((m: any) => m.status === s).map((m: any) => m.ticker);
  expect(byStatus('finalized')).toHaveLength(14);
  expect(byStatus('active')).toEqual(['SIMCPI-M1-T0.4']);
  for (const m of a.all.filter((x: any) => x.status === 'finalized')) expect([m.result, m.settlement_value_dollars]).toEqual(m.result === 'yes' ? ['yes', '1.0000'] : ['no', '0.0000']);
  expect(a.trades.length).toBeGreaterThan(100);
  expect(Number(a.order.fill_count_fp)).toBeGreaterThan(0);
  expect(a.settlements.map((s: any) => s.ticker)).toEqual(['SIMMATCH-A-ALP']);
  const b = await weekRun(7);
  expect(b.all).toEqual(a.all);
  expect(b.trades.map((t: any) => [t.ticker, t.count_fp, t.yes_price_dollars])).toEqual(a.trades.map((t: any) => [t.ticker, t.count_fp, t.yes_price_dollars]));
  expect(b.fv).toEqual(a.fv);
  const c = await weekRun(8);
  expect(c.fv).not.toEqual(a.fv);
}, 60_000);

test('default scenario parses and wall-clock mode serves the current time', async () => {
  expect(parseScenario(DEFAULT_SCENARIO).events).toHaveLength(8);
  const sim = await startSimulator({ port: 0, keys: [key] });
  try {
    const before = Date.now();
    expect(sim.nowMs()).toBeGreaterThanOrEqual(before);
    sim.advance(86_400_000);
    expect(sim.nowMs()).toBeGreaterThanOrEqual(before + 86_400_000);
    const r = await fetch(`${sim.baseUrl}/exchange/status`);
    expect(await r.json()).toEqual({ exchange_active: true, trading_active: true });
    // Admin is off by default.
    expect((await fetch(`${sim.rootUrl}/__sim/state`)).status).toBe(404);
  } finally {
    await sim.close();
  }
});
