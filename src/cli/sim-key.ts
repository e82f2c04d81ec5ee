/**
 * The local simulator key: one RSA key pair under `<database.dir>/sim-key/`, made once, so the simulator that `up`
 * and `kalshi-autopilot sim` start has an account the read commands (`balance`, `positions`, …) can use on env `sim`
 * without anyone's credentials.
 *
 *   <dir>/key-id        the key id (a UUID; printable: it only names this machine's simulator account)
 *   <dir>/private.pem   PKCS#8 private key, mode 0600 (never printed; registered as a secret when read)
 *
 * The public key is derived from the private key at every start (nothing to keep in sync). Used for env `sim` only:
 * demo and prod always need the operator's own credentials.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import nodePath from 'node:path';
import { registerSecret } from '../observability/redact';

export const SIM_KEY_DIRNAME = 'sim-key';
const KEY_ID_FILE = 'key-id';
const PRIVATE_FILE = 'private.pem';

export interface SimKey {
  keyId: string;
  /** Absolute path of the private key file (0600). */
  privateKeyFile: string;
  /** SPKI PEM of the public key, for the simulator's key store. */
  publicKeyPem: string;
  dir: string;
  /** True when this call generated the pair. */
  created: boolean;
}

/** `<database.dir>/sim-key`, resolved against the working directory as the lane DB paths are. */
export function simKeyDir(databaseDir: string, cwd = process.cwd()): string {
  return nodePath.resolve(cwd, databaseDir, SIM_KEY_DIRNAME);
}

/** The local key if it exists and is readable; null otherwise (never generates). */
export function readSimKey(dir: string): SimKey | null {
  const idFile = nodePath.join(dir, KEY_ID_FILE);
  const privateKeyFile = nodePath.join(dir, PRIVATE_FILE);
  let keyId: string;
  let pem: string;
  try {
    keyId = fs.readFileSync(idFile, 'utf8').trim();
    pem = fs.readFileSync(privateKeyFile, 'utf8');
  } catch {
    return null;
  }
  if (!/^[A-Za-z0-9-]{8,64}$/.test(keyId)) return null;
  registerSecret(pem);
  let publicKeyPem: string;
  try {
    publicKeyPem = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return null;
  }
  // A key file made (or copied) with looser permissions is tightened: it is a private key.
  try {
    if ((fs.statSync(privateKeyFile).mode & 0o077) !== 0) fs.chmodSync(privateKeyFile, 0o600);
  } catch {
    // best effort
  }
  return { keyId, privateKeyFile, publicKeyPem, dir, created: false };
}

/** The local key, generated (2048-bit RSA) on first use. A half-written directory is regenerated. */
export function ensureSimKey(dir: string): SimKey {
  const existing = readSimKey(dir);
  if (existing) return existing;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerSecret(pem);
  const keyId = randomUUID();
  const privateKeyFile = nodePath.join(dir, PRIVATE_FILE);
  // Private key first (through a temp file created 0600, then renamed), the key id last: a reader finds both or neither.
  const tmp = `${privateKeyFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, pem, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, privateKeyFile);
  fs.writeFileSync(nodePath.join(dir, KEY_ID_FILE), `${keyId}\n`, { mode: 0o644 });
  const publicKeyPem = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  return { keyId, privateKeyFile, publicKeyPem, dir, created: true };
}
