import type { Database } from 'better-sqlite3';
import { MIGRATION_6_ORDER_GROUPS } from './migration-6-order-groups';
import { MIGRATION_7_LLM } from './migration-7-llm';
import { MIGRATION_8_CYCLE_CONFIG } from './migration-8-cycle-config';
import { MIGRATION_9_QUALITY } from './migration-9-quality';

/**
 * Schema migrations, applied in order and recorded in `schema_version`. Never edit a shipped migration: add one.
 * Startup applies missing migrations only; it never deletes rows (origin bug B17).
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'meta, control state, cycles',
    sql: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      -- One row: the control state the order path reads fresh (kill switch, pause, latched halts).
      CREATE TABLE control_state (
        id                   INTEGER PRIMARY KEY CHECK (id = 1),
        kill_engaged         INTEGER NOT NULL DEFAULT 0 CHECK (kill_engaged IN (0, 1)),
        kill_reason          TEXT,
        kill_source          TEXT,
        kill_at_ms           INTEGER,
        kill_cancel_resting  INTEGER NOT NULL DEFAULT 0 CHECK (kill_cancel_resting IN (0, 1)),
        paused               INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
        latched_halts_json   TEXT NOT NULL DEFAULT '[]',
        updated_at_ms        INTEGER NOT NULL,
        updated_by           TEXT NOT NULL
      );
      -- Append-only audit of every control change, whoever made it.
      CREATE TABLE control_events (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms       INTEGER NOT NULL,
        kind        TEXT NOT NULL,
        detail_json TEXT NOT NULL,
        source      TEXT NOT NULL
      );
      CREATE TABLE cycles (
        lane            TEXT NOT NULL,
        first_run_id    TEXT NOT NULL,
        cycle           INTEGER NOT NULL CHECK (cycle >= 1),
        run_id          TEXT NOT NULL,
        started_at_ms   INTEGER NOT NULL,
        finished_at_ms  INTEGER,
        outcome         TEXT NOT NULL,
        summary_json    TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (lane, first_run_id, cycle)
      );
    `,
  },
  {
    version: 2,
    name: 'scans, books, estimates, decisions, paper trading',
    sql: `
      -- One scan per (first run, cycle); a retried scan replaces its rows. Markets are MarketSnapshot JSON (integers).
      CREATE TABLE scans (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        first_run_id  TEXT NOT NULL,
        cycle         INTEGER NOT NULL CHECK (cycle >= 1),
        at_ms         INTEGER NOT NULL,
        market_count  INTEGER NOT NULL CHECK (market_count >= 0),
        UNIQUE (first_run_id, cycle)
      );
      CREATE TABLE scan_markets (
        scan_id        INTEGER NOT NULL REFERENCES scans(id) ON DELETE CASCADE,
        ticker         TEXT NOT NULL,
        event_ticker   TEXT NOT NULL,
        snapshot_json  TEXT NOT NULL,
        PRIMARY KEY (scan_id, ticker)
      );
      -- Order books as fetched (levels in each side's own terms, integer micros / centis): what paper fills walked.
      CREATE TABLE order_books (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        ticker         TEXT NOT NULL,
        fetched_at_ms  INTEGER NOT NULL,
        yes_bids_json  TEXT NOT NULL,
        no_bids_json   TEXT NOT NULL
      );
      CREATE TABLE estimates (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        first_run_id     TEXT NOT NULL,
        cycle            INTEGER NOT NULL CHECK (cycle >= 1),
        ticker           TEXT NOT NULL,
        model            TEXT NOT NULL,
        probability_ppm  INTEGER NOT NULL CHECK (probability_ppm > 0 AND probability_ppm < 1000000),
        confidence_ppm   INTEGER NOT NULL CHECK (confidence_ppm >= 0 AND confidence_ppm <= 1000000),
        as_of_ms         INTEGER NOT NULL,
        reasoning        TEXT NOT NULL,
        UNIQUE (first_run_id, cycle, ticker, model)
      );
      CREATE TABLE decisions (
        id              INTEGER PRIMARY KEY AUTOINCREMENT,
        first_run_id    TEXT NOT NULL,
        cycle           INTEGER NOT NULL CHECK (cycle >= 1),
        seq             INTEGER NOT NULL CHECK (seq >= 0),
        at_ms           INTEGER NOT NULL,
        ticker          TEXT NOT NULL,
        side            TEXT CHECK (side IN ('yes', 'no')),
        fair_value_ppm  INTEGER,
        price_micros    INTEGER,
        edge_micros     INTEGER,
        confidence_ppm  INTEGER,
        count_centis    INTEGER NOT NULL CHECK (count_centis >= 0),
        decision        TEXT NOT NULL CHECK (decision IN ('order', 'skip')),
        reason          TEXT,
        detail          TEXT,
        UNIQUE (first_run_id, cycle, seq)
      );
      CREATE INDEX decisions_by_cycle ON decisions (cycle);
      -- Paper trading (dry-run lanes): orders never leave the process.
      CREATE TABLE paper_orders (
        id                   INTEGER PRIMARY KEY AUTOINCREMENT,
        client_order_id      TEXT NOT NULL UNIQUE,
        cycle                INTEGER NOT NULL,
        ticker               TEXT NOT NULL,
        event_ticker         TEXT NOT NULL,
        side                 TEXT NOT NULL CHECK (side IN ('yes', 'no')),
        action               TEXT NOT NULL CHECK (action IN ('buy', 'sell')),
        limit_price_micros   INTEGER NOT NULL CHECK (limit_price_micros > 0 AND limit_price_micros < 1000000),
        count_centis         INTEGER NOT NULL CHECK (count_centis > 0),
        filled_centis        INTEGER NOT NULL DEFAULT 0 CHECK (filled_centis >= 0 AND filled_centis <= count_centis),
        status               TEXT NOT NULL CHECK (status IN ('resting', 'filled', 'canceled', 'expired')),
        fee_type             TEXT NOT NULL,
        fee_multiplier_ppm   INTEGER NOT NULL,
        placed_at_ms         INTEGER NOT NULL,
        expires_at_ms        INTEGER NOT NULL,
        book_id              INTEGER REFERENCES order_books(id),
        closed_at_ms         INTEGER,
        close_reason         TEXT
      );
      CREATE INDEX paper_orders_resting ON paper_orders (status, ticker);
      CREATE TABLE paper_fills (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        order_id      INTEGER NOT NULL REFERENCES paper_orders(id),
        count_centis  INTEGER NOT NULL CHECK (count_centis > 0),
        price_micros  INTEGER NOT NULL CHECK (price_micros > 0 AND price_micros < 1000000),
        fee_micros    INTEGER NOT NULL CHECK (fee_micros >= 0),
        at_ms         INTEGER NOT NULL,
        source        TEXT NOT NULL CHECK (source IN ('book', 'trade')),
        book_id       INTEGER REFERENCES order_books(id),
        trade_id      TEXT,
        CHECK ((source = 'book' AND book_id IS NOT NULL AND trade_id IS NULL) OR (source = 'trade' AND trade_id IS NOT NULL))
      );
      -- How much of each printed trade resting paper orders have already used (a trade fills once, across all orders).
      CREATE TABLE paper_trade_use (
        trade_id        TEXT PRIMARY KEY,
        ticker          TEXT NOT NULL,
        used_centis     INTEGER NOT NULL CHECK (used_centis > 0)
      );
      CREATE TABLE paper_positions (
        ticker               TEXT NOT NULL,
        side                 TEXT NOT NULL CHECK (side IN ('yes', 'no')),
        event_ticker         TEXT NOT NULL,
        count_centis         INTEGER NOT NULL CHECK (count_centis >= 0),
        cost_micros          INTEGER NOT NULL CHECK (cost_micros >= 0),
        realized_pnl_micros  INTEGER NOT NULL DEFAULT 0,
        settled_result       TEXT CHECK (settled_result IN ('yes', 'no')),
        settled_at_ms        INTEGER,
        PRIMARY KEY (ticker, side)
      );
      -- Signed micro-dollar cash movements: cash = trading.bankroll + SUM(amount_micros).
      CREATE TABLE paper_ledger (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms          INTEGER NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('buy_cost', 'sell_proceeds', 'fee', 'rounding', 'settlement')),
        amount_micros  INTEGER NOT NULL,
        ticker         TEXT,
        order_id       INTEGER,
        fill_id        INTEGER,
        note           TEXT
      );
    `,
  },
  {
    version: 3,
    name: 'risk state (daily-loss baseline, drawdown peak, failure cooldown)',
    sql: `
      -- The lane's risk-guard states, one JSON document per key. Kept in the DB (not only in the workflow) so a new
      -- workflow (restart) carries the daily-loss baseline, the drawdown peak and a cooldown over.
      CREATE TABLE risk_state (
        key            TEXT PRIMARY KEY,
        json           TEXT NOT NULL,
        updated_at_ms  INTEGER NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'order journal (live orders: pending before the send, outcomes, append-only events)',
    sql: `
      -- One row per client_order_id, committed (synchronous=FULL) BEFORE the create is sent. request_body holds the
      -- exact bytes sent; a resend sends them again. State machine and outcome table: docs/journal.md.
      CREATE TABLE order_journal (
        client_order_id      TEXT PRIMARY KEY,
        first_run_id         TEXT NOT NULL,
        cycle                INTEGER NOT NULL CHECK (cycle >= 1),
        idx                  INTEGER NOT NULL CHECK (idx >= 0),
        ticker               TEXT NOT NULL,
        event_ticker         TEXT NOT NULL,
        side                 TEXT NOT NULL CHECK (side IN ('yes', 'no')),
        action               TEXT NOT NULL CHECK (action IN ('buy', 'sell')),
        price_micros         INTEGER NOT NULL CHECK (price_micros > 0 AND price_micros < 1000000),
        count_centis         INTEGER NOT NULL CHECK (count_centis > 0),
        request_body         TEXT NOT NULL,
        status               TEXT NOT NULL CHECK (status IN ('pending_submit', 'resting', 'executed', 'canceled', 'rejected', 'unknown', 'skipped')),
        skip_code            TEXT,
        exchange_order_id    TEXT,
        created_at_ms        INTEGER NOT NULL,
        sent_at_ms           INTEGER,
        first_sent_at_ms     INTEGER,
        send_count           INTEGER NOT NULL DEFAULT 0 CHECK (send_count >= 0),
        attempt_ended_at_ms  INTEGER,
        updated_at_ms        INTEGER NOT NULL,
        detail               TEXT,
        CHECK ((status = 'skipped') = (skip_code IS NOT NULL)),
        CHECK (status <> 'skipped' OR sent_at_ms IS NULL)
      );
      CREATE INDEX order_journal_by_status ON order_journal (status);
      CREATE INDEX order_journal_by_cycle ON order_journal (first_run_id, cycle, idx);
      -- What an order is never changes, an executed order stays executed, and no row is ever deleted.
      CREATE TRIGGER order_journal_identity_fixed BEFORE UPDATE ON order_journal
        WHEN NEW.client_order_id IS NOT OLD.client_order_id OR NEW.first_run_id IS NOT OLD.first_run_id OR NEW.cycle IS NOT OLD.cycle
          OR NEW.idx IS NOT OLD.idx OR NEW.ticker IS NOT OLD.ticker OR NEW.event_ticker IS NOT OLD.event_ticker OR NEW.side IS NOT OLD.side
          OR NEW.action IS NOT OLD.action OR NEW.price_micros IS NOT OLD.price_micros OR NEW.count_centis IS NOT OLD.count_centis
          OR NEW.request_body IS NOT OLD.request_body OR NEW.created_at_ms IS NOT OLD.created_at_ms
      BEGIN SELECT RAISE(ABORT, 'order_journal: an order''s parameters and request body never change'); END;
      CREATE TRIGGER order_journal_executed_final BEFORE UPDATE OF status ON order_journal
        WHEN OLD.status = 'executed' AND NEW.status <> 'executed'
      BEGIN SELECT RAISE(ABORT, 'order_journal: an executed order stays executed'); END;
      CREATE TRIGGER order_journal_no_delete BEFORE DELETE ON order_journal
      BEGIN SELECT RAISE(ABORT, 'order_journal: rows are never deleted'); END;
      -- Append-only audit of every journal step (insert, send, outcome, reconciliation, refused conflicting insert).
      CREATE TABLE journal_events (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        client_order_id  TEXT NOT NULL,
        at_ms            INTEGER NOT NULL,
        kind             TEXT NOT NULL CHECK (kind IN ('pending', 'sent', 'outcome', 'reconciled', 'conflict')),
        from_status      TEXT,
        to_status        TEXT,
        detail           TEXT
      );
      CREATE INDEX journal_events_by_order ON journal_events (client_order_id, id);
      CREATE TRIGGER journal_events_no_update BEFORE UPDATE ON journal_events
      BEGIN SELECT RAISE(ABORT, 'journal_events is append-only'); END;
      CREATE TRIGGER journal_events_no_delete BEFORE DELETE ON journal_events
      BEGIN SELECT RAISE(ABORT, 'journal_events is append-only'); END;
    `,
  },
  {
    version: 5,
    name: 'live ledger (fills by fill_id, positions, cash), reconciliation runs, foreign exposure',
    sql: `
      -- The lane's own record of what the exchange did (docs/reconciliation.md). Fills are booked from
      -- /portfolio/fills only, once per fill_id (partial fills included); fee_micros is the reported fee_cost.
      CREATE TABLE live_fills (
        fill_id           TEXT PRIMARY KEY,
        order_id          TEXT NOT NULL,
        client_order_id   TEXT,
        ticker            TEXT NOT NULL,
        book_side         TEXT NOT NULL CHECK (book_side IN ('bid', 'ask')),
        yes_price_micros  INTEGER NOT NULL CHECK (yes_price_micros >= 0 AND yes_price_micros <= 1000000),
        count_centis      INTEGER NOT NULL CHECK (count_centis > 0),
        fee_micros        INTEGER NOT NULL CHECK (fee_micros >= 0),
        cash_micros       INTEGER NOT NULL,
        realized_micros   INTEGER NOT NULL,
        is_taker          INTEGER NOT NULL CHECK (is_taker IN (0, 1)),
        created_time      TEXT,
        booked_at_ms      INTEGER NOT NULL,
        reconcile_run_id  INTEGER NOT NULL
      );
      CREATE INDEX live_fills_by_order ON live_fills (order_id);
      CREATE TRIGGER live_fills_no_update BEFORE UPDATE ON live_fills
      BEGIN SELECT RAISE(ABORT, 'live_fills: a booked fill never changes'); END;
      CREATE TRIGGER live_fills_no_delete BEFORE DELETE ON live_fills
      BEGIN SELECT RAISE(ABORT, 'live_fills: a booked fill is never deleted'); END;
      -- Signed like market_positions: + YES contracts, - NO contracts. cost_micros = what the open contracts cost.
      CREATE TABLE live_positions (
        ticker               TEXT PRIMARY KEY,
        position_centis      INTEGER NOT NULL,
        cost_micros          INTEGER NOT NULL CHECK (cost_micros >= 0),
        realized_pnl_micros  INTEGER NOT NULL,
        fees_micros          INTEGER NOT NULL CHECK (fees_micros >= 0),
        settled              INTEGER NOT NULL DEFAULT 0 CHECK (settled IN (0, 1)),
        updated_at_ms        INTEGER NOT NULL,
        CHECK (settled = 0 OR position_centis = 0)
      );
      -- One settlement per market, applied once.
      CREATE TABLE live_settlements (
        ticker               TEXT PRIMARY KEY,
        market_result        TEXT NOT NULL,
        position_centis      INTEGER NOT NULL,
        revenue_micros       INTEGER NOT NULL,
        realized_pnl_micros  INTEGER NOT NULL,
        settled_time         TEXT,
        booked_at_ms         INTEGER NOT NULL,
        reconcile_run_id     INTEGER NOT NULL
      );
      -- The lane's cash: 'start' (the exchange balance when the lane first reconciled; not a movement), then one
      -- row per booked fill and settlement. Integers (micros).
      CREATE TABLE live_cash_ledger (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        at_ms          INTEGER NOT NULL,
        kind           TEXT NOT NULL CHECK (kind IN ('start', 'fill', 'settlement')),
        ref            TEXT NOT NULL,
        amount_micros  INTEGER NOT NULL,
        UNIQUE (kind, ref)
      );
      CREATE TRIGGER live_cash_ledger_no_update BEFORE UPDATE ON live_cash_ledger
      BEGIN SELECT RAISE(ABORT, 'live_cash_ledger is append-only'); END;
      CREATE TRIGGER live_cash_ledger_no_delete BEFORE DELETE ON live_cash_ledger
      BEGIN SELECT RAISE(ABORT, 'live_cash_ledger is append-only'); END;
      -- Every reconciliation, complete or not. consecutive_mismatches counts complete mismatching runs in a row;
      -- latched = the mismatch persisted 3 runs (cleared only by an operator: cleared_at_ms on the latching run).
      CREATE TABLE reconciliation_runs (
        id                      INTEGER PRIMARY KEY AUTOINCREMENT,
        first_run_id            TEXT NOT NULL,
        cycle                   INTEGER NOT NULL,
        at_ms                   INTEGER NOT NULL,
        complete                INTEGER NOT NULL CHECK (complete IN (0, 1)),
        mismatch                INTEGER NOT NULL CHECK (mismatch IN (0, 1)),
        consecutive_mismatches  INTEGER NOT NULL DEFAULT 0,
        latched                 INTEGER NOT NULL DEFAULT 0 CHECK (latched IN (0, 1)),
        cleared_at_ms           INTEGER,
        cleared_by              TEXT,
        summary                 TEXT NOT NULL,
        detail                  TEXT
      );
      -- Exchange orders/positions that are not the lane's, as of the latest complete reconciliation (replaced as a
      -- whole by each complete run). Exposure that blocks its market and event; never cancelled by the lane.
      CREATE TABLE foreign_exposure (
        kind              TEXT NOT NULL CHECK (kind IN ('order', 'position')),
        ref               TEXT NOT NULL,
        ticker            TEXT NOT NULL,
        event_ticker      TEXT NOT NULL,
        detail            TEXT NOT NULL,
        seen_at_ms        INTEGER NOT NULL,
        reconcile_run_id  INTEGER NOT NULL,
        PRIMARY KEY (kind, ref)
      );
    `,
  },
  MIGRATION_6_ORDER_GROUPS,
  MIGRATION_7_LLM,
  MIGRATION_8_CYCLE_CONFIG,
  MIGRATION_9_QUALITY,
];

export function currentSchemaVersion(db: Database): number {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_version').get() as { v: number | null };
  return row.v ?? 0;
}

/** Apply every migration newer than the recorded version, each in its own transaction. Returns versions applied. */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const have = currentSchemaVersion(db);
  const newest = migrations.reduce((m, x) => Math.max(m, x.version), 0);
  if (have > newest) {
    throw new Error(`database schema version ${have} is newer than this build knows (${newest}); upgrade kalshi-autopilot`);
  }
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (m.version <= have) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version, m.name, new Date().toISOString(),
      );
    })();
    applied.push(m.version);
  }
  return applied;
}
