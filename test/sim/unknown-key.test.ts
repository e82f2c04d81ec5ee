/** A key registered on one simulator instance is unknown to another: the client says so, without echoing the key. */
import { KalshiClient, KalshiUnknownKeyError } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { makeKey, startTestSim } from './helpers';

const keyA = makeKey('key-registered-on-a');
const keyB = makeKey('key-registered-on-b');
let simA: SimHandle;
let simB: SimHandle;

beforeAll(async () => {
  simA = await startTestSim([keyA]);
  simB = await startTestSim([keyB]);
});
afterAll(async () => {
  await simA.close();
  await simB.close();
});

const client = (sim: SimHandle, key: typeof keyA) =>
  new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: key.keyId, privateKeyPem: key.privateKeyPem }, maxReadAttempts: 1 });

test('the key works on its own simulator', async () => {
  expect((await client(simA, keyA).getBalance()).balance).toBeGreaterThan(0);
});

test("sim A's key against sim B → KalshiUnknownKeyError naming sim and B's host", async () => {
  const hostB = new URL(simB.baseUrl).host;
  const err = await client(simB, keyA).getBalance().then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(KalshiUnknownKeyError);
  const e = err as KalshiUnknownKeyError;
  expect([e.status, e.code, e.details, e.env, e.host]).toEqual([401, 'authentication_error', 'NOT_FOUND', 'sim', hostB]);
  expect(e.message).toMatch(new RegExp(`^Kalshi API key id is unknown to sim at ${hostB.replace(/\./g, '\\.')}: API keys are per environment`));
  expect(e.message).not.toContain(keyA.keyId);
  expect(e.message).not.toContain(keyA.privateKeyPem.split('\n')[1]);
});

test('a create with the wrong key is rejected with the typed error, and no order reaches sim B', async () => {
  const r = await client(simB, keyA).createOrder({
    ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 450_000, count: 100, timeInForce: 'good_till_canceled',
    selfTradePrevention: 'taker_at_cross', clientOrderId: 'wrong-key-1',
  });
  expect(r.outcome).toBe('rejected');
  expect(r.outcome === 'rejected' && r.error).toBeInstanceOf(KalshiUnknownKeyError);
  expect(await client(simB, keyB).listOrders()).toEqual([]);
});
