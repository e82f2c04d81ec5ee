/**
 * Storage (better-sqlite3, WAL, one file per environment × mode).
 *
 *   openStore({ path, mode, env, allowLiveLegacyDb?, lock? }) → Store
 *     - refuses a file of another environment or mode (DbModeError) before writing anything;
 *     - with lock: true (the worker) takes the exclusive worker lock (DbLockError if held elsewhere);
 *   Store.control  — ControlStore (kill switch / pause / latched halts, with an audit trail)
 *   Store.cycles   — CycleStore (one row per trading cycle)
 *   backupDatabase(db, path) — SQLite online backup into a timestamped file.
 */
import type { Database } from 'better-sqlite3';
import { checkDbForMode, openDatabase, OpenDbOptions } from './db';
import { acquireDbLock, DbLock } from './lock';
import { ControlStore } from './control-store';
import { CycleStore } from './cycle-store';

export * from './db';
export * from './lock';
export { ControlStore } from './control-store';
export { CycleStore } from './cycle-store';
export type { CycleRecord, CycleKey } from './cycle-store';

export interface Store {
  readonly path: string;
  readonly db: Database;
  readonly control: ControlStore;
  readonly cycles: CycleStore;
  readonly warnings: string[];
  close(): void;
}

export function openStore(opts: OpenDbOptions & { lock?: boolean }): Store {
  let lock: DbLock | null = null;
  if (opts.lock) {
    checkDbForMode(opts); // refuse a wrong-lane file before creating even the lock file
    lock = acquireDbLock(opts.path);
  }
  try {
    const { db, warnings } = openDatabase(opts);
    return {
      path: opts.path,
      db,
      control: new ControlStore(db),
      cycles: new CycleStore(db),
      warnings,
      close() {
        try {
          db.close();
        } finally {
          lock?.release();
        }
      },
    };
  } catch (err) {
    lock?.release();
    throw err;
  }
}
