/**
 * Request signing (kalshi-api.md §2): RSA-PSS, SHA-256, MGF1-SHA-256, salt length = digest length (32 bytes).
 * Signed message = `${timestampMs}${METHOD}${path}` where path is the full URL path including `/trade-api/v2` and
 * excluding the query string. The body is not signed. Only node:crypto is used.
 */
import { constants, createPrivateKey, KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { registerSecret } from '../../observability/redact';

export class KalshiAuthConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KalshiAuthConfigError';
  }
}

export interface KalshiCredentials {
  keyId: string;
  /** PEM text (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"); literal "\n" escapes are accepted. */
  privateKeyPem?: string;
  /** Alternatively, a path to a PEM file. */
  privateKeyFile?: string;
}

/** Normalise PEM text from env vars / JSON: strip quotes, turn literal "\n" (and "\r\n") into newlines. */
export function normalizePem(raw: string): string {
  let s = raw.trim();
  if ((s.startsWith('"') && s.endsWith('"')) || (s.startsWith("'") && s.endsWith("'"))) s = s.slice(1, -1);
  s = s.replace(/\\r\\n/g, '\n').replace(/\\n/g, '\n').replace(/\r\n/g, '\n');
  return s.trim() + '\n';
}

/** Load and validate an RSA private key. Errors never contain key material. Registers the key text as a secret. */
export function loadPrivateKey(source: { privateKeyPem?: string; privateKeyFile?: string }): KeyObject {
  let raw: string;
  if (source.privateKeyPem !== undefined && source.privateKeyPem !== '') {
    raw = source.privateKeyPem;
  } else if (source.privateKeyFile !== undefined && source.privateKeyFile !== '') {
    try {
      raw = readFileSync(source.privateKeyFile, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'read error';
      throw new KalshiAuthConfigError(`cannot read Kalshi private key file ${source.privateKeyFile} (${code})`);
    }
  } else {
    throw new KalshiAuthConfigError('Kalshi credentials need a private key (privateKeyPem or privateKeyFile)');
  }
  registerSecret(raw);
  const pem = normalizePem(raw);
  registerSecret(pem);
  if (!/-----BEGIN (RSA )?PRIVATE KEY-----/.test(pem)) {
    throw new KalshiAuthConfigError(
      'Kalshi private key is not a PEM private key (expected a PKCS#1 "BEGIN RSA PRIVATE KEY" or PKCS#8 "BEGIN PRIVATE KEY" block)',
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    // The underlying OpenSSL message is not echoed: it can quote parts of the input.
    throw new KalshiAuthConfigError('Kalshi private key could not be parsed (corrupt PEM, or encrypted with a passphrase)');
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KalshiAuthConfigError(`Kalshi private key must be RSA, got ${key.asymmetricKeyType ?? 'unknown'}`);
  }
  return key;
}

/** The exact message Kalshi verifies. `path` must be the URL pathname (query stripped here defensively). */
export function signingMessage(timestampMs: number, method: string, path: string): string {
  const q = path.indexOf('?');
  return `${timestampMs}${method.toUpperCase()}${q === -1 ? path : path.slice(0, q)}`;
}

export interface AuthHeaders {
  'KALSHI-ACCESS-KEY': string;
  'KALSHI-ACCESS-TIMESTAMP': string;
  'KALSHI-ACCESS-SIGNATURE': string;
}

export class KalshiSigner {
  private readonly key: KeyObject;
  readonly keyId: string;

  constructor(credentials: KalshiCredentials) {
    if (typeof credentials.keyId !== 'string' || credentials.keyId.trim() === '') {
      throw new KalshiAuthConfigError('Kalshi credentials need a non-empty keyId');
    }
    this.keyId = credentials.keyId.trim();
    registerSecret(this.keyId);
    this.key = loadPrivateKey(credentials);
  }

  sign(timestampMs: number, method: string, path: string): string {
    const msg = signingMessage(timestampMs, method, path);
    return sign('sha256', Buffer.from(msg, 'utf8'), {
      key: this.key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
    }).toString('base64');
  }

  headers(timestampMs: number, method: string, path: string): AuthHeaders {
    return {
      'KALSHI-ACCESS-KEY': this.keyId,
      'KALSHI-ACCESS-TIMESTAMP': String(timestampMs),
      'KALSHI-ACCESS-SIGNATURE': this.sign(timestampMs, method, path),
    };
  }
}
