/**
 * Config writes: `config set` and the dedicated setters. The whole resulting file is validated BEFORE anything is
 * written (origin bug B18: setters wrote unvalidated values, and `execution.*` could not be set at all); the write is
 * atomic (temp file in the same folder + fsync + rename + folder fsync), so a crash leaves the old or the new file,
 * never half of one. On any error nothing is written.
 */
import * as fs from 'node:fs';
import * as nodePath from 'node:path';
import { randomBytes } from 'node:crypto';
import { Config, defaultConfig, SECTION_KEYS } from './schema';
import { ConfigError } from './errors';
import { COMMENT_KEY, knownKeysAt, parseConfigObject, schemaAt } from './parse';
import { readRawConfigFile } from './load';

/** `config set` value parsing: JSON when it parses (numbers, booleans, null, arrays, objects, quoted strings), else the raw string. */
export function parseConfigValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface AtomicWriteHooks {
  /** Test seam: called after the temp file is fsynced, before the rename. Throwing aborts the write. */
  beforeRename?: (tmpPath: string) => void;
}

/** Write `data` to `path` atomically. The file keeps its permission bits if it exists (else 0644). */
export function atomicWriteFile(path: string, data: string, hooks: AtomicWriteHooks = {}): void {
  const dir = nodePath.dirname(path);
  fs.mkdirSync(dir, { recursive: true });
  let mode = 0o644;
  try {
    mode = fs.statSync(path).mode & 0o777;
  } catch {
    /* new file */
  }
  const tmp = nodePath.join(dir, `.${nodePath.basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(tmp, 'wx', mode);
  try {
    try {
      fs.writeFileSync(fd, data, 'utf8');
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    hooks.beforeRename?.(tmp);
    fs.renameSync(tmp, path);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      /* already gone */
    }
    throw e;
  }
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    /* some platforms cannot fsync a directory */
  }
}

export interface SetConfigResult {
  config: Config;
  /** False when the file did not exist and was created from the defaults. */
  existed: boolean;
  path: string;
}

/** Check that a dotted key names a settable config key; returns its segments. */
export function checkSettableKey(key: string): string[] {
  const segs = key.split('.');
  if (key.trim() === '' || segs.some((s) => s === '')) throw new ConfigError([{ path: key || '(empty)', message: 'is not a valid dotted key' }]);
  if (segs[0] === 'secrets') {
    throw new ConfigError([{ path: key, message: 'secrets are not written by config set; use the environment variables (KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY or KALSHI_PRIVATE_KEY_FILE, ANTHROPIC_API_KEY, OPENAI_API_KEY, KALSHI_AUTOPILOT_WEBHOOK_URL)' }]);
  }
  if (segs.includes(COMMENT_KEY)) throw new ConfigError([{ path: key, message: 'comments are edited in the file' }]);
  if (!schemaAt(segs)) {
    const parent = segs.slice(0, -1);
    const known = parent.length === 0 ? (SECTION_KEYS as string[]) : knownKeysAt(parent);
    const hint = known.length ? ` (known keys here: ${known.map((k) => [...parent, k].join('.')).join(', ')})` : '';
    throw new ConfigError([{ path: key, message: `unknown key${hint}` }]);
  }
  return segs;
}

/** Set several keys in one validated, atomic write. `values` are already-parsed JSON values. */
export function setConfigValues(path: string, entries: [key: string, value: unknown][], hooks: AtomicWriteHooks = {}): SetConfigResult {
  if (entries.length === 0) throw new ConfigError([{ path: '(args)', message: 'nothing to set' }]);
  const raw = readRawConfigFile(path);
  const existed = raw !== null;
  const doc: Record<string, unknown> = existed ? structuredClone(raw) as Record<string, unknown> : (defaultConfig() as unknown as Record<string, unknown>);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([{ path: '(root)', message: `${path} does not hold a JSON object` }], path);
  }
  for (const [key, value] of entries) {
    const segs = checkSettableKey(key);
    let cur: Record<string, unknown> = doc;
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i];
      const next = cur[seg];
      if (next === undefined || next === null) {
        cur[seg] = {};
      } else if (typeof next !== 'object' || Array.isArray(next)) {
        throw new ConfigError([{ path: segs.slice(0, i + 1).join('.'), message: 'is not an object in the file; cannot set a key inside it' }], path);
      }
      cur = cur[seg] as Record<string, unknown>;
    }
    cur[segs[segs.length - 1]] = value;
  }
  // Validate the whole resulting document before anything touches the disk.
  const { config } = parseConfigObject(doc, path);
  atomicWriteFile(path, `${JSON.stringify(doc, null, 2)}\n`, hooks);
  return { config, existed, path };
}

/** `setConfigValue(path, 'risk.max_positions', '5')`: the raw text is parsed as JSON when it can be, else a string. */
export function setConfigValue(path: string, key: string, rawValue: string, hooks: AtomicWriteHooks = {}): SetConfigResult {
  return setConfigValues(path, [[key, parseConfigValue(rawValue)]], hooks);
}
