/** Kalshi's official TypeScript SDK (kalshi-typescript, axios, its own RSA-PSS signer) drives the simulator. */
import { Configuration, ExchangeApi, MarketApi, OrdersApi, PortfolioApi } from 'kalshi-typescript';
import type { SimHandle } from '../../src/sim';
import { Client, makeKey, startTestSim } from './helpers';

const key = makeKey('sdk-key-0001');
const mmKey = makeKey('sdk-mm');
let sim: SimHandle;

beforeAll(async () => {
  sim = await startTestSim([key, mmKey]);
  const mm = new Client(sim, mmKey);
  await mm.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4700', count: '3.00', client_order_id: 'mm1' });
  await mm.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '3.00', client_order_id: 'mm2' });
});
afterAll(() => sim.close());

test('SDK: public reads, signed balance, V2 create, duplicate 409, cancel', async () => {
  const config = new Configuration({ apiKey: key.keyId, privateKeyPem: key.privateKeyPem, basePath: sim.baseUrl });
  const markets = new MarketApi(config);
  const list = await markets.getMarkets(100);
  expect(list.status).toBe(200);
  expect(list.data.markets.map((m) => m.ticker)).toEqual(['TS-E1-A', 'TS-E1-B', 'TM-E1-A']);
  expect(list.data.cursor).toBe('');
  const one = await markets.getMarket('TS-E1-A');
  expect([one.data.market.status, one.data.market.yes_ask_dollars, one.data.market.yes_bid_dollars]).toEqual(['active', '0.5200', '0.4700']);
  const ob = await markets.getMarketOrderbook('TS-E1-A');
  expect(ob.data.orderbook_fp).toEqual({ no_dollars: [['0.4800', '3.00']], yes_dollars: [['0.4700', '3.00']] });
  const status = await new ExchangeApi(config).getExchangeStatus();
  expect(status.data).toEqual({ exchange_active: true, trading_active: true });

  const bal = await new PortfolioApi(config).getBalance();
  expect([bal.data.balance, bal.data.balance_dollars]).toEqual([100000, '1000.0000']);

  const orders = new OrdersApi(config);
  const req = { ticker: 'TS-E1-A', client_order_id: 'sdk-coid-1', side: 'bid' as const, count: '2.00', price: '0.4500', time_in_force: 'good_till_canceled' as const, self_trade_prevention_type: 'taker_at_cross' as const };
  const created = await orders.createOrderV2(req as any);
  expect(created.status).toBe(201);
  expect(created.data).toMatchObject({ client_order_id: 'sdk-coid-1', fill_count: '0.00', remaining_count: '2.00' });
  const dup = await orders.createOrderV2(req as any).then(() => null, (e) => e);
  expect([dup?.response?.status, dup?.response?.data]).toEqual([409, { error: { code: 'order_already_exists', message: 'order already exists' } }]);
  const got = await orders.getOrder(created.data.order_id);
  expect(got.data.order).toMatchObject({ status: 'resting', yes_price_dollars: '0.4500', remaining_count_fp: '2.00' });
  const canceled = await orders.cancelOrderV2(created.data.order_id);
  expect(canceled.data).toMatchObject({ order_id: created.data.order_id, reduced_by: '2.00' });
  const again = await orders.cancelOrderV2(created.data.order_id).then(() => null, (e) => e);
  expect(again?.response?.status).toBe(404);
  // A taker fill through the SDK.
  const ioc = await orders.createOrderV2({ ...req, client_order_id: 'sdk-coid-2', price: '0.9900', count: '1.00', time_in_force: 'immediate_or_cancel' } as any);
  expect(ioc.data).toMatchObject({ fill_count: '1.00', average_fill_price: '0.5200', average_fee_paid: '0.0175' });
  const fills = await new PortfolioApi(config).getFills();
  expect(fills.data.fills?.[0]).toMatchObject({ fee_cost: '0.017500', yes_price_dollars: '0.5200' });
});
