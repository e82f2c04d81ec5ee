import BetterSqlite3, { Database } from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';

/**
 * Exactly one worker per DB file.
 *
 * The workflow id alone does not stop a stray second worker (a second process polling the same task queue would run
 * activities against the same journal). The worker therefore holds an exclusive OS lock for its whole life: a tiny
 * SQLite file `<db>.lock` opened with `locking_mode=EXCLUSIVE` inside a never-committed exclusive transaction. SQLite
 * takes a POSIX advisory lock on it; the OS drops that lock when the process dies, so a crash never leaves a stale lock
 * (unlike a pid file). The main DB stays readable/writable by the CLI (kill switch, status, backup).
 */
export class DbLockError extends Error {
  constructor(readonly dbPath: string, readonly holder: string | null) {
    super(
      `another process holds the worker lock on ${dbPath}${holder ? ` (${holder})` : ''}: ` +
        'only one worker may use a database file. Stop the other worker first.',
    );
    this.name = 'DbLockError';
  }
}

export interface DbLock {
  readonly path: string;
  release(): void;
}

/**
 * The lock file of a DB, keyed on the DB's real location (symlinks and relative paths resolved), so two paths to
 * the same file can never hold two locks.
 */
export function lockPathFor(dbPath: string): string {
  const abs = nodePath.resolve(dbPath);
  const dir = nodePath.dirname(abs);
  fs.mkdirSync(dir, { recursive: true });
  let real = nodePath.join(fs.realpathSync(dir), nodePath.basename(abs));
  try {
    real = fs.realpathSync(abs);
  } catch {
    /* the DB file does not exist yet: its directory's real path is enough */
  }
  return `${real}.lock`;
}

function infoPath(dbPath: string): string {
  return `${lockPathFor(dbPath)}.info`;
}

export function acquireDbLock(dbPath: string): DbLock {
  const path = lockPathFor(dbPath);
  let db: Database | null = null;
  try {
    db = new BetterSqlite3(path, { timeout: 0 });
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    // Writing inside the open transaction forces the exclusive lock to be taken now.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
  } catch (err) {
    try {
      db?.close();
    } catch {
      /* ignore */
    }
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
      let holder: string | null = null;
      try {
        holder = fs.readFileSync(infoPath(dbPath), 'utf8').trim() || null;
      } catch {
        /* no info */
      }
      throw new DbLockError(dbPath, holder);
    }
    throw err;
  }
  try {
    fs.writeFileSync(infoPath(dbPath), `pid ${process.pid} on ${os.hostname()}\n`);
  } catch {
    /* informational only */
  }
  let released = false;
  return {
    path,
    release() {
      if (released) return;
      released = true;
      try {
        db!.exec('ROLLBACK');
      } catch {
        /* ignore */
      }
      db!.close();
      try {
        fs.unlinkSync(infoPath(dbPath));
      } catch {
        /* ignore */
      }
    },
  };
}
