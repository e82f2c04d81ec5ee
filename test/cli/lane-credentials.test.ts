/**
 * The worker's Kalshi credentials (laneCredentials, src/cli/lane.ts): the operator's key id + key from the secrets
 * first; on env sim without them the local simulator key when it exists; never the sim key on demo/prod.
 */
import { laneCredentials } from '../../src/cli/lane';
import { ensureSimKey, simKeyDir } from '../../src/cli/sim-key';
import type { Secrets } from '../../src/config';
import { tempDir } from '../helpers/lane';
import { simRunContext } from '../helpers/trading';

const none: Secrets = {
  kalshiApiKeyId: null, kalshiPrivateKeyPem: null, kalshiPrivateKeySource: null, kalshiPrivateKeyFile: null, kalshiPrivateKeyError: null,
  anthropicApiKey: null, openaiApiKey: null, webhookUrl: null,
};

test('the secrets win; then the local sim key on sim only; else none', () => {
  const cwd = tempDir('kap-cred-');
  const sim = simRunContext({ trading: { dry_run: false } });
  const demo = simRunContext({ venues: { kalshi: { env: 'demo' } }, trading: { dry_run: false } });
  expect(laneCredentials({ ctx: sim, secrets: none }, cwd)).toBeNull();
  const key = ensureSimKey(simKeyDir(sim.config.database.dir, cwd));
  expect(laneCredentials({ ctx: sim, secrets: none }, cwd)).toEqual({ keyId: key.keyId, privateKeyFile: key.privateKeyFile });
  expect(laneCredentials({ ctx: demo, secrets: none }, cwd)).toBeNull();
  const pem = { ...none, kalshiApiKeyId: 'op-key', kalshiPrivateKeyPem: 'PEM', kalshiPrivateKeySource: 'env' as const };
  expect(laneCredentials({ ctx: demo, secrets: pem }, cwd)).toEqual({ keyId: 'op-key', privateKeyPem: 'PEM' });
  expect(laneCredentials({ ctx: sim, secrets: pem }, cwd)).toEqual({ keyId: 'op-key', privateKeyPem: 'PEM' });
  const file = { ...none, kalshiApiKeyId: 'op-key', kalshiPrivateKeyFile: '/keys/k.pem', kalshiPrivateKeySource: 'config-file' as const };
  expect(laneCredentials({ ctx: demo, secrets: file }, cwd)).toEqual({ keyId: 'op-key', privateKeyFile: '/keys/k.pem' });
});
