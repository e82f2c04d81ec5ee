/**
 * Request authentication exactly as the exchange does it: RSA-PSS (SHA-256, MGF1-SHA-256, salt length 32) over
 * timestamp_ms + METHOD + full path (with /trade-api/v2, without query); body unsigned. The timestamp is checked
 * against real wall time plus the injected skew fault — never the market-life clock.
 */
import { createPublicKey, KeyObject, verify, constants } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors } from './errors';

export interface AuthWindow {
  /** How far in the past a timestamp may be (recorded: −5 s ok, −30 s rejected). */
  pastToleranceMs: number;
  /** How far in the future (recorded: +5 s and +30 s ok, +5 min rejected). */
  futureToleranceMs: number;
}

/** kalshi-api.md §2: salt length = digest length (32 bytes for SHA-256); any other salt length is refused. */
export const PSS_SALT_LENGTH = 32;

export const DEFAULT_AUTH_WINDOW: AuthWindow = { pastToleranceMs: 15_000, futureToleranceMs: 60_000 };

export class KeyStore {
  private readonly keys = new Map<string, KeyObject>();

  add(keyId: string, publicKeyPem: string): void {
    if (!keyId) throw new Error('key id must be non-empty');
    let key: KeyObject;
    try {
      key = createPublicKey(publicKeyPem);
    } catch (e) {
      throw new Error(`key ${keyId}: not a public key PEM (${(e as Error).message})`);
    }
    this.keys.set(keyId, key);
  }

  get(keyId: string): KeyObject | undefined {
    return this.keys.get(keyId);
  }

  ids(): string[] {
    return [...this.keys.keys()];
  }

  /** Load `<keyId>.pem` public keys from a directory. */
  loadDir(dir: string): number {
    let n = 0;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith('.pem')) continue;
      this.add(f.slice(0, -4), readFileSync(join(dir, f), 'utf8'));
      n++;
    }
    return n;
  }
}

function header(h: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** Returns the key id, or throws ApiError with the recorded 401 body. */
export function authenticate(
  headers: Record<string, string | string[] | undefined>, method: string, fullPath: string,
  keys: KeyStore, authNowMs: number, window: AuthWindow = DEFAULT_AUTH_WINDOW,
): string {
  const keyId = header(headers, 'KALSHI-ACCESS-KEY');
  const sig = header(headers, 'KALSHI-ACCESS-SIGNATURE');
  const ts = header(headers, 'KALSHI-ACCESS-TIMESTAMP');
  if (!sig) throw errors.missingSignature();
  if (!keyId) throw errors.missingKey();
  if (!ts) throw errors.missingTimestamp();
  const key = keys.get(keyId);
  if (!key) throw errors.unknownKey();
  if (!/^\d{1,16}$/.test(ts)) throw errors.timestampExpired();
  const tsMs = Number(ts);
  if (tsMs < authNowMs - window.pastToleranceMs || tsMs > authNowMs + window.futureToleranceMs) throw errors.timestampExpired();
  const message = Buffer.from(ts + method.toUpperCase() + fullPath, 'utf8');
  let ok = false;
  try {
    ok = verify('sha256', message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: PSS_SALT_LENGTH }, Buffer.from(sig, 'base64'));
  } catch {
    ok = false;
  }
  if (!ok) throw errors.badSignature();
  return keyId;
}
