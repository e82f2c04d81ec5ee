import type { Database } from 'better-sqlite3';

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
