/**
 * Issue 17 on real SQLite files: the DB's UUID in meta (item 1), ControlStore.read() taking the row and its version
 * from one snapshot (item 6), and a restored backup's control row recognised as an outside write by its content even
 * though its event ids restart below the workflow's version (item 7).
 */
import BetterSqlite3, { Database } from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { backupDatabase, ControlStore, openStore } from '../../src/store';
import * as controlStoreModule from '../../src/store/control-store';
import { applyKillSwitch, initialControlState, mergeRestrictive, setPaused } from '../../src/domain/control';
import { tempDir } from '../helpers/lane';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const openLane = (file: string) => openStore({ path: file, mode: 'dry-run', env: 'sim' });

/** meta.db_id read with plain SQL (independent of the store's own reader). */
function metaDbId(file: string): string | undefined {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare("SELECT value FROM meta WHERE key = 'db_id'").get() as { value: string } | undefined)?.value;
  } finally {
    db.close();
  }
}

describe('item 1: every lane DB has a UUID of its own in meta.db_id', () => {
  it('a fresh DB gets one; reopening never changes it; another fresh DB gets another', () => {
    const file = path.join(tempDir(), 'lane.sqlite');
    const s = openLane(file);
    const id = metaDbId(file);
    expect(id).toMatch(UUID);
    expect(s.dbId).toBe(id);
    s.close();
    for (let i = 0; i < 3; i += 1) {
      const again = openLane(file);
      expect(again.dbId).toBe(id);
      again.close();
      expect(metaDbId(file)).toBe(id);
    }
    const other = path.join(tempDir(), 'lane.sqlite');
    openLane(other).close();
    expect(metaDbId(other)).toMatch(UUID);
    expect(metaDbId(other)).not.toBe(id);
  });

  it('a backup (backupDatabase) keeps the id: a restored file is the same lane DB', async () => {
    const file = path.join(tempDir(), 'lane.sqlite');
    const s = openLane(file);
    const id = s.dbId;
    expect(id).toMatch(UUID);
    const backup = await backupDatabase(s.db, file, path.join(tempDir(), 'backups'), new Date('2026-12-01T10:00:00Z'));
    s.close();
    expect(metaDbId(backup)).toBe(id);
    const restored = openLane(backup);
    expect(restored.dbId).toBe(id);
    restored.close();
  });
});

/**
 * Wrap a Database so that right after the FIRST `SELECT * FROM control_state` returns its row, `between()` runs (a
 * write from another connection). Everything else passes through to the real connection.
 */
function interleaved(db: Database, between: () => void): Database {
  let fired = false;
  const wrapStatement = (st: object, sql: string) =>
    new Proxy(st, {
      get(target, prop) {
        const v = Reflect.get(target, prop, target);
        if (typeof v !== 'function') return v;
        if (prop === 'get' && /FROM\s+control_state/i.test(sql)) {
          return (...args: unknown[]) => {
            const r = (v as (...a: unknown[]) => unknown).apply(target, args);
            if (!fired) {
              fired = true;
              between();
            }
            return r;
          };
        }
        return (v as (...a: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === 'prepare') return (sql: string) => wrapStatement((v as (s: string) => object).call(target, sql), sql);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as Database;
}

describe('item 6: ControlStore.read() returns a row and the version of that row (one snapshot)', () => {
  it('a write landing between the row and the version is not paired with the old row', () => {
    const file = path.join(tempDir(), 'lane.sqlite');
    const s = openLane(file);
    const v1 = s.control.write(initialControlState(), 1, 'workflow');
    expect(v1).toBe(1);
    // The CLI on another connection engages the switch right after our SELECT of the row.
    const cliConn = new BetterSqlite3(file, { timeout: 5000 });
    const cli = new ControlStore(cliConn);
    let cliVersion = 0;
    const store = new ControlStore(
      interleaved(s.db, () => {
        cliVersion = cli.write(applyKillSwitch(initialControlState(), { engaged: true, reason: 'cli' }, 'cli', 2), 2, 'cli', 'kill_switch');
      }),
    );
    const r = store.read();
    expect(cliVersion).toBe(2); // the interleaved write did land
    expect(r?.killSwitch.engaged).toBe(false);
    expect(r?.updatedBy).toBe('workflow');
    // The version of the row returned, not of the CLI's newer write (which would make the workflow take the CLI's kill
    // for an echo of its own write and skip it).
    expect(r?.version).toBe(1);
    // The next read sees the CLI's write with its own version.
    expect(s.control.read()).toMatchObject({ killSwitch: { engaged: true, reason: 'cli', source: 'cli' }, updatedBy: 'cli', version: 2 });
    cliConn.close();
    s.close();
  });
});

describe('item 7: a restored backup is an outside write by its content, whatever its version', () => {
  it('mergeWrite keeps a kill switch written to a restored DB whose event ids are below the workflow\'s version', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'lane.sqlite');
    const s = openLane(file);
    // The workflow writes a few times; a backup is taken after the second write.
    // `ours` is what the workflow last persisted (and passes as `expected`), `version` its version.
    let ours = initialControlState();
    let version = 0;
    const workflowWrite = (paused: boolean, atMs: number) => {
      const w = s.control.mergeWrite(setPaused(ours, paused), version, atMs, 'workflow', 'signal', mergeRestrictive, ours);
      expect(w.control.paused).toBe(paused); // its own writes are never taken for outside ones
      ours = w.control;
      version = w.version;
    };
    workflowWrite(true, 10);
    workflowWrite(false, 11);
    const backup = await backupDatabase(s.db, file, path.join(dir, 'backups'), new Date('2026-12-01T10:00:00Z'));
    for (const [i, paused] of [true, false, true, false].entries()) workflowWrite(paused, 20 + i);
    expect(version).toBe(6);
    s.close();
    // Restore the backup and engage the switch the way the CLI does (a DB-only write): its id restarts at 3.
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
    fs.copyFileSync(backup, file);
    const r = openLane(file);
    const cliVersion = r.control.write(applyKillSwitch(r.control.readOrInitial(), { engaged: true, reason: 'after restore' }, 'cli', 30), 30, 'cli', 'kill_switch');
    expect(cliVersion).toBe(3);
    expect(cliVersion).toBeLessThan(version);
    const row = r.control.read();
    expect(row).not.toBeNull();
    // Not newer by version, but not what the workflow last persisted either.
    expect(controlStoreModule.isOutsideWrite(row!, version, ours)).toBe(true);
    expect(controlStoreModule.isOutsideWrite(row!, version, null)).toBe(false);
    // The workflow's next write merges the kill switch in instead of overwriting it.
    const w = r.control.mergeWrite(setPaused(ours, true), version, 40, 'workflow', 'signal', mergeRestrictive, ours);
    expect(w.control.killSwitch).toMatchObject({ engaged: true, reason: 'after restore', source: 'cli' });
    expect(r.control.read()).toMatchObject({ paused: true, updatedBy: 'workflow', killSwitch: { engaged: true, reason: 'after restore' } });
    // An echo of its own write (same content, same version) is not an outside write.
    const echo = r.control.read()!;
    expect(controlStoreModule.isOutsideWrite(echo, w.version, w.control)).toBe(false);
    r.close();
  });
});
