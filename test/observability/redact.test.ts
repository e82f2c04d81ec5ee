/**
 * Safety invariant 6: secrets never appear in logs, heartbeat, status or errors.
 */
import { Writable } from 'node:stream';
import fs from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { createLogger } from '../../src/observability/logger';
import { registerSecret, safeErrorMessage, scrub, scrubValue, clearRegisteredSecrets } from '../../src/observability/redact';
import { writeHeartbeat } from '../../src/observability/heartbeat';
import { tempDir } from '../helpers/lane';

const pem = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const keyId = 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c';
const pemBody = pem.split('\n')[1];

function capture() {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  return { stream, text: () => out };
}

beforeEach(() => {
  clearRegisteredSecrets();
  registerSecret(pem);
  registerSecret(keyId);
});

describe('secret hygiene', () => {
  it('logs: secret-named keys are redacted, registered values scrubbed from messages, objects and errors', () => {
    const c = capture();
    const log = createLogger({ destination: c.stream as never, level: 'debug' });
    log.info({ private_key: pem, nested: { apiKey: 'sk-live-123456789' }, privateKeyPem: pem }, 'startup');
    log.warn(`request failed for key ${keyId}`);
    log.error({ err: new Error(`cannot sign with ${pem}`) }, 'signing failed');
    const text = c.text();
    expect(text).toContain('startup');
    expect(text).toContain('[REDACTED]');
    expect(text).not.toContain(keyId);
    expect(text).not.toContain(pemBody);
    expect(text).not.toContain('sk-live-123456789');
  });

  it('errors: safeErrorMessage scrubs registered secrets and any PEM block, even unregistered', () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const msg = safeErrorMessage(new Error(`bad key ${other} for ${keyId}`));
    expect(msg).toBe('bad key [REDACTED]\n for [REDACTED]');
    expect(scrub(`literal escapes ${pem.replace(/\n/g, '\\n')}`)).not.toContain(pemBody);
  });

  it('heartbeat: written atomically and scrubbed', () => {
    const file = path.join(tempDir(), 'hb', 'heartbeat.json');
    writeHeartbeat(file, { cycle: 3, note: `key ${keyId}`, webhook_url: 'https://hooks.example/abc', nested: { secret: 'x'.repeat(20) } });
    const text = fs.readFileSync(file, 'utf8');
    expect(JSON.parse(text)).toEqual({ cycle: 3, note: 'key [REDACTED]', webhook_url: '[REDACTED]', nested: { secret: '[REDACTED]' } });
    expect(fs.readdirSync(path.dirname(file))).toEqual(['heartbeat.json']); // no temp file left behind
  });

  it('scrubValue leaves non-secret data intact', () => {
    expect(scrubValue({ a: 1, b: ['x', { c: null }], ticker: 'KXHIGHNY-24JAN01-T60' })).toEqual({ a: 1, b: ['x', { c: null }], ticker: 'KXHIGHNY-24JAN01-T60' });
  });
});
