/**
 * GET /__sim/history: the simulator's own record of every user order state change (created, resting, partially filled,
 * filled, canceled, expired — at exchange time), every fill and every settlement, per account. Off without admin.
 */
import { startSimulator, SimHandle, type HistoryBody, type OrderEvent } from '../../src/sim';
import { admin, Client, makeKey, START_MS } from './helpers';

const HOUR = 3_600_000;
const a = makeKey('hist-a');
const b = makeKey('hist-b');
const SCENARIO = {
  name: 'history',
  series: [{ ticker: 'HS' }],
  events: [{ event_ticker: 'HS-E', series_ticker: 'HS', markets: [
    { ticker: 'HS-E-A', open_time: '-1d', close_time: '+2h', true_probability: '0.5000', determination_delay_seconds: 60, settlement_timer_seconds: 60 },
    { ticker: 'HS-E-B', open_time: '-1d', close_time: '+1d', true_probability: '0.5000' },
  ] }],
};

let sim: SimHandle;
afterEach(() => sim?.close());
const start = (adminOn = true) => startSimulator({
  port: 0, clock: { mode: 'manual', startMs: START_MS }, keys: [a, b], admin: adminOn, liquidity: false, rateLimit: false,
  scenario: SCENARIO as never, startingBalanceMicros: 100_000_000,
});
const orderKinds = (h: HistoryBody, coid: string) =>
  h.events.filter((e): e is OrderEvent => e.type === 'order' && e.client_order_id === coid).map((e) => [e.kind, e.filled_centis, e.remaining_centis, e.exchange_ms, e.reason]);

test('order states, fills and a settlement, per account, at exchange time', async () => {
  sim = await start();
  const ca = new Client(sim, a);
  const cb = new Client(sim, b);
  // A rests a bid for 10 YES at 0.40; B sells 4 into it (ask at 0.40): A partially filled, B filled.
  expect((await ca.create({ ticker: 'HS-E-A', side: 'bid', price: '0.4000', count: '10.00', client_order_id: 'a-1' })).status).toBe(201);
  sim.advance(60_000);
  expect((await cb.create({ ticker: 'HS-E-A', side: 'ask', price: '0.4000', count: '4.00', client_order_id: 'b-1' })).status).toBe(201);
  // A rests another order that expires, and one it cancels.
  const exp = Math.floor((START_MS + 30 * 60_000) / 1000);
  expect((await ca.create({ ticker: 'HS-E-B', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'a-exp', expiration_time: exp })).status).toBe(201);
  const c = await ca.create({ ticker: 'HS-E-B', side: 'bid', price: '0.1100', count: '1.00', client_order_id: 'a-cxl' });
  expect((await ca.del(`/portfolio/events/orders/${c.body.order_id}`)).status).toBe(200);
  // Past the close (the rest of a-1 is canceled by the close) and the settlement of HS-E-A.
  sim.advanceTo(START_MS + 3 * HOUR);

  const res = await admin(sim, 'GET', '/history');
  expect(res.status).toBe(200);
  const h = res.body as HistoryBody;
  expect(h.accounts).toEqual(['hist-a', 'hist-b']);
  expect(h.markets).toContainEqual({ ticker: 'HS-E-A', event_ticker: 'HS-E', series_ticker: 'HS', mutually_exclusive: false });
  expect(orderKinds(h, 'a-1')).toEqual([
    ['created', 0, 1000, START_MS, null],
    ['resting', 0, 1000, START_MS, null],
    ['partially_filled', 400, 600, START_MS + 60_000, null],
    ['canceled', 400, 0, START_MS + 2 * HOUR, 'market_closed'],
  ]);
  expect(orderKinds(h, 'b-1')).toEqual([['created', 0, 400, START_MS + 60_000, null], ['filled', 400, 0, START_MS + 60_000, null]]);
  expect(orderKinds(h, 'a-exp').map((k) => [k[0], k[3], k[4]])).toEqual([['created', START_MS + 60_000, null], ['resting', START_MS + 60_000, null], ['expired', exp * 1000, 'expired']]);
  expect(orderKinds(h, 'a-cxl').map((k) => [k[0], k[4]])).toEqual([['created', null], ['resting', null], ['canceled', 'user']]);
  // One fill per side of the trade, with the account's client order id and integer money.
  const fills = h.events.filter((e) => e.type === 'fill');
  expect(fills.map((f) => f.type === 'fill' && [f.account_id, f.client_order_id, f.count_centis, f.price_yes_micros, f.is_taker])).toEqual([
    ['hist-b', 'b-1', 400, 400_000, true], ['hist-a', 'a-1', 400, 400_000, false],
  ]);
  const settlements = h.events.filter((e) => e.type === 'settlement');
  expect(settlements.map((s) => s.type === 'settlement' && [s.account_id, s.ticker, s.yes_count_centis, s.no_count_centis])).toEqual([
    ['hist-a', 'HS-E-A', 400, 0], ['hist-b', 'HS-E-A', 0, 400],
  ]);
  for (const s of settlements) expect(s.exchange_ms).toBeGreaterThan(START_MS + 2 * HOUR);
  // Cash from the record alone: start + Σ fill balance changes + Σ settlement revenue = the account's balance.
  for (const id of h.accounts) {
    const mine = h.events.filter((e) => e.account_id === id);
    const cash = mine.reduce((acc, e) => acc + (e.type === 'fill' ? e.balance_change_micros : e.type === 'settlement' ? e.revenue_micros : 0), 100_000_000);
    expect({ id, cash }).toEqual({ id, cash: sim.core.exchange.account(id).balance });
  }
  // Sequence numbers are strictly increasing: the record is ordered as things happened.
  for (let i = 1; i < h.events.length; i++) expect(h.events[i].seq).toBeGreaterThan(h.events[i - 1].seq);

  // One account only; the in-process handle gives the same record.
  const onlyB = (await admin(sim, 'GET', '/history?account_id=hist-b')).body as HistoryBody;
  expect(new Set(onlyB.events.map((e) => e.account_id))).toEqual(new Set(['hist-b']));
  expect(sim.history('hist-b').events).toEqual(onlyB.events);
});

test('a rejected create leaves no order in the history; without admin the route does not exist', async () => {
  sim = await start();
  const ca = new Client(sim, a);
  expect((await ca.create({ ticker: 'HS-E-A', side: 'bid', price: '0.4000', count: '10000.00', client_order_id: 'too-big' })).status).toBe(400);
  expect(sim.history().events).toEqual([]);
  await sim.close();
  sim = await start(false);
  expect((await admin(sim, 'GET', '/history')).status).toBe(404);
});
