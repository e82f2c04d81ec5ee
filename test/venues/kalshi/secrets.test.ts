/** No secret (private key PEM, key id, request signature) reaches a log line or an error message of the client. */
import { Writable } from 'node:stream';
import { createLogger } from '../../../src/observability/logger';
import { safeErrorMessage } from '../../../src/observability/redact';
import { KalshiClient } from '../../../src/venues/kalshi';
import { Captured, fakeFetch, fixtureText, jsonResponse, KEY_ID, makeClient, testKeys } from './helpers';

function capturingLogger() {
  let text = '';
  const stream = new Writable({ write(chunk, _e, cb) { text += chunk.toString(); cb(); } });
  return { logger: createLogger({ destination: stream as never, level: 'debug' }), text: () => text };
}

const errorText = async (p: Promise<unknown>) => p.then(() => '', (e: unknown) => `${safeErrorMessage(e)}\n${String(e)}\n${(e as Error).stack ?? ''}`);

function assertNoSecrets(text: string, calls: Captured[]) {
  expect(text).not.toContain(KEY_ID);
  for (const pem of [testKeys().pkcs8, testKeys().pkcs1]) {
    for (const line of pem.split('\n').filter((l) => l.length > 20)) expect(text).not.toContain(line);
  }
  const signatures = calls.map((c) => c.headers['kalshi-access-signature']).filter(Boolean);
  expect(signatures.length).toBeGreaterThan(0);
  for (const sig of signatures) expect(text).not.toContain(sig);
}

it('failing calls of every kind log and throw without the key id, the PEM or the signature', async () => {
  const log = capturingLogger();
  const answers: ((req: Captured) => Response)[] = [
    () => jsonResponse(401, fixtureText('auth__unknown_key_id')),
    () => jsonResponse(401, fixtureText('auth__bad_signature')),
    () => jsonResponse(401, fixtureText('auth__skew_minus30s')),
    // A server that echoes the request headers back in its error body.
    (req) => jsonResponse(400, { error: { code: 'bad_request', message: `headers: ${JSON.stringify(req.headers)}` } }),
    (req) => jsonResponse(500, `upstream said ${JSON.stringify(req.headers)}`),
    // A transport failure whose message quotes the request headers.
    (req) => { throw new TypeError(`fetch failed: ${JSON.stringify(req.headers)}`); },
    () => jsonResponse(200, { cursor: '', markets: [{ ticker: 'X' }] }, { date: 'Thu, 01 Jan 2037 00:00:00 GMT' }),
  ];
  let n = 0;
  const { fetch, calls } = fakeFetch((req) => answers[Math.min(n++, answers.length - 1)](req));
  const { client } = makeClient(fetch, { logger: log.logger, maxReadAttempts: 1 });
  let errors = '';
  for (let i = 0; i < 6; i++) errors += await errorText(client.getBalance());
  expect(await client.listMarkets()).toEqual([]); // dropped malformed market (logged), skew warning logged
  expect(errors).toContain('unknown to demo at external-api.demo.kalshi.co');
  expect(errors).toContain('[REDACTED]');
  expect(log.text()).toContain('dropped malformed Kalshi market');
  expect(log.text()).toContain('local clock differs from the Kalshi exchange clock');
  assertNoSecrets(`${errors}\n${log.text()}`, calls);
});

it('a write that times out or is rejected keeps secrets out of its WriteResult error', async () => {
  const log = capturingLogger();
  const { fetch, calls } = fakeFetch((req, i) => {
    if (i === 0) throw new TypeError(`socket hang up ${JSON.stringify(req.headers)}`);
    return jsonResponse(400, { code: 'invalid_order', message: `echo ${JSON.stringify(req.headers)}` });
  });
  const { client } = makeClient(fetch, { logger: log.logger });
  const order = { ticker: 'T-1', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', clientOrderId: 'c1' } as const;
  const r1 = await client.createOrder(order);
  const r2 = await client.createOrder({ ...order, clientOrderId: 'c2' });
  expect([r1.outcome, r2.outcome]).toEqual(['unknown', 'rejected']);
  const text = [r1, r2].map((r) => (r.outcome === 'ok' ? '' : `${r.error.message} ${String(r.error)}`)).join('\n');
  assertNoSecrets(`${text}\n${log.text()}`, calls);
});

it('a bad private key is a startup error that quotes no key material', () => {
  const broken = testKeys().pkcs8.replace(/[A-Z]{8}/, 'zzzzzzzz');
  const err = (() => { try { new KalshiClient({ env: 'demo', credentials: { keyId: KEY_ID, privateKeyPem: broken } }); } catch (e) { return e as Error; } return null; })();
  expect(err?.message).toBe('Kalshi private key could not be parsed (corrupt PEM, or encrypted with a passphrase)');
});
