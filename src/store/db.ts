import BetterSqlite3, { Database } from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './migrations';

export type StoreMode = 'dry-run' | 'live';
export type StoreEnv = 'sim' | 'demo' | 'prod';

/** The origin bot's shared database name; its presence next to a live DB means state may have mixed (B17). */
export const LEGACY_DB_NAME = 'kalshi.sqlite';
/** Every database file name of the origin bot (shared, live, dry-run): none is reused silently by a live lane. */
export const LEGACY_DB_NAMES: readonly string[] = [LEGACY_DB_NAME, 'kalshi_live.sqlite', 'kalshi_dryrun.sqlite'];

export class DbModeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DbModeError';
  }
}

export interface OpenDbOptions {
  path: string;
  mode: StoreMode;
  env: StoreEnv;
  /** `--allow-live-legacy-db`: accept a legacy/shared file in live mode. */
  allowLiveLegacyDb?: boolean;
  /** Where else to look for the origin's legacy DB (default: process.cwd()). */
  cwd?: string;
}

export interface DbIdentity {
  mode: StoreMode | null;
  env: StoreEnv | null;
  /** A live lane has used this file (even one created by a dry-run, with --allow-live-legacy-db). */
  liveUsed: boolean;
  /** The file exists and has tables but none of ours: someone else's (e.g. the origin's) database. */
  foreign: boolean;
}

/** Read which mode/env a DB file belongs to without modifying it. Missing file → all null. */
export function readDbIdentity(file: string): DbIdentity {
  if (!fs.existsSync(file)) return { mode: null, env: null, liveUsed: false, foreign: false };
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type='table'").all() as { name: string }[]).map(
      (t) => t.name,
    );
    if (!tables.includes('meta')) return { mode: null, env: null, liveUsed: false, foreign: tables.length > 0 };
    const get = (k: string) => (db.prepare('SELECT value FROM meta WHERE key = ?').get(k) as { value: string } | undefined)?.value;
    const mode = (get('mode') as StoreMode) ?? null;
    return { mode, env: (get('env') as StoreEnv) ?? null, liveUsed: mode === 'live' || get('live_used_at') !== undefined, foreign: false };
  } finally {
    db.close();
  }
}

/**
 * Refuse a database that belongs to another lane. Runs before the file is opened for writing, so a refused start
 * changes nothing on disk.
 */
export function checkDbForMode(opts: OpenDbOptions): string[] {
  const warnings: string[] = [];
  const id = readDbIdentity(opts.path);
  if (id.env && id.env !== opts.env) {
    throw new DbModeError(
      `database ${opts.path} belongs to environment '${id.env}', not '${opts.env}': environments never share a file`,
    );
  }
  if (opts.mode === 'dry-run' && id.liveUsed) {
    throw new DbModeError(
      `database ${opts.path} holds live state; a dry-run may never use it (choose another --db or the default path)`,
    );
  }
  if (id.mode && id.mode !== opts.mode) {
    if (opts.mode === 'dry-run') {
      throw new DbModeError(
        `database ${opts.path} holds live state; a dry-run may never use it (choose another --db or the default path)`,
      );
    }
    if (!opts.allowLiveLegacyDb) {
      throw new DbModeError(
        `database ${opts.path} already holds ${id.mode} rows; live refuses a shared file unless --allow-live-legacy-db`,
      );
    }
    warnings.push(`live is using ${opts.path}, which holds ${id.mode} rows (--allow-live-legacy-db)`);
  }
  if (opts.mode === 'live') {
    if (id.foreign && !opts.allowLiveLegacyDb) {
      throw new DbModeError(
        `database ${opts.path} was not created by kalshi-autopilot; live refuses a legacy file unless --allow-live-legacy-db`,
      );
    }
    const places = new Set([path.dirname(path.resolve(opts.path)), path.resolve(opts.cwd ?? process.cwd())]);
    for (const legacy of [...places].flatMap((dir) => LEGACY_DB_NAMES.map((n) => path.join(dir, n)))) {
      if (!fs.existsSync(legacy)) continue;
      if (!opts.allowLiveLegacyDb) {
        throw new DbModeError(
          `the origin's legacy database ${legacy} exists; live refuses to start next to it unless --allow-live-legacy-db`,
        );
      }
      warnings.push(`legacy database ${legacy} present (--allow-live-legacy-db)`);
    }
  }
  return warnings;
}

export interface OpenedDb {
  db: Database;
  warnings: string[];
  /** The UUID in `meta.db_id`. */
  dbId: string;
}

/** The UUID of an open lane DB (`meta.db_id`). */
export function readDbId(db: Database): string {
  const r = db.prepare("SELECT value FROM meta WHERE key = 'db_id'").get() as { value: string } | undefined;
  if (!r) throw new DbModeError('database has no db_id in meta (not opened through openDatabase)');
  return r.value;
}

/**
 * Open (creating if needed) the lane's database: WAL, foreign keys on, synchronous=FULL (the order journal must
 * survive power loss), migrations applied, identity (mode, env) recorded on first use and enforced afterwards.
 */
export function openDatabase(opts: OpenDbOptions): OpenedDb {
  const warnings = checkDbForMode(opts);
  fs.mkdirSync(path.dirname(path.resolve(opts.path)), { recursive: true });
  const db = new BetterSqlite3(opts.path, { timeout: 5000 });
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = FULL');
    migrate(db);
    const put = db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      put.run('mode', opts.mode);
      put.run('env', opts.env);
      put.run('created_at', new Date().toISOString());
      // The DB's identity: a workflow pins the id it first sees, so a worker on another file (another directory, a
      // fresh default path) can never act for the lane. A backup restored from this file keeps it (same lineage).
      put.run('db_id', randomUUID());
      // Once a live lane has used a file, no dry-run may ever open it (even one it was created by).
      if (opts.mode === 'live') put.run('live_used_at', new Date().toISOString());
    })();
  } catch (err) {
    db.close();
    throw err;
  }
  return { db, warnings, dbId: readDbId(db) };
}

/** Online backup (SQLite backup API) into `<dir>/<name>-<timestamp>.sqlite`. Returns the file written. */
export async function backupDatabase(db: Database, sourcePath: string, dir?: string, now = new Date()): Promise<string> {
  const targetDir = dir ?? path.join(path.dirname(path.resolve(sourcePath)), 'backups');
  fs.mkdirSync(targetDir, { recursive: true });
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = path.basename(sourcePath).replace(/\.sqlite$/, '');
  const target = path.join(targetDir, `${base}-${stamp}.sqlite`);
  if (fs.existsSync(target)) throw new Error(`backup target ${target} already exists`);
  await db.backup(target);
  return target;
}
