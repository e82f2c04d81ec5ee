import type { Migration } from './migrations';

/**
 * Migration 7: the LLM budget ledger and the estimate-reuse cache (docs/models.md "The budget").
 * Kept in its own file so src/store/migrations.ts stays a list; applied in version order with the others.
 */
export const MIGRATION_7_LLM: Migration = {
  version: 7,
  name: 'llm calls (budget ledger) and reusable llm estimates',
  sql: `
    -- One row per LLM call, written BEFORE the call (status reserved, charged at its worst case) and settled after it
    -- from the API's usage. charged_micros is what counts against model.llm.cost_limit_per_cycle / cost_limit_per_day:
    -- the reservation while reserved or lost (the response never arrived: it stays charged), the usage cost once
    -- settled, 0 for a call the provider refused before doing any work (429, other 4xx). day = the UTC day of the
    -- logical clock. reply_text is the settled reply: a retry of the same cycle replays it instead of calling again.
    CREATE TABLE llm_calls (
      id               INTEGER PRIMARY KEY AUTOINCREMENT,
      first_run_id     TEXT NOT NULL,
      cycle            INTEGER NOT NULL CHECK (cycle >= 1),
      day              TEXT NOT NULL,
      at_ms            INTEGER NOT NULL,
      call_key         TEXT NOT NULL,
      tickers          TEXT NOT NULL,
      provider         TEXT NOT NULL,
      model            TEXT NOT NULL,
      status           TEXT NOT NULL CHECK (status IN ('reserved', 'settled', 'lost', 'refused')),
      reserved_micros  INTEGER NOT NULL CHECK (reserved_micros >= 0),
      charged_micros   INTEGER NOT NULL CHECK (charged_micros >= 0),
      cost_micros      INTEGER CHECK (cost_micros IS NULL OR cost_micros >= 0),
      input_tokens     INTEGER,
      output_tokens    INTEGER,
      outcome          TEXT,
      detail           TEXT,
      reply_text       TEXT,
      settled_at_ms    INTEGER
    );
    CREATE INDEX llm_calls_by_cycle ON llm_calls (first_run_id, cycle, call_key);
    CREATE INDEX llm_calls_by_day ON llm_calls (day);
    CREATE TRIGGER llm_calls_no_delete BEFORE DELETE ON llm_calls
    BEGIN SELECT RAISE(ABORT, 'llm_calls is the budget ledger: rows are never deleted'); END;
    -- The latest estimate per (ticker, model), reused until its TTL, a price move beyond the threshold or a change of
    -- the market's terms (terms_hash). Integers only.
    CREATE TABLE llm_estimates (
      ticker             TEXT NOT NULL,
      model              TEXT NOT NULL,
      probability_ppm    INTEGER NOT NULL CHECK (probability_ppm > 0 AND probability_ppm < 1000000),
      confidence_ppm     INTEGER NOT NULL CHECK (confidence_ppm >= 0 AND confidence_ppm <= 1000000),
      reasoning          TEXT NOT NULL,
      uncertainties_json TEXT NOT NULL,
      as_of_ms           INTEGER NOT NULL,
      price_micros       INTEGER,
      terms_hash         TEXT NOT NULL,
      call_id            INTEGER NOT NULL,
      PRIMARY KEY (ticker, model)
    );
  `,
};
