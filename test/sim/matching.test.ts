import type { SimHandle } from '../../src/sim';
import { admin, Client, makeKey, START_MS, startTestSim, TestKey } from './helpers';

let sim: SimHandle;
let maker: Client;
let taker: Client;
const k1: TestKey = makeKey('maker-key');
const k2: TestKey = makeKey('taker-key');

beforeEach(async () => {
  sim = await startTestSim([k1, k2]);
  maker = new Client(sim, k1);
  taker = new Client(sim, k2);
});
afterEach(async () => {
  await sim.close();
});

const book = async (t = 'TS-E1-A') => (await maker.get(`/markets/${t}/orderbook`)).body.orderbook_fp;

test('resting bids and asks show in the orderbook: bids only, ascending, NO side in NO prices', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4700', count: '3.00', client_order_id: 'b1' });
  await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4500', count: '1.00', client_order_id: 'b2' });
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '3.00', client_order_id: 'a1' });
  expect(await book()).toEqual({ no_dollars: [['0.4800', '3.00']], yes_dollars: [['0.4500', '1.00'], ['0.4700', '3.00']] });
  const m = (await maker.get('/markets/TS-E1-A')).body.market;
  expect([m.yes_bid_dollars, m.yes_ask_dollars, m.no_bid_dollars, m.no_ask_dollars, m.yes_bid_size_fp, m.yes_ask_size_fp])
    .toEqual(['0.4700', '0.5200', '0.4800', '0.5300', '3.00', '3.00']);
  expect(await book('TS-E1-B')).toEqual({ no_dollars: [], yes_dollars: [] });
});

test('price-time priority, partial fills, fills at the resting price', async () => {
  const a = await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '2.00', client_order_id: 'm1' });
  const b = await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '2.00', client_order_id: 'm2' });
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5100', count: '1.00', client_order_id: 'm3' });
  const t = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5500', count: '4.00', client_order_id: 't1', time_in_force: 'immediate_or_cancel' });
  expect(t.status).toBe(201);
  // 1 @ 0.51 (best) then 3 @ 0.52: m1 fully (earlier), m2 partially.
  expect(t.body).toMatchObject({ fill_count: '4.00', remaining_count: '0.00', average_fill_price: '0.5175' });
  const o1 = (await maker.get(`/portfolio/orders/${a.body.order_id}`)).body.order;
  const o2 = (await maker.get(`/portfolio/orders/${b.body.order_id}`)).body.order;
  expect([o1.status, o1.fill_count_fp, o1.remaining_count_fp]).toEqual(['executed', '2.00', '0.00']);
  expect([o2.status, o2.fill_count_fp, o2.remaining_count_fp]).toEqual(['resting', '1.00', '1.00']);
  expect(await book()).toEqual({ no_dollars: [['0.4800', '1.00']], yes_dollars: [] });
  const fills = (await taker.get('/portfolio/fills')).body.fills;
  expect(fills.map((f: any) => [f.yes_price_dollars, f.count_fp, f.is_taker])).toEqual([['0.5200', '1.00', true], ['0.5200', '2.00', true], ['0.5100', '1.00', true]]);
  const trades = (await maker.get('/markets/trades?ticker=TS-E1-A')).body.trades;
  expect(trades).toHaveLength(3);
  expect(trades[0]).toMatchObject({ taker_side: 'yes', taker_book_side: 'bid', taker_outcome_side: 'yes', is_block_trade: false });
});

test('IOC with no match: 201 with fill 0 and remaining 0; order canceled', async () => {
  const r = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5000', count: '5.00', client_order_id: 'i1', time_in_force: 'immediate_or_cancel' });
  expect(r.status).toBe(201);
  expect(r.body).toEqual({ client_order_id: 'i1', fill_count: '0.00', order_id: r.body.order_id, remaining_count: '0.00', ts_ms: START_MS });
  expect((await taker.get(`/portfolio/orders/${r.body.order_id}`)).body.order.status).toBe('canceled');
});

