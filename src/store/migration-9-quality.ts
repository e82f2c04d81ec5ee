import type { Migration } from './migrations';

/**
 * Migration 9: forecast scoring and the model bench (docs/scoring.md).
 *  - estimates gain the market's context at decision time: event, series, category, close time, the YES mid and
 *    both sides' asks (integers; null = no quote), so every estimate can be scored against the market's own price;
 *  - market_outcomes: one settled result per market, from the paper or live ledger's settlement or read from the
 *    venue for markets the lane estimated but never traded;
 *  - model_bench: the bench list of {model, series} pairs ('' = the whole model) the entry guard reads; rows are
 *    never deleted by a restart, only by `clear-halt model_underperforms_market_guard --model M [--series S]`;
 *  - model_bench_clears: the last clear per pair (a cleared pair is judged only on markets settled after it).
 */
export const MIGRATION_9_QUALITY: Migration = {
  version: 9,
  name: 'estimate market context, market outcomes, model bench',
  sql: `
    ALTER TABLE estimates ADD COLUMN event_ticker TEXT;
    ALTER TABLE estimates ADD COLUMN series_ticker TEXT;
    ALTER TABLE estimates ADD COLUMN category TEXT;
    ALTER TABLE estimates ADD COLUMN close_time_ms INTEGER;
    ALTER TABLE estimates ADD COLUMN mid_ppm INTEGER CHECK (mid_ppm IS NULL OR (mid_ppm > 0 AND mid_ppm < 1000000));
    ALTER TABLE estimates ADD COLUMN yes_ask_micros INTEGER CHECK (yes_ask_micros IS NULL OR (yes_ask_micros > 0 AND yes_ask_micros < 1000000));
    ALTER TABLE estimates ADD COLUMN no_ask_micros INTEGER CHECK (no_ask_micros IS NULL OR (no_ask_micros > 0 AND no_ask_micros < 1000000));
    CREATE INDEX estimates_by_ticker ON estimates (ticker);
    CREATE TABLE market_outcomes (
      ticker         TEXT PRIMARY KEY,
      result         TEXT NOT NULL CHECK (result IN ('yes', 'no')),
      settled_at_ms  INTEGER NOT NULL,
      source         TEXT NOT NULL CHECK (source IN ('paper', 'live', 'venue', 'scan'))
    );
    CREATE TABLE model_bench (
      model          TEXT NOT NULL,
      series         TEXT NOT NULL DEFAULT '',
      benched_at_ms  INTEGER NOT NULL,
      settled        INTEGER NOT NULL CHECK (settled >= 0),
      skill          REAL,
      ci_low         REAL,
      ci_high        REAL,
      confidence     REAL NOT NULL,
      PRIMARY KEY (model, series)
    );
    CREATE TABLE model_bench_clears (
      model          TEXT NOT NULL,
      series         TEXT NOT NULL DEFAULT '',
      cleared_at_ms  INTEGER NOT NULL,
      cleared_by     TEXT NOT NULL,
      PRIMARY KEY (model, series)
    );
  `,
};
