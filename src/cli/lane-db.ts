/**
 * The lane DB as the operator commands use it: they act on the lane's EXISTING database only. A command that would
 * otherwise create a fresh file (run from the wrong directory, a broken config, a mistyped --db) writes a kill flag or
 * a backup nobody reads, and reports success; so a missing file is an error that names the path.
 */
import fs from 'node:fs';
import { displayPath } from '../observability/redact';
import { openStore, readDbIdentity, Store } from '../store';
import type { LaneTarget } from './lane';

/** Why `lane.dbPath` is not an existing lane DB (null when it is one). Never creates or modifies anything. */
export function missingLaneDb(lane: Pick<LaneTarget, 'dbPath' | 'dbFrom'>): string | null {
  const shown = displayPath(lane.dbPath);
  if (!fs.existsSync(lane.dbPath)) return `no lane DB at ${shown} (path from ${lane.dbFrom}; nothing created)`;
  if (!fs.statSync(lane.dbPath).isFile()) return `${shown} is not a file`;
  const id = readDbIdentity(lane.dbPath);
  if (id.mode === null) return `${shown} is not a kalshi-autopilot lane DB${id.foreign ? ' (it holds tables of another program)' : ''}`;
  return null;
}

/** Open the lane's existing DB (identity checked by openStore); throws, naming the path, when there is none. */
export function openExistingLaneStore(lane: Pick<LaneTarget, 'dbPath' | 'dbFrom' | 'mode' | 'env' | 'allowLiveLegacyDb'>): Store {
  const why = missingLaneDb(lane);
  if (why) throw new Error(why);
  return openStore({ path: lane.dbPath, mode: lane.mode, env: lane.env, allowLiveLegacyDb: lane.allowLiveLegacyDb });
}
