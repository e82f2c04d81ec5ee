/**
 * Scores by model, series, category and side, over the last N settled markets or since a time, each with its count
 * of settled markets and the event-resampled bootstrap interval of the Brier skill. Pure.
 */
import { skillInterval } from './bootstrap';
import { scoreSet } from './metrics';
import type { ScoredForecast, ScoreSet } from './types';

export type GroupBy = 'model' | 'series' | 'category' | 'side';

export interface GroupRow {
  model: string;
  /** The group's key within the model ('*' = all): a series, a category or a traded side ('untraded' for the rest). */
  by: GroupBy | 'all';
  key: string;
  scores: ScoreSet;
}

export interface ScoreOptions {
  confidence: number;
  resamples?: number;
  seed?: number;
}

const keyOf = (f: ScoredForecast, by: GroupBy): string => {
  if (by === 'model') return f.model;
  if (by === 'series') return f.seriesTicker ?? '(unknown)';
  if (by === 'category') return f.category ?? '(unknown)';
  return f.trade ? f.trade.side : 'untraded';
};

/** The last `n` settled markets (by settlement time, ties by ticker), oldest first. */
export function lastSettled(fs: readonly ScoredForecast[], n: number): ScoredForecast[] {
  const sorted = [...fs].sort((a, b) => a.settledAtMs - b.settledAtMs || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0));
  return n >= sorted.length ? sorted : sorted.slice(sorted.length - n);
}

export function scoreWithInterval(fs: readonly ScoredForecast[], o: ScoreOptions): ScoreSet {
  const s = scoreSet(fs);
  return { ...s, skillInterval: fs.length ? skillInterval(fs, o) : null };
}

/** Per model: all its markets, then one row per series, category and side. */
export function scoreTable(fs: readonly ScoredForecast[], o: ScoreOptions, dims: readonly GroupBy[] = ['series', 'category', 'side']): GroupRow[] {
  const rows: GroupRow[] = [];
  const models = [...new Set(fs.map((f) => f.model))].sort();
  for (const model of models) {
    const mine = fs.filter((f) => f.model === model);
    rows.push({ model, by: 'all', key: '*', scores: scoreWithInterval(mine, o) });
    for (const by of dims) {
      const keys = [...new Set(mine.map((f) => keyOf(f, by)))].sort();
      for (const key of keys) rows.push({ model, by, key, scores: scoreWithInterval(mine.filter((f) => keyOf(f, by) === key), o) });
    }
  }
  return rows;
}
