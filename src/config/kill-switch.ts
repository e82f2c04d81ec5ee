/**
 * Kill-switch helpers (pure: the environment and a file reader are passed in).
 *
 * - Env: active only for a truthy value — `1`, `true`, `yes`, `on` (case-insensitive, trimmed). `0`, `false`, `no`,
 *   `off`, empty or anything else leaves trading enabled (origin bug B16: any non-empty value, "0" included, fired).
 * - File: the file existing engages the switch; its first non-empty line is the reason. A file that exists but cannot
 *   be read also engages it (fail safe).
 */
import * as fs from 'node:fs';
import type { Env } from './secrets';

export interface KillSwitchState {
  engaged: boolean;
  source: 'env' | 'file';
  reason: string | null;
}

const TRUTHY = new Set(['1', 'true', 'yes', 'on']);

export function isTruthyFlag(value: string | undefined | null): boolean {
  return value != null && TRUTHY.has(value.trim().toLowerCase());
}

export function killSwitchFromEnv(env: Env, varName: string): KillSwitchState {
  const raw = env[varName];
  if (!isTruthyFlag(raw)) return { engaged: false, source: 'env', reason: null };
  return { engaged: true, source: 'env', reason: `${varName}=${raw!.trim()}` };
}

/** Reads a file: returns its text, `null` if it does not exist; throws for other errors. */
export type KillFileReader = (path: string) => string | null;

export const readKillFile: KillFileReader = (p) => {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
};

export function killSwitchFromFile(path: string | null | undefined, readFile: KillFileReader = readKillFile): KillSwitchState {
  if (!path) return { engaged: false, source: 'file', reason: null };
  let text: string | null;
  try {
    text = readFile(path);
  } catch (e) {
    return { engaged: true, source: 'file', reason: `kill switch file ${path} exists but cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (text === null) return { engaged: false, source: 'file', reason: null };
  const first = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l.length > 0);
  return { engaged: true, source: 'file', reason: first ? first.slice(0, 500) : `kill switch file ${path} present` };
}
