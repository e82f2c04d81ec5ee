/**
 * Scenario files: series, events, markets (times, price structure, hidden true probability), maintenance windows.
 * Validated with zod; errors name the offending field path. Times are ISO-8601 or relative to the simulator's start
 * ("+36h", "-1d", "+90m", "+2d6h"). Probabilities are decimal strings ("0.6200") or numbers in config.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dollarsFromConfigNumber, parseDollars, Micros } from '../domain/fixed';
import { multiplierToPpm } from '../domain/fees';
import { PRICE_STRUCTURES } from './price-grid';
import type { PriceRange, SimEvent, SimMarket, SimSeries } from './types';

const RELATIVE = /^([+-])((?:\d+[dhms])+)$/;
const timeSpec = z.string().refine((s) => RELATIVE.test(s) || !Number.isNaN(Date.parse(s)), {
  message: 'expected an ISO-8601 time or a relative offset like "+36h" / "-1d" / "+2d6h"',
});
const probability = z.union([z.string(), z.number()]);

const seriesSchema = z.object({
  ticker: z.string().min(1),
  title: z.string().default(''),
  category: z.string().default('Sim'),
  frequency: z.string().default('daily'),
  fee_type: z.enum(['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees', 'flat']).default('quadratic'),
  fee_multiplier: z.number().nonnegative().default(1),
  tags: z.array(z.string()).default([]),
});
const marketSchema = z.object({
  ticker: z.string().min(1),
  title: z.string().default(''),
  yes_sub_title: z.string().default(''),
  no_sub_title: z.string().default(''),
  open_time: timeSpec,
  close_time: timeSpec,
  true_probability: probability,
  price_level_structure: z.string().default('linear_cent'),
  price_ranges: z.array(z.object({ start: z.string(), end: z.string(), step: z.string() })).optional(),
  fractional_trading_enabled: z.boolean().default(true),
  determination_delay_seconds: z.number().int().nonnegative().default(60),
  settlement_timer_seconds: z.number().int().nonnegative().default(300),
  strike_type: z.string().default('custom'),
  rules_primary: z.string().default(''),
});
const eventSchema = z.object({
  event_ticker: z.string().min(1),
  series_ticker: z.string().min(1),
  title: z.string().default(''),
  sub_title: z.string().default(''),
  mutually_exclusive: z.boolean().default(false),
  markets: z.array(marketSchema).min(1),
});
export const scenarioSchema = z.object({
  name: z.string().default('scenario'),
  series: z.array(seriesSchema).min(1),
  events: z.array(eventSchema).min(1),
  maintenance_windows: z.array(z.object({ start: timeSpec, end: timeSpec })).default([]),
});

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
      const p = probMicros(m.true_probability, `${source}: events.${i}.markets.${j}.true_probability`);
      if (p <= 0 || p >= 1_000_000) throw new ScenarioError(`${source}: events.${i}.markets.${j}.true_probability: must be strictly between 0 and 1`);
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

function probMicros(v: string | number, field: string): Micros {
  try {
    return typeof v === 'number' ? dollarsFromConfigNumber(v, field) : parseDollars(v, field);
  } catch (e) {
    throw new ScenarioError((e as Error).message);
  }
}

export function resolveTime(spec: string, startMs: number): number {
  const m = RELATIVE.exec(spec);
  if (!m) return Date.parse(spec);
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  let total = 0;
  for (const part of m[2].matchAll(/(\d+)([dhms])/g)) total += Number(part[1]) * units[part[2]];
  return m[1] === '-' ? startMs - total : startMs + total;
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
        status: 'initialized', result: '', updatedMs: Math.min(openMs, startMs),
        lastPrice: 0, previousPrice: 0, volume: 0, openInterest: 0,
        strikeType: m.strike_type, rulesPrimary: m.rules_primary,
      });
    }
  }
  const maintenance = s.maintenance_windows.map((w) => ({ startMs: resolveTime(w.start, startMs), endMs: resolveTime(w.end, startMs) }));
  return { series, events, markets, maintenance };
}
