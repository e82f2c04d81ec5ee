/** The project's Kalshi client (src/venues/kalshi) parses every simulator response it reads and writes. */
import { KalshiClient } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { silentLogger } from '../../src/observability/logger';
import { Client, makeKey, startTestSim } from './helpers';

const key = makeKey('venue-key');
const mmKey = makeKey('venue-mm');
let sim: SimHandle;
let kc: KalshiClient;

beforeAll(async () => {
  sim = await startTestSim([key, mmKey]);
  const mm = new Client(sim, mmKey);
  await mm.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.4700', count: '3.00', client_order_id: 'mm1' });
  await mm.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5200', count: '3.00', client_order_id: 'mm2' });
  kc = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: key.keyId, privateKeyPem: key.privateKeyPem }, logger: silentLogger() });
});
afterAll(() => sim.close());

test('reads parse', async () => {
  const markets = await kc.listMarkets({ status: 'open' });
  expect(markets.map((m) => m.ticker)).toEqual(['TS-E1-A', 'TS-E1-B', 'TM-E1-A']);
  const m = await kc.getMarket('TS-E1-A');
  expect(m.ticker).toBe('TS-E1-A');
  const ob = await kc.getOrderbook('TS-E1-A');
  expect(ob).toBeTruthy();
  expect((await kc.getExchangeStatus())).toBeTruthy();
  expect((await kc.getExchangeSchedule())).toBeTruthy();
  expect((await kc.listEvents()).length).toBe(2);
  expect((await kc.getSeries('TM')).ticker).toBe('TM');
  const bal = await kc.getBalance();
  expect(bal).toBeTruthy();
  expect((await kc.getUserDataTimestamp()).asOfTime).toBe('2026-09-01T12:00:00.000000Z');
  expect(await kc.getAccountLimits()).toBeTruthy();
  expect(await kc.getEndpointCosts()).toBeTruthy();
});

test('writes and portfolio reads parse', async () => {
  const created = await kc.createOrder({ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 450_000, count: 200, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'vc-1' });
  expect(created.outcome).toBe('ok');
  const dup = await kc.createOrder({ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 450_000, count: 200, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'vc-1' });
  expect(dup.outcome).toBe('already_exists');
  const found = await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: 'vc-1', minTs: 0 });
  expect(found).not.toBeNull();
  if (created.outcome !== 'ok') throw new Error('create failed');
  const cancel = await kc.cancelOrder((created.value as any).orderId);
  expect(cancel.outcome).toBe('ok');
  expect((await kc.cancelOrder((created.value as any).orderId)).outcome).toBe('rejected');
  const taker = await kc.createOrder({ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 990_000, count: 100, timeInForce: 'immediate_or_cancel', selfTradePrevention: 'taker_at_cross', clientOrderId: 'vc-2' });
  expect(taker.outcome).toBe('ok');
  const fills = await kc.listFills();
  expect(fills).toHaveLength(1);
  const pos = await kc.getPositions();
  expect(pos).toBeTruthy();
  expect((await kc.listOrders()).length).toBe(2);
  const g = await kc.createOrderGroup({ contractsLimit: 500 });
  expect(g.outcome).toBe('ok');
  expect((await kc.listOrderGroups()).length).toBe(1);
  sim.forceSettle('TS-E1-A', 'yes');
  const st = await kc.listSettlements();
  expect(st).toHaveLength(1);
});
