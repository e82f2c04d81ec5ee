import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { configSchema, Config, ConfigError, ConfigInput, LoadedConfig, emptySecrets, Secrets } from '../../src/config';

export function tmpDir(prefix = 'kap-config-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A LoadedConfig built from a partial raw config, without touching the disk. */
export function loaded(raw: ConfigInput = {}, cwd = '/srv/kap'): LoadedConfig {
  const config: Config = configSchema.parse(raw);
  return { config, secrets: emptySecrets(), path: path.join(cwd, 'kalshi-autopilot.config.json'), exists: true, cwd };
}

let cachedPem: string | null = null;
/** A freshly generated RSA private key (PKCS#8 PEM), generated once per test file. */
export function rsaPem(): string {
  if (!cachedPem) {
    cachedPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }
  return cachedPem;
}

export function secretsWith(over: Partial<Secrets>): Secrets {
  return { ...emptySecrets(), ...over };
}

/** Run fn, expect a ConfigError, return its issues. */
export function issuesOf(fn: () => unknown): { path: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}
