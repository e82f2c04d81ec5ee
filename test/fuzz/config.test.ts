/**
 * Fuzz: the config parser, the run context built from it, and `config set`. Any file ends in a Config (whose run
 * context resolves, or is refused with a ConfigError) or a ConfigError whose issues name the key that was broken;
 * `config set` either writes a file that loads back to the config it returned, or names the key and writes nothing.
 */
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  ConfigError, configHash, defaultConfig, parseConfigObject, resolveRunContext, setConfigValue,
} from '../../src/config';
import { tmpDir } from '../config/helpers';
import { fuzzParams, nonIntegerNumbers } from './fuzz-params';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every dotted key of the defaults (objects and leaves). */
function keysOf(v: unknown, at: string[] = [], out: string[][] = []): string[][] {
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, x] of Object.entries(v)) {
      out.push([...at, k]);
      keysOf(x, [...at, k], out);
    }
  }
  return out;
}
const KEYS = keysOf(defaultConfig());
const LEAVES = KEYS.filter((k) => KEYS.every((o) => o.length <= k.length || o.slice(0, k.length).join('.') !== k.join('.')));

const value: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 0.5, 1e308, -1e308, 2 ** 53, 1e-9, '', 'x', '1', 'true', 'dry-run', 'live', 'sim', 'prod',
    [], {}, ['A', 'B'], [1], { a: 1 }, '$comment', 'KXFED-26SEP', 'BOT_DISABLE_TRADING'),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 10 }),
);

type Edit = { key: string[]; op: 'set' | 'delete' | 'unknown'; value: Json };
const edit: fc.Arbitrary<Edit> = fc.record({
  key: fc.constantFrom(...KEYS, ...LEAVES, ...LEAVES), // leaves twice as likely
  op: fc.constantFrom<Edit['op']>('set', 'set', 'delete', 'unknown'),
  value,
});

function apply(doc: Record<string, Json>, e: Edit): string {
  let cur = doc as Record<string, Json>;
  for (const seg of e.key.slice(0, -1)) {
    if (!cur[seg] || typeof cur[seg] !== 'object' || Array.isArray(cur[seg])) return e.key.slice(0, e.key.indexOf(seg) + 1).join('.');
    cur = cur[seg] as Record<string, Json>;
  }
  const last = e.key[e.key.length - 1];
  if (e.op === 'delete') delete cur[last];
  else if (e.op === 'unknown') {
    cur[`${last}_typo`] = structuredClone(e.value);
    return [...e.key.slice(0, -1), `${last}_typo`].join('.');
  } else cur[last] = structuredClone(e.value); // never share (and later mutate) the constants
  return e.key.join('.');
}

/** An issue names `key` when its path is the key, inside it or around it, or its message names the key. */
const names = (issue: { path: string; message: string }, key: string) =>
  issue.path === key || issue.path.startsWith(`${key}.`) || key.startsWith(`${issue.path}.`) || issue.message.includes(key) || issue.path === '(root)';

function expectConfigErrorNaming(err: unknown, touched: string[]): void {
  if (!(err instanceof ConfigError)) throw new Error(`not a ConfigError: ${String((err as Error)?.stack ?? err)}`);
  expect(err.issues.length).toBeGreaterThan(0);
  for (const i of err.issues) expect(i.path.length).toBeGreaterThan(0);
  if (!err.issues.some((i) => touched.some((k) => names(i, k)))) {
    throw new Error(`no issue names an edited key ${JSON.stringify(touched)}: ${err.message}`);
  }
}

describe('fuzz: config parser', () => {
  it('an edited file parses (its run context resolves or is refused naming the key) or fails naming the edited key', () => {
    const cwd = tmpDir('kap-fuzz-cfg-');
    fc.assert(fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
      const doc = structuredClone(defaultConfig()) as unknown as Record<string, Json>;
      const touched = edits.map((e) => apply(doc, e));
      let parsed;
      try {
        parsed = parseConfigObject(doc, 'fuzz');
      } catch (err) {
        expectConfigErrorNaming(err, touched);
        return;
      }
      const c = parsed.config;
      expect(parseConfigObject(JSON.parse(JSON.stringify(c))).config).toEqual(c); // a parsed config re-reads as itself
      expect(configHash(c)).toMatch(/^[0-9a-f]+$/);
      try {
        const ctx = resolveRunContext({ config: c, path: path.join(cwd, 'c.json'), exists: true, cwd }, { dryRun: true });
        expect(nonIntegerNumbers(ctx.fixed)).toEqual([]); // money and counts handed to the domain are integers
      } catch (err) {
        if (!(err instanceof ConfigError)) throw new Error(`run context crashed: ${String((err as Error)?.stack ?? err)}`);
      }
    }), fuzzParams(300));
  });

  it('any JSON value as the whole file is a Config or a ConfigError, never a crash', () => {
    fc.assert(fc.property(fc.jsonValue(), (raw) => {
      try {
        parseConfigObject(raw);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
      }
    }), fuzzParams(200));
  });
});

describe('fuzz: config set', () => {
  it('writes a file that loads back to what it returned, or names the key and leaves the file byte-identical', () => {
    const dir = tmpDir('kap-fuzz-set-');
    const file = path.join(dir, 'kalshi-autopilot.config.json');
    const rawValue = fc.oneof(value.map((v) => JSON.stringify(v)), fc.string({ maxLength: 12 }), fc.constantFrom('{', '[1,', '"x', 'NaN', '1e999', '-0'));
    const key = fc.oneof(fc.constantFrom(...LEAVES).map((k) => k.join('.')), fc.constantFrom('', '.', 'risk.', 'secrets.kalshi_api_key_id', 'risk.$comment', 'nope.x', 'risk.nope', 'trading.allowed_market_ids.0'));
    fc.assert(fc.property(key, rawValue, (k, raw) => {
      fs.writeFileSync(file, `${JSON.stringify(defaultConfig(), null, 2)}\n`);
      const before = fs.readFileSync(file, 'utf8');
      try {
        const r = setConfigValue(file, k, raw);
        // (compared as JSON: a `-0` set is written as 0)
        expect(JSON.stringify(parseConfigObject(JSON.parse(fs.readFileSync(file, 'utf8'))).config)).toBe(JSON.stringify(r.config));
      } catch (err) {
        expectConfigErrorNaming(err, [k || '(empty)']);
        expect(fs.readFileSync(file, 'utf8')).toBe(before);
      }
    }), fuzzParams(150));
  });
});
