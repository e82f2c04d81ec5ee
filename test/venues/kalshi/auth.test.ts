import { constants, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KalshiSigner, KalshiAuthConfigError, signingMessage, KalshiClient } from '../../../src/venues/kalshi';
import { clearRegisteredSecrets, scrub } from '../../../src/observability/redact';
import { fakeFetch, jsonResponse, testKeys, KEY_ID, makeClient, fixtureText } from './helpers';

function verifies(message: string, signatureB64: string): boolean {
  return verify('sha256', Buffer.from(message), {
    key: testKeys().publicKey,
    padding: constants.RSA_PKCS1_PSS_PADDING,
    saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
  }, Buffer.from(signatureB64, 'base64'));
}

describe('KalshiSigner', () => {
  afterAll(() => clearRegisteredSecrets());

  it.each(['pkcs1', 'pkcs8'] as const)('signs ts+METHOD+path with RSA-PSS/SHA-256 from a %s PEM', (kind) => {
    const pem = testKeys()[kind];
    expect(pem).toContain(kind === 'pkcs1' ? 'BEGIN RSA PRIVATE KEY' : 'BEGIN PRIVATE KEY');
    const signer = new KalshiSigner({ keyId: KEY_ID, privateKeyPem: pem });
    const h = signer.headers(1703123456789, 'get', '/trade-api/v2/portfolio/balance');
    expect(h['KALSHI-ACCESS-KEY']).toBe(KEY_ID);
    expect(h['KALSHI-ACCESS-TIMESTAMP']).toBe('1703123456789');
    expect(verifies('1703123456789GET/trade-api/v2/portfolio/balance', h['KALSHI-ACCESS-SIGNATURE'])).toBe(true);
    expect(verifies('1703123456789GET/portfolio/balance', h['KALSHI-ACCESS-SIGNATURE'])).toBe(false);
    // PSS salt is random: two signatures differ but both verify.
    expect(signer.sign(1, 'GET', '/x')).not.toBe(signer.sign(1, 'GET', '/x'));
  });

  it('accepts literal "\\n" escapes (env-var style) and quotes', () => {
    const escaped = `"${testKeys().pkcs1.trim().replace(/\n/g, '\\n')}"`;
    expect(escaped).not.toContain('\n');
    const signer = new KalshiSigner({ keyId: KEY_ID, privateKeyPem: escaped });
    expect(verifies('5POST/trade-api/v2/portfolio/events/orders', signer.sign(5, 'POST', '/trade-api/v2/portfolio/events/orders'))).toBe(true);
  });

  it('loads the key from a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kalshi-key-'));
    const file = join(dir, 'key.pem');
    writeFileSync(file, testKeys().pkcs8);
    const signer = new KalshiSigner({ keyId: KEY_ID, privateKeyFile: file });
    expect(verifies('7DELETE/trade-api/v2/x', signer.sign(7, 'DELETE', '/trade-api/v2/x'))).toBe(true);
    expect(() => new KalshiSigner({ keyId: KEY_ID, privateKeyFile: join(dir, 'missing.pem') })).toThrow(/cannot read Kalshi private key file .*ENOENT/);
  });

  it('the signed message never contains the query string', () => {
    expect(signingMessage(1, 'get', '/trade-api/v2/portfolio/orders?limit=5')).toBe('1GET/trade-api/v2/portfolio/orders');
  });

  it('a bad key is a clear KalshiAuthConfigError at construction, without echoing key material', () => {
    const garbage = '-----BEGIN PRIVATE KEY-----\nTUlJQ0FOT1RBUkVBTEtFWXNlY3JldHNlY3JldA==\n-----END PRIVATE KEY-----';
    let err: unknown;
    try {
      new KalshiClient({ env: 'demo', credentials: { keyId: KEY_ID, privateKeyPem: garbage } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KalshiAuthConfigError);
    expect((err as Error).message).toBe('Kalshi private key could not be parsed (corrupt PEM, or encrypted with a passphrase)');
    expect((err as Error).message).not.toContain('TUlJQ0FO');
    expect(() => new KalshiSigner({ keyId: KEY_ID, privateKeyPem: 'hunter2-not-a-pem-at-all' })).toThrow(/not a PEM private key/);
    expect(() => new KalshiSigner({ keyId: '', privateKeyPem: testKeys().pkcs8 })).toThrow(/non-empty keyId/);
    expect(() => new KalshiSigner({ keyId: KEY_ID })).toThrow(/need a private key/);
  });

  it('registers the private key so scrub() removes it from any text', () => {
    new KalshiSigner({ keyId: KEY_ID, privateKeyPem: testKeys().pkcs8 });
    const line = testKeys().pkcs8.split('\n')[3];
    expect(scrub(`oops ${line} leaked`)).toBe('oops [REDACTED] leaked');
  });
});

describe('signed requests through the client', () => {
  it('signs the full path incl. /trade-api/v2 and excludes the query', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, fixtureText('portfolio__orders_list')));
    const { client } = makeClient(fetch, { now: () => 1781159371929 });
    await client.listOrders({ limit: 10, ticker: 'ABC' });
    const h = calls[0].headers;
    expect(calls[0].url.search).toBe('?ticker=ABC&limit=10');
    expect(h['kalshi-access-timestamp']).toBe('1781159371929');
    expect(verifies('1781159371929GET/trade-api/v2/portfolio/orders', h['kalshi-access-signature'])).toBe(true);
  });

  it('public reads work without credentials and send no auth headers', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, fixtureText('exchange__status')));
    const client = new KalshiClient({ env: 'demo', fetchImpl: fetch });
    await expect(client.getExchangeStatus()).resolves.toEqual({ exchangeActive: true, tradingActive: true, estimatedResumeTime: null });
    expect(calls[0].headers['kalshi-access-signature']).toBeUndefined();
  });

  it('portfolio calls without credentials throw before any network call', async () => {
    const { fetch, calls } = fakeFetch(() => jsonResponse(200, '{}'));
    const client = new KalshiClient({ env: 'demo', fetchImpl: fetch });
    await expect(client.getBalance()).rejects.toThrow('Kalshi GET /portfolio/balance needs API credentials (key id + private key); this client has none');
    await expect(client.getPositions()).rejects.toThrow(/needs API credentials/);
    await expect(
      client.createOrder({ ticker: 'T', side: 'yes', action: 'buy', price: 500_000, count: 100, timeInForce: 'immediate_or_cancel', selfTradePrevention: 'taker_at_cross', clientOrderId: 'c1' }),
    ).rejects.toThrow(/needs API credentials/);
    expect(calls).toHaveLength(0);
  });
});