test('FOK: insufficient volume → 409 and no order; sufficient → fully filled', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.6000', count: '3.00', client_order_id: 'm1' });
  const r = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.6000', count: '4.00', client_order_id: 'f1', time_in_force: 'fill_or_kill' });
  expect(r.status).toBe(409);
  expect(r.body).toEqual({ error: { code: 'fill_or_kill_insufficient_resting_volume', message: 'fill or kill insufficient resting volume' } });
  expect((await taker.get('/portfolio/orders')).body.orders).toHaveLength(0);
  const ok = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.6000', count: '3.00', client_order_id: 'f2', time_in_force: 'fill_or_kill' });
  expect(ok.body).toMatchObject({ fill_count: '3.00', remaining_count: '0.00', average_fill_price: '0.6000' });
});

test('GTC expiration_time: past rejected, IOC+expiration rejected, expires when the clock passes it', async () => {
  const nowSec = START_MS / 1000;
  const past = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '1.00', client_order_id: 'e0', expiration_time: nowSec - 1 });
  expect(past.status).toBe(400);
  expect(past.body.error).toEqual({ code: 'invalid_order', message: 'invalid order', details: 'Expiration timestamp must be in the future' });
  const ioc = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '1.00', client_order_id: 'e1', time_in_force: 'immediate_or_cancel', expiration_time: nowSec + 60 });
  expect(ioc.status).toBe(400);
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '1.00', client_order_id: 'e2', expiration_time: nowSec + 60 });
  expect(r.status).toBe(201);
  sim.advance(59_000);
  expect((await maker.get(`/portfolio/orders/${r.body.order_id}`)).body.order.status).toBe('resting');
  sim.advance(1_000);
  const o = (await maker.get(`/portfolio/orders/${r.body.order_id}`)).body.order;
  expect([o.status, o.remaining_count_fp, o.expiration_time]).toEqual(['canceled', '0.00', '2026-09-01T12:01:00Z']);
  expect(await book()).toEqual({ no_dollars: [], yes_dollars: [] });
});

test('post-only cross rejected with the recorded body; non-crossing post-only rests', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '1.00', client_order_id: 'm1' });
  const r = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5200', count: '1.00', client_order_id: 'p1', post_only: true });
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code: 'invalid_order', message: 'invalid order', details: 'post only cross' } });
  const ok = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5100', count: '1.00', client_order_id: 'p2', post_only: true });
  expect(ok.body.remaining_count).toBe('1.00');
});

test('self-trade prevention: taker_at_cross cancels the taker, maker cancels the resting order', async () => {
  const rest = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4800', count: '1.00', client_order_id: 's1', post_only: true });
  const x = await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.4800', count: '1.00', client_order_id: 's2', time_in_force: 'immediate_or_cancel' });
  expect(x.body).toMatchObject({ fill_count: '0.00', remaining_count: '0.00' });
  expect((await maker.get(`/portfolio/orders/${rest.body.order_id}`)).body.order.status).toBe('resting');
  // STP maker: the resting order is cancelled and the taker continues (rests, GTC).
  const y = await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.4800', count: '1.00', client_order_id: 's3', self_trade_prevention_type: 'maker' });
  expect(y.body).toMatchObject({ fill_count: '0.00', remaining_count: '1.00' });
  expect((await maker.get(`/portfolio/orders/${rest.body.order_id}`)).body.order.status).toBe('canceled');
  expect(await book()).toEqual({ no_dollars: [['0.5200', '1.00']], yes_dollars: [] });
});

