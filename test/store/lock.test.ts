import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { acquireDbLock, DbLockError, openStore } from '../../src/store';
import { tempDir } from '../helpers/lane';

/** A child process that holds the worker lock until killed. */
function holdLockInChild(dbPath: string): Promise<{ kill(): Promise<void> }> {
  const script = `
    const { acquireDbLock } = require(${JSON.stringify(path.resolve(__dirname, '../../dist/store/lock.js'))});
    acquireDbLock(process.argv[1]);
    process.stdout.write('locked\\n');
    setInterval(() => {}, 1000);
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    child.on('error', reject);
    child.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('locked')) {
        resolve({
          kill: () =>
            new Promise((r) => {
              child.on('exit', () => r());
              child.kill('SIGKILL');
            }),
        });
      }
    });
  });
}

describe('one worker per DB file', () => {
  it('a second holder in another process is refused with a clear message, and the lock dies with its holder', async () => {
    const dbPath = path.join(tempDir(), 'lane.sqlite');
    const child = await holdLockInChild(dbPath);
    try {
      expect(() => openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true })).toThrow(DbLockError);
      expect(() => acquireDbLock(dbPath)).toThrow(/another process holds the worker lock on .*lane\.sqlite \(pid \d+/);
    } finally {
      await child.kill(); // SIGKILL: no cleanup code runs, as in a crash
    }
    const store = openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true });
    store.close();
  });

  it('in one process, a second lock on the same file is refused until the first is released', () => {
    const dbPath = path.join(tempDir(), 'lane.sqlite');
    const first = openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true });
    expect(() => openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true })).toThrow(DbLockError);
    // The CLI (no lock) can still read and write the DB meanwhile: kill switch, status, backup.
    const cli = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
    expect(cli.control.read()).toBeNull();
    cli.close();
    first.close();
    openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true }).close();
  });

  it('a second path to the same file (a symlink) cannot take a second lock', () => {
    const dir = tempDir();
    const dbPath = path.join(dir, 'lane.sqlite');
    const first = openStore({ path: dbPath, mode: 'dry-run', env: 'sim', lock: true });
    const alias = path.join(tempDir(), 'alias.sqlite');
    fs.symlinkSync(dbPath, alias);
    expect(() => acquireDbLock(alias)).toThrow(DbLockError);
    first.close();
  });
});
