import { startSimulator, SimHandle } from '../../src/sim';
import { Client, makeKey, START_MS } from './helpers';

const HOUR = 3_600_000;
const key = makeKey('tape-key');
const SCENARIO = {
  name: 'tape',
  series: [{ ticker: 'TP' }],
  events: [{ event_ticker: 'TP-E', series_ticker: 'TP', markets: [
    { ticker: 'TP-E-A', open_time: '-1d', close_time: '+3d', true_probability: '0.5000' },
    { ticker: 'TP-E-B', open_time: '-1d', close_time: '+3d', true_probability: '0.3000', market_probability: '0.5000' },
  ] }],
};

let sim: SimHandle;
let c: Client;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, clock: { mode: 'manual', startMs: START_MS }, keys: [key], rateLimit: false, seed: 3, scenario: SCENARIO as any });
  c = new Client(sim, key);
});
afterEach(() => sim.close());

const sec = (ms: number) => Math.floor(ms / 1000);

test('background flow prints trades on GET /markets/trades as market time passes; ticker and min_ts filter; newest first', async () => {
  expect((await c.get('/markets/trades?ticker=TP-E-A')).body.trades).toEqual([]);
  sim.advance(2 * HOUR);
  const t1 = START_MS + HOUR;
  const trades = (await c.get(`/markets/trades?ticker=TP-E-A&min_ts=${sec(t1)}&limit=1000`)).body.trades;
  expect(trades.length).toBeGreaterThan(5);
  for (const t of trades) {
    expect(t).toMatchObject({ ticker: 'TP-E-A', is_block_trade: false, count_fp: expect.stringMatching(/^\d+\.00$/), yes_price_dollars: expect.stringMatching(/^0\.\d{4}$/) });
    expect(Date.parse(t.created_time)).toBeGreaterThanOrEqual(t1);
  }
  const times = trades.map((t: any) => Date.parse(t.created_time));
  expect([...times].sort((a, b) => b - a)).toEqual(times);
  const all = (await c.get('/markets/trades?ticker=TP-E-A&limit=1000')).body.trades;
  expect(all.length).toBeGreaterThan(trades.length);
  // Prices print around where the house quotes (market probability 0.50 on both markets, whatever the truth).
  for (const t of (await c.get('/markets/trades?ticker=TP-E-B&limit=1000')).body.trades) {
    expect(Number(t.yes_price_dollars)).toBeGreaterThan(0.4);
    expect(Number(t.yes_price_dollars)).toBeLessThan(0.6);
  }
});

test('the cursor is anchored on the last trade returned: trades printed between pages never shift a page', async () => {
  sim.advance(3 * HOUR);
  const snapshot = (await c.get('/markets/trades?limit=1000')).body.trades.map((t: any) => t.trade_id);
  expect(snapshot.length).toBeGreaterThan(20);
  const p1 = (await c.get('/markets/trades?limit=10')).body;
  expect(p1.cursor).not.toBe('');
  sim.advance(HOUR); // more trades print before page 2 is read
  const p2 = (await c.get(`/markets/trades?limit=10&cursor=${p1.cursor}`)).body;
  const ids = [...p1.trades, ...p2.trades].map((t: any) => t.trade_id);
  expect(ids).toEqual(snapshot.slice(0, 20));
  // Walking to the end returns the whole snapshot once, then an empty cursor.
  let cursor = p2.cursor;
  const rest: string[] = [];
  while (cursor) {
    const p = (await c.get(`/markets/trades?limit=50&cursor=${cursor}`)).body;
    rest.push(...p.trades.map((t: any) => t.trade_id));
    cursor = p.cursor;
  }
  expect([...ids, ...rest]).toEqual(snapshot);
  // The newest page now starts with trades printed after the snapshot.
  const fresh = (await c.get('/markets/trades?limit=1')).body.trades[0];
  expect(snapshot).not.toContain(fresh.trade_id);
});

test('a resting user bid fills from background takers later, and its fill prints on the public tape after it was placed', async () => {
  const ob = (await c.get('/markets/TP-E-A/orderbook')).body.orderbook_fp;
  const bestBid = ob.yes_dollars[ob.yes_dollars.length - 1][0] as string;
  const improve = `0.${String(Number(bestBid.slice(2)) + 100).padStart(4, '0')}`; // one cent better, below the ask
  const placedMs = sim.nowMs();
  const o = await c.create({ ticker: 'TP-E-A', side: 'bid', price: improve, count: '2.00', client_order_id: 'rest-1' });
  expect(o.status).toBe(201);
  expect(o.body.fill_count).toBe('0.00');
  sim.advance(6 * HOUR);
  const fills = (await c.get('/portfolio/fills?limit=100')).body.fills;
  expect(fills.length).toBeGreaterThan(0);
  const tape = (await c.get(`/markets/trades?ticker=TP-E-A&min_ts=${sec(placedMs)}&limit=1000`)).body.trades;
  for (const f of fills) {
    const printed = tape.find((t: any) => t.trade_id === f.trade_id);
    expect(printed).toMatchObject({ yes_price_dollars: improve, taker_book_side: 'ask' });
    expect(Date.parse(printed.created_time)).toBeGreaterThan(placedMs);
  }
});