test('cancel: OK ack, then 404 for canceled, executed and unknown ids; duplicate coid 409 even after cancel', async () => {
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0100', count: '1.00', client_order_id: 'c1' });
  const dup = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0100', count: '1.00', client_order_id: 'c1' });
  expect(dup.status).toBe(409);
  expect(dup.body).toEqual({ error: { code: 'order_already_exists', message: 'order already exists' } });
  const c = await maker.del(`/portfolio/events/orders/${r.body.order_id}`);
  expect(c.status).toBe(200);
  expect(c.body).toEqual({ order_id: r.body.order_id, reduced_by: '1.00', ts_ms: START_MS });
  const again = await maker.del(`/portfolio/events/orders/${r.body.order_id}`);
  expect(again.status).toBe(404);
  expect(again.body).toEqual({ error: { code: 'not_found', message: 'not found' } });
  expect((await maker.del('/portfolio/events/orders/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  const reuse = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0100', count: '1.00', client_order_id: 'c1' });
  expect(reuse.status).toBe(409);
  // Executed order: cancel → 404; and its coid stays taken.
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5000', count: '1.00', client_order_id: 'c2' });
  const f = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.9900', count: '1.00', client_order_id: 'c3', time_in_force: 'immediate_or_cancel' });
  expect(f.body.fill_count).toBe('1.00');
  expect((await taker.del(`/portfolio/events/orders/${f.body.order_id}`)).status).toBe(404);
  expect((await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0100', count: '1.00', client_order_id: 'c3' })).status).toBe(409);
  // Other account's order is not visible: 404.
  const mine = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0200', count: '1.00', client_order_id: 'c4' });
  expect((await taker.del(`/portfolio/events/orders/${mine.body.order_id}`)).status).toBe(404);
});

test('validation: numeric fields → flat bad_request; off-grid, 0 and 1 prices → invalid_price; legacy → 410', async () => {
  const n = await maker.post('/portfolio/events/orders', { client_order_id: 'v1', count: 1, price: 0.01, self_trade_prevention_type: 'taker_at_cross', side: 'bid', ticker: 'TS-E1-A', time_in_force: 'good_till_canceled' });
  expect(n.status).toBe(400);
  expect(n.body).toEqual({ code: 'bad_request', message: 'bad request', details: 'json: cannot unmarshal number into Go struct field CreateOrderV2Request.count of type string' });
  for (const price of ['0.5150', '0.0000', '1.0000', '0', '1']) {
    const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price, count: '1.00', client_order_id: `v-${price}` });
    expect([price, r.status, r.body]).toEqual([price, 400, { error: { code: 'invalid_price', message: 'invalid price' } }]);
  }
  // deci_cent market accepts 0.515.
  expect((await maker.create({ ticker: 'TS-E1-B', side: 'bid', price: '0.0150', count: '1.00', client_order_id: 'v2' })).status).toBe(201);
  const legacy = await maker.post('/portfolio/orders', { action: 'buy', client_order_id: 'v3', count: 1, side: 'yes', ticker: 'TS-E1-A', yes_price: 1 });
  expect(legacy.status).toBe(410);
  expect(legacy.body.error.code).toBe('deprecated_v1_order_endpoint');
  expect((await maker.del('/portfolio/orders/abc')).status).toBe(410);
});

test('insufficient balance → 400 insufficient_balance', async () => {
  sim.setBalance('maker-key', 98_018_600);
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.9900', count: '10099.00', client_order_id: 'ib' });
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error: { code: 'insufficient_balance', message: 'insufficient balance' } });
});

