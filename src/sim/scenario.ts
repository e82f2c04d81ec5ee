/**
 * Scenario files: series, events, markets (times, price structure, hidden true probability, the market probability
 * the house quotes and its drift, the oracle's bias, starting volume), maintenance windows. Validated with zod;
 * errors name the offending field path. Times are ISO-8601 or relative to the simulator's start ("+36h", "-1d",
 * "+90m", "+2d6h"). Probabilities are decimal strings ("0.6200") or JSON numbers. Full reference: docs/simulator.md.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dollarsFromConfigNumber, formatDollars, parseCount, parseDollars, Micros } from '../domain/fixed';
import { multiplierToPpm } from '../domain/fees';
import { driftBucketOf } from './market-drift';
import { PRICE_STRUCTURES } from './price-grid';
import type { PriceRange, SimEvent, SimMarket, SimSeries } from './types';

const RELATIVE = /^([+-])((?:\d+[dhms])+)$/;
/** Times beyond a century from the start (or before 1970 / after 2200) are typos, and would leave the safe-integer ms range. */
const MAX_OFFSET_MS = 36_500 * 86_400_000;
const MAX_TIME_MS = Date.UTC(2200, 0, 1);
const timeSpec = z.string().refine((s) => RELATIVE.test(s) || !Number.isNaN(Date.parse(s)), {
  message: 'expected an ISO-8601 time or a relative offset like "+36h" / "-1d" / "+2d6h"',
}).refine((s) => (RELATIVE.test(s) ? Math.abs(relativeMs(s)) <= MAX_OFFSET_MS : Date.parse(s) >= 0 && Date.parse(s) <= MAX_TIME_MS), {
  message: 'must be within 36500 days of the start (a relative offset) or between 1970 and 2200 (an ISO-8601 time)',
});
const probability = z.union([z.string(), z.number()]);
/** Any object may carry a "$comment" (a string or an array of strings), ignored; other unknown keys are errors. */
const comment = { $comment: z.union([z.string(), z.array(z.string())]).optional() };
const count = z.string().regex(/^\d+(\.\d{1,2})?$/, 'expected a contract count string like "2500.00"');

/** Defaults of the drift and the oracle bias, scenario-wide; each market may override them. */
export const SCENARIO_DEFAULTS = { oracle_bias: '0.0000', market_drift_step: '0.0020', market_drift_max: '0.0300' } as const;

