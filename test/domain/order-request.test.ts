/**
 * The exact V2 create body of an intent (src/domain/order-request.ts): hand-written expected bytes, the expiration
 * rule min(now + TTL, close − 60 s), and — through the real KalshiClient against the simulator — the bytes on the wire
 * are the journaled bytes, and a resend from the stored body is byte-identical (and answered 409 order_already_exists).
 */
import { buildOrderRequest, expirationSeconds, inputFromStoredBody, isRefusal, OrderRequest, OrderRequestParams, serializeCreate, StoredBodyError } from '../../src/domain/order-request';
import { KalshiClient } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { makeKey, START_MS, startTestSim } from '../sim/helpers';

const NOW = START_MS; // 2026-09-01T12:00:00Z = 1 788 264 000 000 ms
const entry: OrderRequestParams = {
  clientOrderId: 'ka1c0ffee-1-0', ticker: 'TS-E1-A', side: 'yes', action: 'buy', priceMicros: 520_000, countCentis: 100, reduceOnly: false,
  nowMs: NOW, orderTtlSeconds: 600, closeTimeMs: NOW + 86_400_000,
};
const ok = (p: OrderRequestParams): OrderRequest => {
  const r = buildOrderRequest(p);
  if (isRefusal(r)) throw new Error(r.detail);
  return r;
};

test('an entry: the exact bytes, in the builder’s fixed key order', () => {
  const r = ok(entry);
  expect(r.expirationTime).toBe(1_788_264_600);
  expect(r.body).toBe(
    '{"ticker":"TS-E1-A","side":"bid","price":"0.5200","count":"1.00","time_in_force":"good_till_canceled",' +
    '"self_trade_prevention_type":"taker_at_cross","client_order_id":"ka1c0ffee-1-0","expiration_time":1788264600,' +
    '"cancel_order_on_pause":true,"reduce_only":false}',
  );
  // Deterministic: the same intent gives the same bytes.
  expect(ok({ ...entry }).body).toBe(r.body);
  expect(serializeCreate(r.input)).toBe(r.body);
});

test('an exit: sell NO 2.00 @ 0.35 is a bid at YES 0.65, reduce_only, with an order group and subaccount', () => {
  const r = ok({ ...entry, clientOrderId: 'ka1c0ffee-2-1', side: 'no', action: 'sell', priceMicros: 350_000, countCentis: 200, reduceOnly: true, subaccount: 3, orderGroupId: 'og-1' });
  expect(r.body).toBe(
    '{"ticker":"TS-E1-A","side":"bid","price":"0.6500","count":"2.00","time_in_force":"good_till_canceled",' +
    '"self_trade_prevention_type":"taker_at_cross","client_order_id":"ka1c0ffee-2-1","expiration_time":1788264600,' +
    '"order_group_id":"og-1","cancel_order_on_pause":true,"subaccount":3,"reduce_only":true}',
  );
});

test('expiration_time = floor(min(now + TTL, close − 60 s)) seconds; within 60 s of close the order is refused', () => {
  expect(expirationSeconds(NOW + 500, 600, null)).toBe(1_788_264_600); // 12:10:00.5 floored
  expect(expirationSeconds(NOW, 600, NOW + 300_000)).toBe(1_788_264_240); // close 12:05 → 12:04
  expect(expirationSeconds(NOW, 600, NOW + 660_000)).toBe(1_788_264_600); // close − 60 s = TTL end exactly
  expect(ok({ ...entry, closeTimeMs: NOW + 61_000 }).expirationTime).toBe(1_788_264_001);
  const r = buildOrderRequest({ ...entry, closeTimeMs: NOW + 60_999 });
  expect(r).toEqual({
    refused: true, code: 'min_time_to_close_guard',
    detail: 'market closes at 2026-09-01T12:01:00.999Z: an order must expire 60 s before, which is not after now 2026-09-01T12:00:00.000Z',
  });
  expect(() => expirationSeconds(NOW, 0, null)).toThrow('order_ttl_seconds');
});

test('a stored body is turned back into the input only when it re-serializes byte-identical', () => {
  const r = ok(entry);
  const row = { side: 'yes' as const, action: 'buy' as const, priceMicros: 520_000, countCentis: 100 };
  expect(inputFromStoredBody(r.body, row)).toEqual(r.input);
  // Same JSON, other key order or spacing: not the bytes that were sent → refused.
  const reordered = JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(r.body)).reverse()));
  expect(() => inputFromStoredBody(reordered, row)).toThrow(StoredBodyError);
  // A row that disagrees with the body (another price) cannot reproduce it.
  expect(() => inputFromStoredBody(r.body, { ...row, priceMicros: 530_000 })).toThrow('would not be re-sent byte-identical');
  expect(() => inputFromStoredBody('{"ticker":', row)).toThrow('not JSON');
});

describe('on the wire (real KalshiClient, simulator)', () => {
  const key = makeKey('order-request-trader');
  let sim: SimHandle;
  const sent: string[] = [];
  let kc: KalshiClient;
  beforeAll(async () => {
    sim = await startTestSim([key]);
    const capture: typeof fetch = (url, init) => {
      if (init?.method === 'POST' && String(url).endsWith('/portfolio/events/orders')) sent.push(String(init.body));
      return fetch(url, init);
    };
    kc = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: key.keyId, privateKeyPem: key.privateKeyPem }, fetchImpl: capture });
  });
  afterAll(() => sim.close());

  test('the journaled bytes are the bytes sent; a resend from them is identical and gets order_already_exists', async () => {
    const r = ok({ ...entry, nowMs: sim.nowMs(), priceMicros: 400_000, countCentis: 300 });
    const first = await kc.createOrder(r.input);
    expect(first.outcome).toBe('ok');
    const again = await kc.createOrder(inputFromStoredBody(r.body, { side: 'yes', action: 'buy', priceMicros: 400_000, countCentis: 300 }));
    expect(again.outcome === 'already_exists' && [again.error.status, again.error.code]).toEqual([409, 'order_already_exists']);
    expect(sent).toEqual([r.body, r.body]);
    const [o] = await kc.listOrders({ ticker: 'TS-E1-A' });
    expect([o.clientOrderId, o.status, o.price, o.remainingCount, o.expirationTime]).toEqual(['ka1c0ffee-1-0', 'resting', 400_000, 300, expect.stringMatching(/^2026-09-01T12:10:00/)]);
  });
});