test('maintenance window: creates refused with trading_is_paused, cancels allowed, cancel_order_on_pause honoured', async () => {
  const keep = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.2000', count: '1.00', client_order_id: 'mw1' });
  const drop = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.2100', count: '1.00', client_order_id: 'mw2', cancel_order_on_pause: true });
  const sched = (await maker.get('/exchange/schedule')).body.schedule;
  expect(sched.maintenance_windows).toEqual([{ end_datetime: '2026-09-02T00:00:00Z', start_datetime: '2026-09-01T22:00:00Z' }]);
  sim.advance(10 * 3600_000);
  expect((await maker.get('/exchange/status')).body).toEqual({ exchange_active: true, trading_active: false });
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.2000', count: '1.00', client_order_id: 'mw3' });
  expect(r.status).toBe(409);
  expect(r.body).toEqual({ error: { code: 'trading_is_paused', message: 'trading is paused' } });
  expect((await maker.get(`/portfolio/orders/${drop.body.order_id}`)).body.order.status).toBe('canceled');
  expect((await maker.del(`/portfolio/events/orders/${keep.body.order_id}`)).status).toBe(200);
  sim.advance(2 * 3600_000);
  expect((await maker.get('/exchange/status')).body.trading_active).toBe(true);
  expect((await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.2000', count: '1.00', client_order_id: 'mw4' })).status).toBe(201);
});

test('order group: hitting the rolling contracts limit cancels the group and refuses new orders until reset', async () => {
  const g = await taker.post('/portfolio/order_groups/create', { contracts_limit_fp: '3.00' });
  expect(g.status).toBe(201);
  const gid = g.body.order_group_id;
  const rest = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '5.00', client_order_id: 'g1', order_group_id: gid });
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.6000', count: '10.00', client_order_id: 'gm' });
  const t = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.6000', count: '3.00', client_order_id: 'g2', order_group_id: gid, time_in_force: 'immediate_or_cancel' });
  expect(t.body.fill_count).toBe('3.00');
  expect((await taker.get(`/portfolio/orders/${rest.body.order_id}`)).body.order.status).toBe('canceled');
  const refused = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '1.00', client_order_id: 'g3', order_group_id: gid });
  expect(refused.status).toBe(409);
  expect((await taker.get(`/portfolio/order_groups/${gid}`)).body).toEqual({ contracts_limit_fp: '3.00', exchange_index: 0, is_auto_cancel_enabled: true, orders: [rest.body.order_id, t.body.order_id] });
  expect((await taker.req('PUT', `/portfolio/order_groups/${gid}/reset`, {})).status).toBe(200);
  expect((await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3000', count: '1.00', client_order_id: 'g4', order_group_id: gid })).status).toBe(201);
});

test('amend and decrease', async () => {
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4000', count: '5.00', client_order_id: 'am1' });
  const d = await maker.post(`/portfolio/events/orders/${r.body.order_id}/decrease`, { reduce_by: '2.00' });
  expect(d.body).toEqual({ client_order_id: 'am1', order_id: r.body.order_id, remaining_count: '3.00', ts_ms: START_MS });
  const a = await maker.post(`/portfolio/events/orders/${r.body.order_id}/amend`, { ticker: 'TS-E1-A', side: 'bid', price: '0.4100', count: '4.00', updated_client_order_id: 'am2' });
  expect(a.body).toEqual({ client_order_id: 'am2', fill_count: '0.00', order_id: r.body.order_id, remaining_count: '4.00', ts_ms: START_MS });
  expect(await book()).toEqual({ no_dollars: [], yes_dollars: [['0.4100', '4.00']] });
  const bad = await maker.post(`/portfolio/events/orders/${r.body.order_id}/amend`, { ticker: 'TS-E1-A', side: 'ask', price: '0.4100', count: '4.00' });
  expect(bad.body.error.code).toBe('order_side_mismatch');
});

