/**
 * "Executed, then 500" (issue 17 item 12): the simulator places the order and only then answers 500 — the case that
 * makes clients double-order. Through our Kalshi client: the create reports `unknown`, the order is on the simulator,
 * and a resend with the same client_order_id gets 409 order_already_exists instead of a second order.
 */
import { KalshiApiError, KalshiClient, CreateOrderInput } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { admin, makeKey, startTestSim } from './helpers';

const trader = makeKey('c500-trader');
let sim: SimHandle;
let kc: KalshiClient;
const ORDER: CreateOrderInput = {
  ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 400_000, count: 300, timeInForce: 'good_till_canceled',
  selfTradePrevention: 'taker_at_cross', clientOrderId: 'c500-1',
};

beforeAll(async () => {
  sim = await startTestSim([trader]);
  kc = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: trader.keyId, privateKeyPem: trader.privateKeyPem } });
});
afterAll(() => sim.close());

test('the admin API arms the fault like the others', async () => {
  const r = await admin(sim, 'POST', '/faults', { createThen500Next: 1 });
  expect(r.status).toBe(200);
  expect(r.body.faults).toMatchObject({ createThen500Next: 1, createThen500Rate: 0, fail5xxNext: 0 });
  expect((await admin(sim, 'POST', '/faults', { createThen500Rate: 2 })).status).toBe(400);
});

test('create executed then 500 → client says unknown, the order exists, a resend is already_exists', async () => {
  const first = await kc.createOrder(ORDER);
  expect(first.outcome).toBe('unknown');
  expect(first.outcome === 'unknown' && first.error).toBeInstanceOf(KalshiApiError);
  expect(first.outcome === 'unknown' && [(first.error as KalshiApiError).status, (first.error as KalshiApiError).code]).toEqual([500, 'internal_server_error']);

  // The simulator placed it: the received log and the client's own reads both show it.
  const log = sim.listOrders();
  expect(log.map((o) => [o.client_order_id, o.status, o.outcome])).toEqual([['c500-1', 201, 'created_then_500']]);
  const onSim = await kc.listOrders({ ticker: 'TS-E1-A' });
  expect(onSim.map((o) => [o.orderId, o.clientOrderId, o.status, o.remainingCount, o.price])).toEqual([[log[0].order_id, 'c500-1', 'resting', 300, 400_000]]);
  expect((await admin(sim, 'GET', '/faults')).body.faults.createThen500Next).toBe(0);

  // Resend with the same client_order_id: refused as a duplicate, no second order.
  const again = await kc.createOrder(ORDER);
  expect(again.outcome).toBe('already_exists');
  expect(again.outcome === 'already_exists' && [again.error.status, again.error.code]).toEqual([409, 'order_already_exists']);
  expect((await kc.listOrders({ ticker: 'TS-E1-A' })).map((o) => o.clientOrderId)).toEqual(['c500-1']);
  expect(sim.listOrders().map((o) => [o.outcome, o.error_code])).toEqual([['created_then_500', null], ['rejected', 'order_already_exists']]);
});

test('batch create is covered too: items executed, the call answers 500 (unknown)', async () => {
  sim.setFaults({ createThen500Next: 1 });
  const r = await kc.batchCreateOrders([{ ...ORDER, clientOrderId: 'c500-b1' }, { ...ORDER, clientOrderId: 'c500-b2', price: 390_000 }]);
  expect(r.outcome).toBe('unknown');
  const ids = (await kc.listOrders({ ticker: 'TS-E1-A' })).map((o) => o.clientOrderId).sort();
  expect(ids).toEqual(['c500-1', 'c500-b1', 'c500-b2']);
});
