/**
 * RSA-PSS salt length (issue 17 item 14, kalshi-api.md §2: salt = digest length = 32 bytes). The simulator refuses a
 * signature made with any other salt length with the recorded 401 body; our client signs with 32.
 */
import { constants, sign, verify, createPublicKey } from 'node:crypto';
import { KalshiClient, KalshiSigner } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { Client, makeKey, startTestSim } from './helpers';

const key = makeKey('salt-key');
let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim([key]);
});
afterAll(() => sim.close());

async function balanceWithSalt(saltLength: number) {
  const ts = String(Date.now());
  const path = '/trade-api/v2/portfolio/balance';
  const sig = sign('sha256', Buffer.from(`${ts}GET${path}`), { key: key.privateKeyPem, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }).toString('base64');
  return new Client(sim, null).req('GET', '/portfolio/balance', undefined, {
    headers: { 'KALSHI-ACCESS-KEY': key.keyId, 'KALSHI-ACCESS-TIMESTAMP': ts, 'KALSHI-ACCESS-SIGNATURE': sig },
  });
}

test('salt length 32 is accepted', async () => {
  expect((await balanceWithSalt(32)).status).toBe(200);
});

test.each([['0', 0], ['20', 20], ['31', 31], ['33', 33], ['64', 64], ['max (222)', constants.RSA_PSS_SALTLEN_MAX_SIGN]] as const)('salt length %s is refused with 401 INCORRECT_API_KEY_SIGNATURE', async (_n, salt) => {
  const r = await balanceWithSalt(salt);
  expect([r.status, r.body]).toEqual([401, { error: { code: 'authentication_error', message: 'authentication_error', details: 'INCORRECT_API_KEY_SIGNATURE' } }]);
});

test('our client signs with salt length 32 (verifies strictly at 32, not at 20) and the simulator accepts it', async () => {
  const signer = new KalshiSigner({ keyId: key.keyId, privateKeyPem: key.privateKeyPem });
  const msg = '1703123456789GET/trade-api/v2/portfolio/balance';
  const sig = Buffer.from(signer.sign(1703123456789, 'GET', '/trade-api/v2/portfolio/balance'), 'base64');
  const pub = createPublicKey(key.publicKeyPem);
  const check = (saltLength: number) => verify('sha256', Buffer.from(msg), { key: pub, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, sig);
  expect([check(32), check(20), check(0)]).toEqual([true, false, false]);
  const kc = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: key.keyId, privateKeyPem: key.privateKeyPem } });
  expect((await kc.getBalance()).balance).toBe(1_000_000_000);
});
