/**
 * Secrets: environment variables first, then the JSON file's `secrets` section. Placeholder values (containing
 * `YOUR_`, `CHANGE_ME`, a `<...>` token, or empty/blank) count as unset. Every loaded secret is `registerSecret()`-ed so
 * `scrub()` removes it from any text that leaves the process. Secrets are never part of Config or the config hash.
 */
import * as nodePath from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { displayPath, isPlausiblePath, registerSecret } from '../observability/redact';
import { FileSecrets } from './schema';

export const SECRET_ENV = {
  kalshiApiKeyId: 'KALSHI_API_KEY_ID',
  kalshiPrivateKey: 'KALSHI_PRIVATE_KEY',
  kalshiPrivateKeyFile: 'KALSHI_PRIVATE_KEY_FILE',
  anthropicApiKey: 'ANTHROPIC_API_KEY',
  openaiApiKey: 'OPENAI_API_KEY',
  webhookUrl: 'KALSHI_AUTOPILOT_WEBHOOK_URL',
} as const;

export type SecretSource = 'env' | 'config';

export interface Secrets {
  readonly kalshiApiKeyId: string | null;
  /** PEM text (newlines restored). Never print it. */
  readonly kalshiPrivateKeyPem: string | null;
  /** Where the PEM came from: env text, env file path, or the config file's `secrets.kalshi_private_key_file`. */
  readonly kalshiPrivateKeySource: 'env' | 'env-file' | 'config-file' | null;
  /** The key file path, when the key came from a file (a path is not a secret). */
  readonly kalshiPrivateKeyFile: string | null;
  /** Why a configured key file could not be read (null when fine or not configured). */
  readonly kalshiPrivateKeyError: string | null;
  readonly anthropicApiKey: string | null;
  readonly openaiApiKey: string | null;
  readonly webhookUrl: string | null;
}

export type Env = Readonly<Record<string, string | undefined>>;
/** Reads a whole file as UTF-8; throws on error (like fs.readFileSync). */
export type TextFileReader = (path: string) => string;

/** Placeholder or blank ⇒ unset. */
export function isPlaceholder(value: string | null | undefined): boolean {
  if (value == null) return true;
  const v = value.trim();
  if (v === '') return true;
  if (v.includes('YOUR_') || v.includes('CHANGE_ME')) return true;
  if (/<[^<>]*>/.test(v)) return true;
  return false;
}

function pick(envValue: string | undefined, fileValue: string | null | undefined): string | null {
  if (!isPlaceholder(envValue)) return envValue!.trim();
  if (!isPlaceholder(fileValue)) return fileValue!.trim();
  return null;
}

/** Env PEMs often travel on one line with literal `\n`; restore real newlines. */
export function normalizePem(text: string): string {
  return text.replace(/\\r\\n|\\n/g, '\n').replace(/\r\n/g, '\n').trim() + '\n';
}

export interface LoadSecretsOptions {
  env: Env;
  fileSecrets?: FileSecrets;
  /** For relative `KALSHI_PRIVATE_KEY_FILE`. */
  cwd: string;
  /** For a relative `secrets.kalshi_private_key_file` (the config file's folder). */
  configDir: string;
  readFile: TextFileReader;
}

export function loadSecrets(opts: LoadSecretsOptions): Secrets {
  const { env, cwd, configDir, readFile } = opts;
  const fs = opts.fileSecrets;

  let pem: string | null = null;
  let source: Secrets['kalshiPrivateKeySource'] = null;
  let keyFile: string | null = null;
  let keyError: string | null = null;

  if (!isPlaceholder(env[SECRET_ENV.kalshiPrivateKey])) {
    pem = normalizePem(env[SECRET_ENV.kalshiPrivateKey]!);
    source = 'env';
  } else {
    let file: string | null = null;
    let given: string | null = null;
    if (!isPlaceholder(env[SECRET_ENV.kalshiPrivateKeyFile])) {
      given = env[SECRET_ENV.kalshiPrivateKeyFile]!.trim();
      file = nodePath.resolve(cwd, given);
      source = 'env-file';
    } else if (!isPlaceholder(fs?.kalshi_private_key_file)) {
      given = fs!.kalshi_private_key_file!.trim();
      file = nodePath.resolve(configDir, given);
      source = 'config-file';
    }
    if (given !== null && !isPlausiblePath(given)) {
      // Key text (or anything else) pasted where a path belongs: it is secret material, so it is registered, never
      // read as a file name and never echoed (not even resolved into a "path" in an error message).
      registerSecret(given);
      registerSecret(normalizePem(given));
      file = null;
      keyError = `holds ${displayPath(given)}, not a file path: it must name the PEM file (the key text itself goes in ${SECRET_ENV.kalshiPrivateKey})`;
    }
    if (file) {
      keyFile = file;
      try {
        const text = readFile(file);
        if (isPlaceholder(text)) keyError = `private key file ${displayPath(file)} is empty`;
        else pem = normalizePem(text);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        keyError = `private key file ${displayPath(file)} cannot be read${code ? ` (${code})` : ''}`;
      }
    }
  }

  const secrets: Secrets = Object.freeze({
    kalshiApiKeyId: pick(env[SECRET_ENV.kalshiApiKeyId], fs?.kalshi_api_key_id),
    kalshiPrivateKeyPem: pem,
    kalshiPrivateKeySource: source,
    kalshiPrivateKeyFile: keyFile,
    kalshiPrivateKeyError: keyError,
    anthropicApiKey: pick(env[SECRET_ENV.anthropicApiKey], fs?.anthropic_api_key),
    openaiApiKey: pick(env[SECRET_ENV.openaiApiKey], fs?.openai_api_key),
    webhookUrl: pick(env[SECRET_ENV.webhookUrl], fs?.webhook_url),
  });
  for (const v of [secrets.kalshiApiKeyId, secrets.kalshiPrivateKeyPem, secrets.anthropicApiKey, secrets.openaiApiKey, secrets.webhookUrl]) {
    registerSecret(v);
  }
  return secrets;
}

/** No secrets at all (tests, sim). */
export function emptySecrets(): Secrets {
  return Object.freeze({
    kalshiApiKeyId: null, kalshiPrivateKeyPem: null, kalshiPrivateKeySource: null, kalshiPrivateKeyFile: null,
    kalshiPrivateKeyError: null, anthropicApiKey: null, openaiApiKey: null, webhookUrl: null,
  });
}

/** Secrets as `set` / `unset` only — the only form in which they are ever shown. */
export function secretStatus(s: Secrets): Record<string, 'set' | 'unset'> {
  const st = (v: string | null) => (v ? 'set' : 'unset') as 'set' | 'unset';
  return {
    [SECRET_ENV.kalshiApiKeyId]: st(s.kalshiApiKeyId),
    [SECRET_ENV.kalshiPrivateKey]: st(s.kalshiPrivateKeyPem),
    [SECRET_ENV.anthropicApiKey]: st(s.anthropicApiKey),
    [SECRET_ENV.openaiApiKey]: st(s.openaiApiKey),
    [SECRET_ENV.webhookUrl]: st(s.webhookUrl),
  };
}

/**
 * Check that a PEM parses as an RSA private key. Returns null when it does, else a message that never contains the key
 * (node's own error text is not echoed).
 */
export function checkRsaPrivateKey(pem: string): string | null {
  try {
    const key = createPrivateKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'rsa-pss') {
      return `is a ${key.asymmetricKeyType ?? 'unknown'} key; Kalshi needs an RSA private key`;
    }
    return null;
  } catch {
    return 'does not parse as a PEM RSA private key';
  }
}
