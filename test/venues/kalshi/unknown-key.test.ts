/** A key id the environment does not know (fixture auth__unknown_key_id) becomes KalshiUnknownKeyError naming env + host. */
import { classifyOutcome, KalshiApiError, KalshiUnknownKeyError } from '../../../src/venues/kalshi';
import { fixtureFetch, KEY_ID, makeClient, meta, testKeys } from './helpers';

const ORDER = { ticker: 'T-1', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'coid-1' } as const;

describe('unknown key id (401 authentication_error / NOT_FOUND)', () => {
  it('the recorded fixture is a demo balance call answered 401', () => {
    expect([meta('auth__unknown_key_id').status, meta('auth__unknown_key_id').host]).toEqual([401, 'https://external-api.demo.kalshi.co']);
  });

  it('a demo read throws KalshiUnknownKeyError saying the key is unknown to demo at the demo host, keys are per env', async () => {
    const { fetch, calls } = fixtureFetch(() => 'auth__unknown_key_id');
    const { client } = makeClient(fetch);
    const err = await client.getBalance().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiUnknownKeyError);
    expect(err).toBeInstanceOf(KalshiApiError);
    const e = err as KalshiUnknownKeyError;
    expect([e.status, e.code, e.details, e.env, e.host]).toEqual([401, 'authentication_error', 'NOT_FOUND', 'demo', 'external-api.demo.kalshi.co']);
    expect(e.message).toBe(
      'Kalshi API key id is unknown to demo at external-api.demo.kalshi.co: API keys are per environment (demo keys only work on ' +
        'demo hosts, prod keys only on prod hosts, sim keys only on the simulator they were registered with); check the key id and --env',
    );
    expect(classifyOutcome(e)).toBe('rejected');
    expect(calls).toHaveLength(1); // a 401 is not retried
    expect(`${e.message} ${String(e)} ${e.stack}`).not.toContain(KEY_ID);
    expect(`${e.message} ${e.stack}`).not.toContain(testKeys().pkcs8.split('\n')[1]);
  });

  it('a prod client names prod and the prod host', async () => {
    const { client } = makeClient(fixtureFetch(() => 'auth__unknown_key_id').fetch, { env: 'prod' });
    await expect(client.listOrders()).rejects.toThrow('Kalshi API key id is unknown to prod at external-api.kalshi.com: API keys are per environment');
  });

  it('a write returns rejected with the same typed error (nothing was placed)', async () => {
    const { client, } = makeClient(fixtureFetch(() => 'auth__unknown_key_id').fetch);
    const r = await client.createOrder(ORDER);
    expect(r.outcome).toBe('rejected');
    expect(r.outcome === 'rejected' && r.error).toBeInstanceOf(KalshiUnknownKeyError);
  });

  it('other 401s keep their plain KalshiApiError (bad signature is not an unknown key)', async () => {
    const { client } = makeClient(fixtureFetch(() => 'auth__bad_signature').fetch);
    const err = await client.getBalance().then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(KalshiApiError);
    expect(err).not.toBeInstanceOf(KalshiUnknownKeyError);
    expect((err as KalshiApiError).details).toBe('INCORRECT_API_KEY_SIGNATURE');
  });
});
