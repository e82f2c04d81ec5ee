import type { SimHandle } from '../../src/sim';
import { Client, makeKey, START_MS, startTestSim } from './helpers';

let sim: SimHandle;
let maker: Client;
let taker: Client;
const k1 = makeKey('fee-maker');
const k2 = makeKey('fee-taker');

beforeEach(async () => {
  sim = await startTestSim([k1, k2], { startingBalanceMicros: 100_000_000 });
  maker = new Client(sim, k1);
  taker = new Client(sim, k2);
});
afterEach(() => sim.close());

const balance = async (c: Client) => (await c.get('/portfolio/balance')).body;

test('recorded case: 1 contract taker at 0.52 → fee 0.0175, fill fee_cost "0.017500", balance floored to the cent', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '1.00', client_order_id: 'm' });
  const t = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.9900', count: '1.00', client_order_id: 't', time_in_force: 'immediate_or_cancel' });
  expect(t.body).toMatchObject({ average_fee_paid: '0.0175', average_fill_price: '0.5200', fill_count: '1.00', remaining_count: '0.00' });
  const fill = (await taker.get('/portfolio/fills?limit=10')).body.fills[0];
  expect(fill).toMatchObject({ fee_cost: '0.017500', yes_price_dollars: '0.5200', no_price_dollars: '0.4800', count_fp: '1.00', is_taker: true, action: 'buy', side: 'yes', outcome_side: 'yes', book_side: 'bid' });
  const order = (await taker.get(`/portfolio/orders/${t.body.order_id}`)).body.order;
  expect(order).toMatchObject({ status: 'executed', yes_price_dollars: '0.9900', taker_fill_cost_dollars: '0.520000', taker_fees_dollars: '0.017500', maker_fees_dollars: '0.000000' });
  // 100.00 − 0.52 − 0.0175 = 99.4625 → floored to 99.46.
  expect(await balance(taker)).toMatchObject({ balance: 9946, balance_dollars: '99.4600' });
  // Maker in a plain `quadratic` series pays nothing; sold YES = bought NO at 0.48.
  expect(await balance(maker)).toMatchObject({ balance: 9952, balance_dollars: '99.5200' });
  const pos = (await taker.get('/portfolio/positions')).body;
  expect(pos.market_positions).toEqual([expect.objectContaining({ ticker: 'TS-E1-A', position_fp: '1.00', fees_paid_dollars: '0.017500', market_exposure_dollars: '0.520000', total_traded_dollars: '0.520000' })]);
  expect((await maker.get('/portfolio/positions')).body.market_positions[0].position_fp).toBe('-1.00');
});

test('10 @ 0.50 taker → 0.175 fee; maker fee in quadratic_with_maker_fees series = 0.25× rate', async () => {
  await maker.create({ ticker: 'TM-E1-A', side: 'ask', price: '0.5000', count: '10.00', client_order_id: 'm' });
  const t = await taker.create({ ticker: 'TM-E1-A', side: 'bid', price: '0.5000', count: '10.00', client_order_id: 't', time_in_force: 'fill_or_kill' });
  expect(t.body.average_fee_paid).toBe('0.0175');
  const mf = (await maker.get('/portfolio/fills')).body.fills[0];
  // 0.0175 × 10 × 0.25 = 0.04375 → rounded up to 0.0438.
  expect(mf).toMatchObject({ fee_cost: '0.043800', is_taker: false, action: 'sell', outcome_side: 'no', book_side: 'ask' });
  // Taker: −5.00 − 0.175 = −5.175 → −5.18.  Maker: −5.00 − 0.0438 → −5.05.
  expect((await balance(taker)).balance_dollars).toBe('94.8200');
  expect((await balance(maker)).balance_dollars).toBe('94.9500');
  // 1 @ 0.99 → 0.000693 → 0.0007.
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.9900', count: '1.00', client_order_id: 'm2' });
  await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.9900', count: '1.00', client_order_id: 't2', time_in_force: 'immediate_or_cancel' });
  expect((await taker.get('/portfolio/fills?ticker=TS-E1-A')).body.fills[0].fee_cost).toBe('0.000700');
});

