/**
 * The read-lag fault (issue 17 item 13): the read surface is `readLagMs` of exchange time behind the engine. Orders
 * YOUNGER than the lag are hidden (not shown at once), and fills, positions and balance lag too; the simulator's
 * GET /exchange/user_data_timestamp reports now − lag. Through our client, findOrderByClientOrderId answers
 * cannot_tell while the exchange's data time has not passed the send time, then found; a never-placed client id is
 * absent as of the data time.
 */
import { KalshiApiError, KalshiClient, CreateOrderInput } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { makeKey, START_MS, startTestSim, TestKey } from './helpers';

const trader = makeKey('lag-trader');
const maker = makeKey('lag-maker');
let sim: SimHandle;
let kc: KalshiClient;
let mm: KalshiClient;
const clientFor = (k: TestKey) => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem }, maxReadAttempts: 1 });
const order = (o: Partial<CreateOrderInput> & Pick<CreateOrderInput, 'clientOrderId'>): CreateOrderInput => ({
  ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 100_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o,
});
const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '000Z');

beforeEach(async () => {
  sim = await startTestSim([trader, maker], { startingBalanceMicros: 100_000_000 });
  kc = clientFor(trader);
  mm = clientFor(maker);
});
afterEach(() => sim.close());

test('a just-created order is hidden until it is older than the lag; find says cannot_tell, then found', async () => {
  sim.advance(10_000);
  sim.setFaults({ readLagMs: 2_000 });
  const sentAtMs = sim.nowMs();
  const r = await kc.createOrder(order({ clientOrderId: 'lag-1' }));
  if (r.outcome !== 'ok') throw new Error(r.outcome);

  expect(await kc.getUserDataTimestamp()).toEqual({ asOfTime: iso(sentAtMs - 2_000) });
  expect(await kc.listOrders({ ticker: 'TS-E1-A' })).toEqual([]);
  const err = await kc.getOrder(r.value.orderId).catch((e: unknown) => e);
  expect(err instanceof KalshiApiError && [err.status, err.code]).toEqual([404, 'not_found']);
  const early = await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: 'lag-1', minTs: 0, sentAtMs });
  expect(early).toEqual({ status: 'cannot_tell', asOfTime: iso(sentAtMs - 2_000), reason: expect.stringMatching(/has not passed the send time/) });

  sim.advance(1_999);
  expect((await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: 'lag-1', minTs: 0, sentAtMs })).status).toBe('cannot_tell');
  sim.advance(1);
  const late = await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: 'lag-1', minTs: 0, sentAtMs });
  expect(late.status === 'found' && [late.order.orderId, late.order.status]).toEqual([r.value.orderId, 'resting']);
  expect((await kc.getOrder(r.value.orderId)).clientOrderId).toBe('lag-1');
});

test('a client id never placed is absent as of the data time once that time passes the send time', async () => {
  sim.setFaults({ readLagMs: 500 });
  const sentAtMs = sim.nowMs();
  sim.advance(501);
  expect(await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: 'never-sent', minTs: 0, sentAtMs }))
    .toEqual({ status: 'absent', asOfTime: iso(START_MS + 1), asOfMs: START_MS + 1 });
});

test('fills, positions and balance lag too', async () => {
  const ask = await mm.createOrder(order({ clientOrderId: 'mm-ask', side: 'no', price: 480_000, count: 100 }));
  expect(ask.outcome).toBe('ok');
  sim.advance(5_000);
  sim.setFaults({ readLagMs: 2_000 });
  const t = await kc.createOrder(order({ clientOrderId: 'tk-1', price: 520_000, timeInForce: 'immediate_or_cancel' }));
  expect(t.outcome === 'ok' && t.value.fillCount).toBe(100);

  // Nothing of the fill is visible yet, on either side.
  expect(await kc.listFills()).toEqual([]);
  expect((await kc.getPositions()).marketPositions).toEqual([]);
  expect((await kc.getBalance()).balance).toBe(100_000_000);
  expect((await mm.getPositions()).marketPositions).toEqual([]);
  // The maker's resting ask (older than the lag) still reads as it was: resting, unfilled.
  expect((await mm.listOrders()).map((o) => [o.status, o.fillCount])).toEqual([['resting', 0]]);

  sim.advance(2_000);
  expect((await kc.listFills()).map((f) => [f.count, f.yesPrice, f.fee])).toEqual([[100, 520_000, 17_500]]);
  expect((await kc.getPositions()).marketPositions.map((p) => [p.ticker, p.position])).toEqual([['TS-E1-A', 100]]);
  // 100.00 − 0.52 − 0.0175 = 99.4625 → 99.46.
  expect((await kc.getBalance()).balance).toBe(99_460_000);
  expect((await mm.listOrders()).map((o) => [o.status, o.fillCount])).toEqual([['executed', 100]]);
});

test('an admin balance change shows at once on the lagged surface', async () => {
  sim.setFaults({ readLagMs: 60_000 });
  sim.setBalance(trader.keyId, 5_000_000);
  expect((await kc.getBalance()).balance).toBe(5_000_000);
});
