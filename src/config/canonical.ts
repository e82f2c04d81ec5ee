import { createHash } from 'node:crypto';
import type { ZodTypeAny } from 'zod';
import { configSchema } from './schema';

/** JSON with object keys sorted at every level (arrays keep their order). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/**
 * The version of the schema's default VALUES, hashed with every config.
 *
 * RULE: bump this (by one) in the same commit that changes the VALUE of any existing default in `src/config/schema.ts`
 * (e.g. `risk.max_trades_per_market_per_day` 3 → 5), and record the new defaults as `test/config/defaults-v<N>.json`.
 * A lane whose file never set that key now trades with a different value, so its hash must change. Do NOT bump it for
 * a new key with a default, a removed key, or a new validation rule: those leave the hash of every existing config
 * alone, which is the point (an upgrade must not latch `lane_mismatch_guard` on every running lane).
 * `test/config/config-hash.test.ts` fails when a recorded default changes without a bump.
 */
export const CONFIG_DEFAULTS_VERSION = 1;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The parts of `value` that differ from `defaults`: objects are compared key by key (a key equal to its default, or
 * absent, is left out; an object left empty is left out), anything else (numbers, strings, null, arrays) as a whole.
 * `undefined` when nothing differs.
 */
export function nonDefaultValues(value: unknown, defaults: unknown): unknown {
  if (value === undefined) return undefined;
  if (isPlainObject(value) && isPlainObject(defaults)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      const d = nonDefaultValues(value[k], defaults[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return canonicalJson(value) === canonicalJson(defaults) ? undefined : value;
}

export interface ConfigHashOptions {
  /** The schema whose defaults are subtracted (`schema.parse({})`); default: the app's `configSchema`. */
  schema?: ZodTypeAny;
  /** Default: `CONFIG_DEFAULTS_VERSION`. */
  defaultsVersion?: number;
}

/**
 * The config hash a lane's workflow carries and every activity checks: sha256 (first 16 hex chars) over the canonical
 * JSON of `{ defaults_version, values }`, where `values` are only the effective config's values that differ from the
 * schema's defaults. So a release that adds a key with a default leaves every existing lane's hash unchanged; a release
 * that changes a default's value bumps `CONFIG_DEFAULTS_VERSION` and so changes it. Give it the effective Config
 * (flags applied; never secrets, which are not part of Config; `$comment`s are stripped by the parser).
 */
export function configHash(config: unknown, opts: ConfigHashOptions = {}): string {
  const defaults: unknown = (opts.schema ?? configSchema).parse({});
  const payload = {
    defaults_version: opts.defaultsVersion ?? CONFIG_DEFAULTS_VERSION,
    values: nonDefaultValues(config, defaults) ?? {},
  };
  return createHash('sha256').update(canonicalJson(payload)).digest('hex').slice(0, 16);
}

/** Recursively Object.freeze a plain value; returns it typed as deeply readonly. */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value && typeof value === 'object') {
    Object.freeze(value);
    for (const k of Object.keys(value as object)) deepFreeze((value as Record<string, unknown>)[k]);
  }
  return value as DeepReadonly<T>;
}

export type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;
