/**
 * Seed phase 5: dry-run and live state never mix; startup never deletes rows (origin bug B17).
 */
import BetterSqlite3 from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { defaultDbPath } from '../src/config';
import { DbModeError, LEGACY_DB_NAME, openStore, readDbIdentity } from '../src/store';
import { MIGRATIONS } from '../src/store/migrations';
import { tempDir } from './helpers/lane';

const envs = ['sim', 'demo', 'prod'] as const;
const modes = ['dry-run', 'live'] as const;

function seedCycles(dbPath: string, mode: 'dry-run' | 'live', env: 'sim' | 'demo' | 'prod', n: number) {
  const s = openStore({ path: dbPath, mode, env });
  for (let i = 1; i <= n; i++) {
    s.cycles.begin({ lane: 'l', firstRunId: 'r', cycle: i }, 'r', i);
    s.cycles.finish({ lane: 'l', firstRunId: 'r', cycle: i }, 'r', i, i + 1, 'completed', {});
  }
  s.close();
}

describe('DB mode separation', () => {
  it('dry-run and live (and every environment) use different DB files by default', () => {
    const paths = envs.flatMap((e) => modes.map((m) => defaultDbPath(e, m)));
    expect(new Set(paths).size).toBe(6);
    expect(defaultDbPath('prod', 'dry-run')).not.toBe(defaultDbPath('prod', 'live'));
  });

  it('records the lane identity and sets WAL, foreign keys and synchronous=FULL', () => {
    const dbPath = path.join(tempDir(), 'x.sqlite');
    const s = openStore({ path: dbPath, mode: 'live', env: 'demo', cwd: tempDir() });
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(s.db.pragma('synchronous', { simple: true })).toBe(2);
    expect(s.db.prepare('SELECT MAX(version) AS v FROM schema_version').get()).toEqual({ v: Math.max(...MIGRATIONS.map((m) => m.version)) });
    s.close();
    expect(readDbIdentity(dbPath)).toEqual({ mode: 'live', env: 'demo', liveUsed: true, foreign: false });
  });

  it('live refuses a file that holds dry-run rows unless --allow-live-legacy-db, and changes nothing when refusing', () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'shared.sqlite');
    seedCycles(dbPath, 'dry-run', 'prod', 2);
    const before = fs.readFileSync(dbPath);
    expect(() => openStore({ path: dbPath, mode: 'live', env: 'prod', cwd: dir })).toThrow(
      /holds dry-run rows; live refuses a shared file unless --allow-live-legacy-db/,
    );
    expect(() => openStore({ path: dbPath, mode: 'live', env: 'prod', cwd: dir, lock: true })).toThrow(DbModeError);
    expect(fs.readFileSync(dbPath).equals(before)).toBe(true);
    expect(fs.existsSync(`${dbPath}.lock`)).toBe(false);

    const s = openStore({ path: dbPath, mode: 'live', env: 'prod', cwd: dir, allowLiveLegacyDb: true });
    expect(s.warnings.join()).toMatch(/holds dry-run rows/);
    expect(s.cycles.count('l')).toBe(2); // nothing deleted
    s.close();
    // From now on the file holds live state: a dry-run may never open it again.
    expect(readDbIdentity(dbPath).liveUsed).toBe(true);
    expect(() => openStore({ path: dbPath, mode: 'dry-run', env: 'prod' })).toThrow(/holds live state; a dry-run may never use it/);
  });

  it('dry-run never uses a live file, flag or not', () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'live.sqlite');
    seedCycles(dbPath, 'live', 'prod', 1);
    expect(() => openStore({ path: dbPath, mode: 'dry-run', env: 'prod', allowLiveLegacyDb: true })).toThrow(
      /holds live state; a dry-run may never use it/,
    );
  });

  it('environments never share a file', () => {
    const dbPath = path.join(tempDir(), 'sim.sqlite');
    seedCycles(dbPath, 'dry-run', 'sim', 1);
    expect(() => openStore({ path: dbPath, mode: 'dry-run', env: 'prod' })).toThrow(
      /belongs to environment 'sim', not 'prod'/,
    );
  });

  it("live refuses to start next to the origin's kalshi.sqlite, or on a foreign DB, unless --allow-live-legacy-db", () => {
    const dir = tempDir();
    new BetterSqlite3(path.join(dir, LEGACY_DB_NAME)).exec('CREATE TABLE positions (id INTEGER)');
    const dbPath = path.join(dir, 'kalshi-autopilot-prod-live.sqlite');
    expect(() => openStore({ path: dbPath, mode: 'live', env: 'prod', cwd: tempDir() })).toThrow(/legacy database .*kalshi\.sqlite exists/);
    expect(fs.existsSync(dbPath)).toBe(false);
    openStore({ path: dbPath, mode: 'live', env: 'prod', cwd: tempDir(), allowLiveLegacyDb: true }).close();

    // The legacy file itself as the live DB.
    const legacy = path.join(dir, LEGACY_DB_NAME);
    expect(() => openStore({ path: legacy, mode: 'live', env: 'prod', cwd: tempDir() })).toThrow(/not created by kalshi-autopilot/);
    // The legacy file in the working directory counts too.
    const cwdLegacy = tempDir();
    fs.copyFileSync(legacy, path.join(cwdLegacy, LEGACY_DB_NAME));
    expect(() => openStore({ path: path.join(tempDir(), 'live.sqlite'), mode: 'live', env: 'prod', cwd: cwdLegacy })).toThrow(
      /legacy database/,
    );
    // So do the origin's other file names.
    const other = tempDir();
    fs.copyFileSync(legacy, path.join(other, 'kalshi_live.sqlite'));
    expect(() => openStore({ path: path.join(other, 'x.sqlite'), mode: 'live', env: 'prod', cwd: tempDir() })).toThrow(/kalshi_live\.sqlite exists/);
  });

  it('a restart never deletes rows', () => {
    const dbPath = path.join(tempDir(), 'x.sqlite');
    seedCycles(dbPath, 'dry-run', 'sim', 3);
    for (let i = 0; i < 3; i++) openStore({ path: dbPath, mode: 'dry-run', env: 'sim' }).close();
    const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
    expect(s.cycles.count('l')).toBe(3);
    s.close();
  });
});
