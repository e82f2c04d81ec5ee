/**
 * The lane DB's scoring view for the operator (status, `report --quality`, the dashboard): the bench list, every
 * model's and {model, series}'s verdict under the lane's `quality.*` rules, and the score tables. Read-only: works
 * on a DB opened read-only while the worker runs (QualityStore only reads here). Null when the DB predates
 * migration 9 (no scoring tables yet).
 */
import type { Database } from 'better-sqlite3';
import { defaultConfig } from '../config';
import { REASON } from '../domain/reason-codes';
import { judgeModels, type PairVerdict, type QualityRules, type ScoredForecast } from '../domain/scoring';
import { QualityStore, type BenchRow } from '../store';
import { qualityRules } from '../activities/quality';
import type { LaneCliOptions, LaneTarget } from './lane';
import { prepareLane } from './lane';
import { hasTables, withReadOnlyLaneDb } from './read-lane-db';

export interface QualityStatus {
  rules: QualityRules;
  /** Where the rules came from: the lane's config, or the defaults when the config is unusable. */
  rulesFrom: 'config' | 'defaults';
  bench: BenchRow[];
  /** One row per model (series null) and per {model, series} with settled markets. */
  models: PairVerdict[];
  settledMarkets: number;
}

/** The lane config's quality rules, else the defaults (status must work with a broken config). */
export function qualityRulesOf(o: LaneCliOptions, lane: Pick<LaneTarget, 'note'>): { rules: QualityRules; from: 'config' | 'defaults' } {
  if (!lane.note) {
    try {
      return { rules: qualityRules(prepareLane(o, { validate: false }).ctx.config), from: 'config' };
    } catch {
      // fall through to the defaults
    }
  }
  return { rules: qualityRules(defaultConfig()), from: 'defaults' };
}

export function hasQualityTables(db: Database): boolean {
  return hasTables(db, 'market_outcomes', 'model_bench', 'model_bench_clears');
}

/** The scored forecasts of the DB (null before migration 9). */
export function readForecasts(db: Database): ScoredForecast[] | null {
  return hasQualityTables(db) ? new QualityStore(db).forecasts() : null;
}

export function readQualityStatus(db: Database, rules: QualityRules, from: 'config' | 'defaults'): QualityStatus | null {
  if (!hasQualityTables(db)) return null;
  const q = new QualityStore(db);
  const fs = q.forecasts();
  return { rules, rulesFrom: from, bench: q.bench(), models: judgeModels(fs, rules, q.clears()), settledMarkets: new Set(fs.map((f) => f.ticker)).size };
}

const signed = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(3)}`);
const pair = (model: string, series: string | null) => (series === null ? model : `${model} in ${series}`);

/** Human lines for `status`. */
export function qualityLines(q: QualityStatus | null): string[] {
  if (q === null) return ['  models: no scores readable (a DB from before the scoring tables — the next worker start adds them — or a read error)'];
  const r = q.rules;
  const lines = [`  models (scored against the market; quality.window ${r.window}, min_settled ${r.minSettled}, bench_confidence ${r.benchConfidence}${q.rulesFrom === 'defaults' ? ', defaults: config unusable' : ''}):`];
  for (const b of q.bench) {
    const clear = `kalshi-autopilot clear-halt ${REASON.model_underperforms_market_guard} --model ${b.model}${b.series === null ? '' : ` --series ${b.series}`}`;
    lines.push(`    BENCHED ${pair(b.model, b.series)} since ${new Date(b.benchedAtMs).toISOString()}: Brier skill ${signed(b.skill)} [${signed(b.ciLow)}, ${signed(b.ciHigh)}] on ${b.settled} settled; entries refused (${REASON.model_underperforms_market_guard}); lift: ${clear}`);
  }
  if (q.models.length === 0) lines.push(`    no settled market scored yet: every model is unproven (normal in a first week; ${r.minSettled} settled markets are needed)`);
  for (const v of q.models) {
    const benched = q.bench.some((b) => b.model === v.model && b.series === v.series);
    const word = benched ? 'benched' : v.state === 'unproven' ? `unproven (${v.settled} settled < ${r.minSettled})` : v.state === 'bench' ? 'worse than the market' : 'ok';
    const ci = v.interval ? ` [${signed(v.interval.lo)}, ${signed(v.interval.hi)}]` : '';
    lines.push(`    ${pair(v.model, v.series)}: ${word}; Brier skill ${signed(v.skill)}${ci} on ${v.settled} settled`);
  }
  return lines;
}

/** The lane DB's QualityStatus, read-only; null when the DB has no scoring tables or cannot be read (status goes on). */
export function readLaneQuality(lane: LaneTarget, o: LaneCliOptions): QualityStatus | null {
  const { rules, from } = qualityRulesOf(o, lane);
  try {
    return withReadOnlyLaneDb(lane, (db) => readQualityStatus(db, rules, from));
  } catch {
    return null;
  }
}
