/**
 * The config hash survives upgrades (issue 17, item 2): it covers only the values that differ from the schema's
 * defaults, plus CONFIG_DEFAULTS_VERSION. A release that adds a key with a default must not change the hash of a
 * running lane (which would latch `lane_mismatch_guard` on the first activity after the upgrade).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  CONFIG_DEFAULTS_VERSION, configHash, configSchema, defaultConfig, nonDefaultValues, parseConfigObject,
  resolveRunContext, riskSchema, executionSchema,
} from '../../src/config';
import { loaded } from './helpers';

/** A config file as a trader would have written it for the current release. */
const TRADER_FILE = {
  trading: { bankroll: 2500, allowed_series_tickers: ['KXNBAGAME'] },
  risk: { max_positions: 4, daily_loss_limit_fraction: 0.05 },
  venues: { kalshi: { env: 'demo' } },
};

/** The next release: one new key with a default in an existing section, one in a nested section, one new section. */
const nextReleaseSchema = configSchema.extend({
  risk: riskSchema.extend({ max_open_orders: z.number().int().default(20) }).strict().default({}),
  execution: executionSchema.extend({ post_only: z.boolean().default(false) }).strict().default({}),
  notifications: z.object({ channel: z.string().default('none'), retries: z.number().default(3) }).strict().default({}),
});

describe('config hash across releases', () => {
  it('is unchanged for an existing config when a release adds keys with defaults', () => {
    const before = configSchema.parse(TRADER_FILE);
    const after = nextReleaseSchema.parse(TRADER_FILE);
    // The effective config did change (the new keys are filled in) …
    expect((after as { risk: { max_open_orders: number } }).risk.max_open_orders).toBe(20);
    expect(Object.keys(after)).toContain('notifications');
    // … but the hash did not.
    expect(configHash(after, { schema: nextReleaseSchema })).toBe(configHash(before));
    // Same for a lane running on nothing but defaults.
    expect(configHash(nextReleaseSchema.parse({}), { schema: nextReleaseSchema })).toBe(configHash(defaultConfig()));
  });

  it('changes when a trader sets a new key to a non-default value', () => {
    const withNew = nextReleaseSchema.parse({ ...TRADER_FILE, execution: { post_only: true } });
    expect(configHash(withNew, { schema: nextReleaseSchema })).not.toBe(configHash(configSchema.parse(TRADER_FILE)));
  });

  it('changes when a non-default value changes; a value set equal to its default counts as unset', () => {
    const base = configHash(configSchema.parse(TRADER_FILE));
    expect(configHash(configSchema.parse({ ...TRADER_FILE, risk: { ...TRADER_FILE.risk, max_positions: 5 } }))).not.toBe(base);
    expect(configHash(configSchema.parse({ ...TRADER_FILE, trading: { ...TRADER_FILE.trading, bankroll: 2501 } }))).not.toBe(base);
    // max_orders_per_cycle's default is 5: writing it out explicitly is the same effective config.
    expect(configHash(configSchema.parse({ ...TRADER_FILE, risk: { ...TRADER_FILE.risk, max_orders_per_cycle: 5 } }))).toBe(base);
  });

  it('includes CONFIG_DEFAULTS_VERSION', () => {
    expect(CONFIG_DEFAULTS_VERSION).toBe(1);
    const c = configSchema.parse(TRADER_FILE);
    expect(configHash(c, { defaultsVersion: CONFIG_DEFAULTS_VERSION })).toBe(configHash(c));
    expect(configHash(c, { defaultsVersion: CONFIG_DEFAULTS_VERSION + 1 })).not.toBe(configHash(c));
    expect(configHash(defaultConfig(), { defaultsVersion: CONFIG_DEFAULTS_VERSION + 1 })).not.toBe(configHash(defaultConfig()));
  });

  it('is pinned: these exact hashes are what running lanes carry (a change here means every lane must restart)', () => {
    // sha256('{"defaults_version":1,"values":{}}').slice(0, 16)
    expect(configHash(defaultConfig())).toBe('c8d9bc61da00a472');
    // sha256 of {"defaults_version":1,"values":{"risk":{"daily_loss_limit_fraction":0.05,"max_positions":4},
    //   "trading":{"allowed_series_tickers":["KXNBAGAME"],"bankroll":2500},"venues":{"kalshi":{"env":"demo"}}}}
    expect(configHash(configSchema.parse(TRADER_FILE))).toBe('dc057185d0747a71');
  });

  it('keeps excluding secrets and comments, and the run context uses it', () => {
    const parsed = parseConfigObject({ $comment: 'x', ...TRADER_FILE, secrets: { kalshi_api_key_id: 'abc-123-def-456' } }).config;
    expect(configHash(parsed)).toBe(configHash(configSchema.parse(TRADER_FILE)));
    const ctx = resolveRunContext(loaded(TRADER_FILE as never));
    expect(ctx.configHash).toBe(configHash(ctx.config));
    // Flags still count: they change the effective config.
    expect(resolveRunContext(loaded(TRADER_FILE as never), { live: true }).configHash).not.toBe(ctx.configHash);
  });
});

describe('nonDefaultValues', () => {
  it('keeps only the leaves that differ, arrays and null as whole values', () => {
    const defaults = { a: { b: 1, c: [1, 2], d: null }, e: 'x' };
    expect(nonDefaultValues({ a: { b: 1, c: [1, 2], d: null }, e: 'x' }, defaults)).toBeUndefined();
    expect(nonDefaultValues({ a: { b: 2, c: [1, 2], d: null }, e: 'x' }, defaults)).toEqual({ a: { b: 2 } });
    expect(nonDefaultValues({ a: { b: 1, c: [2, 1], d: 'p' }, e: 'x' }, defaults)).toEqual({ a: { c: [2, 1], d: 'p' } });
    expect(nonDefaultValues({ a: { b: 1 }, e: 'x', f: { g: 0 } }, defaults)).toEqual({ f: { g: 0 } });
  });
});

describe('CONFIG_DEFAULTS_VERSION rule', () => {
  it(`every default recorded in defaults-v${CONFIG_DEFAULTS_VERSION}.json still has its value (else bump the version)`, () => {
    const file = path.join(__dirname, `defaults-v${CONFIG_DEFAULTS_VERSION}.json`);
    const recorded = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const now = defaultConfig() as unknown as Record<string, unknown>;
    const changed: string[] = [];
    const walk = (rec: unknown, cur: unknown, trail: string[]) => {
      if (rec && typeof rec === 'object' && !Array.isArray(rec)) {
        for (const [k, v] of Object.entries(rec)) {
          // A removed key is not a changed default (a file still setting it is rejected by the strict schema).
          if (cur && typeof cur === 'object' && k in cur) walk(v, (cur as Record<string, unknown>)[k], [...trail, k]);
        }
        return;
      }
      if (JSON.stringify(rec) !== JSON.stringify(cur)) changed.push(`${trail.join('.')}: ${JSON.stringify(rec)} → ${JSON.stringify(cur)}`);
    };
    walk(recorded, now, []);
    // A default's VALUE changed: bump CONFIG_DEFAULTS_VERSION in src/config/canonical.ts and record
    // test/config/defaults-v<N>.json (the new defaults), see docs/config.md "The config hash".
    expect(changed).toEqual([]);
  });
});