const seriesSchema = z.object({
  ...comment,
  ticker: z.string().min(1),
  title: z.string().default(''),
  category: z.string().default('Sim'),
  frequency: z.string().default('daily'),
  fee_type: z.enum(['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat']).default('quadratic'),
  fee_multiplier: z.number().nonnegative().default(1),
  tags: z.array(z.string()).default([]),
}).strict();
const marketSchema = z.object({
  ...comment,
  ticker: z.string().min(1),
  title: z.string().default(''),
  yes_sub_title: z.string().default(''),
  no_sub_title: z.string().default(''),
  open_time: timeSpec,
  close_time: timeSpec,
  true_probability: probability,
  market_probability: probability.optional(),
  market_drift_step: probability.optional(),
  market_drift_max: probability.optional(),
  oracle_bias: probability.optional(),
  initial_volume: count.default('0'),
  initial_open_interest: count.default('0'),
  price_level_structure: z.string().default('linear_cent'),
  price_ranges: z.array(z.object({ start: z.string(), end: z.string(), step: z.string() }).strict()).optional(),
  fractional_trading_enabled: z.boolean().default(true),
  determination_delay_seconds: z.number().int().nonnegative().default(60),
  settlement_timer_seconds: z.number().int().nonnegative().default(300),
  strike_type: z.string().default('custom'),
  rules_primary: z.string().default(''),
}).strict();
const eventSchema = z.object({
  ...comment,
  event_ticker: z.string().min(1),
  series_ticker: z.string().min(1),
  title: z.string().default(''),
  sub_title: z.string().default(''),
  mutually_exclusive: z.boolean().default(false),
  markets: z.array(marketSchema).min(1),
}).strict();
export const scenarioSchema = z.object({
  ...comment,
  name: z.string().default('scenario'),
  series: z.array(seriesSchema).min(1),
  events: z.array(eventSchema).min(1),
  maintenance_windows: z.array(z.object({ start: timeSpec, end: timeSpec }).strict()).default([]),
  oracle_bias: probability.default(SCENARIO_DEFAULTS.oracle_bias),
  market_drift_step: probability.default(SCENARIO_DEFAULTS.market_drift_step),
  market_drift_max: probability.default(SCENARIO_DEFAULTS.market_drift_max),
}).strict();

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const r = scenarioSchema.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new ScenarioError(`${source} is invalid:\n${lines.join('\n')}`);
  }
  const s = r.data;
  checkRange(s.oracle_bias, `${source}: oracle_bias`, -999_999, 999_999);
  checkRange(s.market_drift_step, `${source}: market_drift_step`, 0, 500_000);
  checkRange(s.market_drift_max, `${source}: market_drift_max`, 0, 500_000);
  s.series.forEach((x, i) => {
    try {
      multiplierToPpm(x.fee_multiplier);
    } catch (e) {
      throw new ScenarioError(`${source}: series.${i}.fee_multiplier: ${(e as Error).message}`);
    }
  });
  const series = new Set(s.series.map((x) => x.ticker));
  const seen = new Set<string>();
  s.events.forEach((e, i) => {
    if (!series.has(e.series_ticker)) throw new ScenarioError(`${source}: events.${i}.series_ticker: unknown series "${e.series_ticker}"`);
    e.markets.forEach((m, j) => {
      if (seen.has(m.ticker)) throw new ScenarioError(`${source}: events.${i}.markets.${j}.ticker: duplicate ticker "${m.ticker}"`);
      seen.add(m.ticker);
      if (!m.price_ranges && !PRICE_STRUCTURES[m.price_level_structure]) {
        throw new ScenarioError(`${source}: events.${i}.markets.${j}.price_level_structure: unknown "${m.price_level_structure}" (give price_ranges)`);
      }
      const at = `${source}: events.${i}.markets.${j}`;
      const p = probMicros(m.true_probability, `${at}.true_probability`);
      if (p <= 0 || p >= 1_000_000) throw new ScenarioError(`${at}.true_probability: must be strictly between 0 and 1`);
      if (m.market_probability !== undefined) checkRange(m.market_probability, `${at}.market_probability`, 1, 999_999);
      if (m.oracle_bias !== undefined) checkRange(m.oracle_bias, `${at}.oracle_bias`, -999_999, 999_999);
      if (m.market_drift_step !== undefined) checkRange(m.market_drift_step, `${at}.market_drift_step`, 0, 500_000);
      if (m.market_drift_max !== undefined) checkRange(m.market_drift_max, `${at}.market_drift_max`, 0, 500_000);
    });
  });
  return s;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ScenarioError(`scenario file ${path}: cannot read (${(e as Error).message})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ScenarioError(`scenario file ${path}: not JSON (${(e as Error).message})`);
  }
  return parseScenario(raw, `scenario file ${path}`);
}

/** A probability-valued field within [lo, hi] micros (inclusive); the message names the field and the range. */
function checkRange(v: string | number, field: string, lo: Micros, hi: Micros): Micros {
  const x = probMicros(v, field);
  if (x < lo || x > hi) {
    const range = lo === 1 ? 'strictly between 0 and 1' : lo < 0 ? 'strictly between -1 and 1' : `between 0 and ${formatDollars(hi, 4)}`;
    throw new ScenarioError(`${field}: must be ${range} (got ${JSON.stringify(v)})`);
  }
  return x;
}

function probMicros(v: string | number, field: string): Micros {
  try {
    return typeof v === 'number' ? dollarsFromConfigNumber(v, field) : parseDollars(v, field);
  } catch (e) {
    throw new ScenarioError((e as Error).message);
  }
}

/** A relative offset ("+2d6h", "-90m") in signed ms. */
function relativeMs(spec: string): number {
  const m = RELATIVE.exec(spec)!;
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  let total = 0;
  for (const part of m[2].matchAll(/(\d+)([dhms])/g)) total += Number(part[1]) * units[part[2]];
  return m[1] === '-' ? -total : total;
}

export function resolveTime(spec: string, startMs: number): number {
  return RELATIVE.test(spec) ? startMs + relativeMs(spec) : Date.parse(spec);
}

export interface BuiltScenario {
  series: SimSeries[];
  events: SimEvent[];
  markets: SimMarket[];
  maintenance: Array<{ startMs: number; endMs: number }>;
}

/** Materialize a scenario at a start time into fresh simulator objects. */
export function buildScenario(s: Scenario, startMs: number): BuiltScenario {
  const series: SimSeries[] = s.series.map((x) => ({
    ticker: x.ticker, title: x.title || x.ticker, category: x.category, frequency: x.frequency,
    feeType: x.fee_type, feeMultiplier: x.fee_multiplier, feeMultiplierPpm: multiplierToPpm(x.fee_multiplier), tags: x.tags,
  }));
  const events: SimEvent[] = [];
  const markets: SimMarket[] = [];
  const startBucket = driftBucketOf(startMs);
  for (const e of s.events) {
    const cat = s.series.find((x) => x.ticker === e.series_ticker)?.category ?? 'Sim';
    events.push({ eventTicker: e.event_ticker, seriesTicker: e.series_ticker, title: e.title || e.event_ticker, subTitle: e.sub_title, mutuallyExclusive: e.mutually_exclusive, category: cat });
    for (const m of e.markets) {
      const openMs = resolveTime(m.open_time, startMs);
      const closeMs = resolveTime(m.close_time, startMs);
      const ranges: PriceRange[] = m.price_ranges
        ? m.price_ranges.map((r, i) => ({
          start: parseDollars(r.start, `${m.ticker}.price_ranges.${i}.start`),
          end: parseDollars(r.end, `${m.ticker}.price_ranges.${i}.end`),
          step: parseDollars(r.step, `${m.ticker}.price_ranges.${i}.step`),
        }))
        : PRICE_STRUCTURES[m.price_level_structure];
      markets.push({
        ticker: m.ticker, eventTicker: e.event_ticker, title: m.title || m.ticker,
        yesSubTitle: m.yes_sub_title, noSubTitle: m.no_sub_title,
        createdMs: Math.min(openMs, startMs), openMs, closeMs,
        determineMs: closeMs + m.determination_delay_seconds * 1000,
        settlementTimerSeconds: m.settlement_timer_seconds,
        priceLevelStructure: m.price_level_structure, priceRanges: ranges, fractional: m.fractional_trading_enabled,
        trueProbability: probMicros(m.true_probability, `${m.ticker}.true_probability`),
        marketProbability: probMicros(m.market_probability ?? m.true_probability, `${m.ticker}.market_probability`),
        driftStep: probMicros(m.market_drift_step ?? s.market_drift_step, `${m.ticker}.market_drift_step`),
        driftMax: probMicros(m.market_drift_max ?? s.market_drift_max, `${m.ticker}.market_drift_max`),
        driftBucket: startBucket, driftOffset: 0,
        oracleBias: probMicros(m.oracle_bias ?? s.oracle_bias, `${m.ticker}.oracle_bias`),
        status: 'initialized', result: '', updatedMs: Math.min(openMs, startMs),
        lastPrice: 0, previousPrice: 0,
        volume: parseCount(m.initial_volume, `${m.ticker}.initial_volume`),
        openInterest: parseCount(m.initial_open_interest, `${m.ticker}.initial_open_interest`),
        strikeType: m.strike_type, rulesPrimary: m.rules_primary,
      });
    }
  }
  const maintenance = s.maintenance_windows.map((w) => ({ startMs: resolveTime(w.start, startMs), endMs: resolveTime(w.end, startMs) }));
  return { series, events, markets, maintenance };
}