test('netting: buying NO while long YES reduces the position and releases $1 per pair', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.4000', count: '3.00', client_order_id: 'm1' });
  await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4000', count: '3.00', client_order_id: 't1', time_in_force: 'immediate_or_cancel' });
  // taker: −1.20 − fee(3@0.40 = 0.0504) → −1.2504 → floor −1.26 → 98.74
  expect((await balance(taker)).balance_dollars).toBe('98.7400');
  await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4500', count: '2.00', client_order_id: 'm2' });
  await taker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.4500', count: '2.00', client_order_id: 't2', time_in_force: 'immediate_or_cancel' });
  const p = (await taker.get('/portfolio/positions')).body.market_positions[0];
  expect([p.position_fp, p.market_exposure_dollars, p.realized_pnl_dollars]).toEqual(['1.00', '0.400000', '0.100000']);
  // Sold 2 YES at 0.45 (= bought 2 NO at 0.55, released $2): +0.90 − fee(2@0.45 = 0.03465 → 0.0347) → +0.8653 → floor +0.86.
  expect((await balance(taker)).balance_dollars).toBe('99.6000');
});

test('settlement: pays $1 per winning contract to /portfolio/settlements and removes the position', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '2.00', client_order_id: 'm' });
  await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5200', count: '2.00', client_order_id: 't', time_in_force: 'immediate_or_cancel' });
  const resting = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'r' });
  // 100 − 1.04 − 0.035 → 98.925 → 98.92
  expect((await balance(taker)).balance_dollars).toBe('98.9200');
  expect(sim.forceSettle('TS-E1-A', 'yes')).toEqual({ ticker: 'TS-E1-A', status: 'finalized', result: 'yes' });
  expect((await taker.get(`/portfolio/orders/${resting.body.order_id}`)).body.order.status).toBe('canceled');
  expect((await taker.get('/portfolio/positions')).body.market_positions).toEqual([]);
  const s = (await taker.get('/portfolio/settlements')).body;
  expect(s.cursor).toBe('');
  expect(s.settlements).toEqual([{
    event_ticker: 'TS-E1', exchange_index: 0, fee_cost: '0.0350', market_result: 'yes', no_count_fp: '0.00', no_total_cost_dollars: '0.0000',
    revenue: 200, settled_time: '2026-09-01T12:00:00.000000Z', ticker: 'TS-E1-A', value: 100, yes_count_fp: '2.00', yes_total_cost_dollars: '1.0400',
  }]);
  expect((await balance(taker)).balance_dollars).toBe('100.9200');
  // The NO holder gets nothing.
  const ms = (await maker.get('/portfolio/settlements')).body.settlements[0];
  expect([ms.market_result, ms.no_count_fp, ms.revenue]).toEqual(['yes', '2.00', 0]);
  const m = (await maker.get('/markets/TS-E1-A')).body.market;
  expect([m.status, m.result, m.settlement_value_dollars]).toEqual(['finalized', 'yes', '1.0000']);
  expect((await maker.get('/markets?status=settled')).body.markets.map((x: any) => x.ticker)).toEqual(['TS-E1-A']);
  // Closed market: orders refused.
  expect((await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'late' })).body.error.code).toBe('market_closed');
});

test('lifecycle by clock: active → closed (orders cancelled) → determined → finalized after the timer', async () => {
  await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5000', count: '1.00', client_order_id: 'm' });
  await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5000', count: '1.00', client_order_id: 't', time_in_force: 'immediate_or_cancel' });
  const r = await maker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.1000', count: '1.00', client_order_id: 'rest' });
  const status = async () => (await maker.get('/markets/TS-E1-A')).body.market;
  sim.setTime(START_MS + 86_400_000);
  expect((await status()).status).toBe('closed');
  expect((await maker.get(`/portfolio/orders/${r.body.order_id}`)).body.order.status).toBe('canceled');
  expect((await maker.get('/markets?status=closed')).body.markets.map((x: any) => x.ticker)).toEqual(['TS-E1-A']);
  sim.advance(60_000);
  const d = await status();
  expect(d.status).toBe('determined');
  expect(['yes', 'no']).toContain(d.result);
  expect((await taker.get('/portfolio/positions')).body.market_positions).toHaveLength(1);
  sim.advance(300_000);
  const f = await status();
  expect([f.status, f.settlement_ts]).toEqual(['finalized', '2026-09-02T12:06:00.000000Z']);
  expect((await taker.get('/portfolio/positions')).body.market_positions).toHaveLength(0);
  expect((await taker.get('/portfolio/settlements')).body.settlements[0].revenue).toBe(f.result === 'yes' ? 100 : 0);
});