test('batched create and cancel', async () => {
  const r = await maker.post('/portfolio/events/orders/batched', { orders: [
    { ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'bt1', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' },
    { ticker: 'TS-E1-A', side: 'bid', price: '0.1050', count: '1.00', client_order_id: 'bt2', time_in_force: 'good_till_canceled', self_trade_prevention_type: 'maker' },
  ] });
  expect(r.status).toBe(201);
  expect(r.body.orders[0]).toMatchObject({ client_order_id: 'bt1', fill_count: '0.00', remaining_count: '1.00' });
  expect(r.body.orders[1]).toMatchObject({ client_order_id: 'bt2', error: { code: 'invalid_price', message: 'invalid price' } });
  const c = await maker.del('/portfolio/events/orders/batched', { orders: [{ order_id: r.body.orders[0].order_id }, { order_id: 'nope' }] });
  expect(c.body.orders[0]).toEqual({ client_order_id: 'bt1', order_id: r.body.orders[0].order_id, reduced_by: '1.00', ts_ms: START_MS });
  expect(c.body.orders[1]).toEqual({ error: { code: 'not_found', message: 'not found' }, order_id: 'nope', reduced_by: '0.00' });
});

test('429 token bucket: refused with the string body and no Retry-After; refills over time', async () => {
  await sim.close();
  let wall = 1_000_000;
  sim = await startTestSim([k1], { rateLimit: { read: { capacity: 20, refillPerSec: 10 }, write: { capacity: 30, refillPerSec: 10 } }, wallNow: () => wall, authWindow: { pastToleranceMs: 1e15, futureToleranceMs: 1e15 } });
  maker = new Client(sim, k1);
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: `rl${i}` })).status);
  expect(statuses).toEqual([201, 201, 201, 429]);
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'rl9' });
  expect(r.status).toBe(429);
  expect(r.body).toEqual({ error: 'too many requests' });
  expect(r.headers.get('retry-after')).toBeNull();
  wall += 1000; // +10 tokens
  expect((await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'rl10' })).status).toBe(201);
  // Reads have their own bucket: 2 reads fit, the third does not.
  expect([(await maker.get('/portfolio/balance')).status, (await maker.get('/portfolio/balance')).status, (await maker.get('/portfolio/balance')).status]).toEqual([200, 200, 429]);
});

test('"accepted then timed out": the order exists, the response never arrives; visible in orders list and admin log', async () => {
  sim.setFaults({ timeoutNextCreates: 1 });
  await expect(maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3300', count: '1.00', client_order_id: 'to1' })).rejects.toThrow();
  const list = (await maker.get('/portfolio/orders')).body.orders;
  expect(list.map((o: any) => [o.client_order_id, o.status])).toEqual([['to1', 'resting']]);
  const log = (await admin(sim, 'GET', '/orders')).body.orders;
  expect(log).toHaveLength(1);
  expect(log[0]).toMatchObject({ client_order_id: 'to1', outcome: 'timed_out_after_create', status: 201, key_id: 'maker-key', received_at_ms: START_MS, order_id: list[0].order_id });
  // The retry with the same coid is a duplicate.
  expect((await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.3300', count: '1.00', client_order_id: 'to1' })).status).toBe(409);
  expect(sim.listOrders().map((o) => o.outcome)).toEqual(['timed_out_after_create', 'rejected']);
});

test('read-after-write lag: GET order shows the stale state briefly after a cancel (exchange-clock lag)', async () => {
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.0100', count: '1.00', client_order_id: 'lag1' });
  sim.advance(1000);
  sim.setFaults({ readLagMs: 500 });
  expect((await maker.del(`/portfolio/events/orders/${r.body.order_id}`)).status).toBe(200);
  sim.advance(360);
  const stale = (await maker.get(`/portfolio/orders/${r.body.order_id}`)).body.order;
  expect([stale.status, stale.remaining_count_fp]).toEqual(['resting', '1.00']);
  sim.advance(200);
  expect((await maker.get(`/portfolio/orders/${r.body.order_id}`)).body.order.status).toBe('canceled');
});

test('5xx, 429-burst and malformed faults', async () => {
  sim.setFaults({ fail5xxNext: 1, burst429: 1, malformNext: 1 });
  const a = await maker.get('/markets');
  expect([a.status, a.body]).toEqual([429, { error: 'too many requests' }]);
  const b = await maker.get('/markets');
  expect([b.status, b.body]).toEqual([500, { error: { code: 'internal_server_error', message: 'internal server error' } }]);
  const c = await maker.get('/markets');
  expect(c.status).toBe(200);
  expect(c.body).toBeNull();
  expect(() => JSON.parse(c.text)).toThrow();
  expect((await maker.get('/markets')).body.markets).toHaveLength(3);
});
