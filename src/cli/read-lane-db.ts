/**
 * Read-only access to a lane's existing DB for the operator's reporting commands (`decisions`, the ledger part of
 * `status`): never creates a file, never migrates, never writes, and refuses a DB of another lane.
 */
import BetterSqlite3, { Database } from 'better-sqlite3';
import { displayPath } from '../observability/redact';
import { DbModeError, readDbIdentity } from '../store';
import type { LaneTarget } from './lane';
import { missingLaneDb } from './lane-db';

/** Open `lane.dbPath` read-only, run `fn`, close. No DB: Error naming the path (exit 1); another lane's: DbModeError (exit 3). */
export function withReadOnlyLaneDb<T>(lane: Pick<LaneTarget, 'dbPath' | 'dbFrom' | 'mode' | 'env'>, fn: (db: Database) => T): T {
  const why = missingLaneDb(lane);
  if (why) throw new Error(why);
  const id = readDbIdentity(lane.dbPath);
  if (id.env !== lane.env || id.mode !== lane.mode) {
    throw new DbModeError(`${displayPath(lane.dbPath)} belongs to ${id.env ?? '?'}/${id.mode ?? '?'}, not ${lane.env}/${lane.mode}`);
  }
  const db = new BetterSqlite3(lane.dbPath, { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** Does the DB hold these tables (a DB written before their migration does not)? */
export function hasTables(db: Database, ...names: string[]): boolean {
  const have = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name));
  return names.every((n) => have.has(n));
}
