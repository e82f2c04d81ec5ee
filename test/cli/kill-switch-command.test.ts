/**
 * `kill-switch on` engages the lane's EXISTING DB or fails: it never creates a DB file (a flag in a fresh file no worker
 * opens engages nothing), it honours the config's database.dir/path even when the config is otherwise unusable, and it
 * says which DB it wrote and what became of the signal. The real, built CLI as a child process; Temporal is an unused
 * loopback port (fails fast), so only the DB half can succeed here (the signalled half: lane-commands.test.ts).
 */
import fs from 'node:fs';
import net, { AddressInfo } from 'node:net';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { openStore } from '../../src/store';

let deadTemporal: string;

async function unusedLoopbackPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  deadTemporal = `127.0.0.1:${await unusedLoopbackPort()}`;
});

/** A lane DB (sim, dry-run) as a worker would have left it, in its own directory. */
function existingLaneDb(dir: string, mode: 'dry-run' | 'live' = 'dry-run'): string {
  const file = path.join(dir, `kalshi-autopilot-sim-${mode}.sqlite`);
  openStore({ path: file, mode, env: 'sim' }).close();
  return file;
}

function killFlag(file: string) {
  const store = openStore({ path: file, mode: 'dry-run', env: 'sim' });
  try {
    return store.control.read()?.killSwitch ?? null;
  } finally {
    store.close();
  }
}

const dbFiles = (dir: string): string[] =>
  fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String).filter((f) => f.endsWith('.sqlite')) : [];

function killSwitchOn(args: string[], cwd: string) {
  return runCli(['kill-switch', 'on', ...args, '--temporal-address', deadTemporal], { cwd, timeoutMs: 60_000 });
}

describe('kill-switch on (real CLI)', () => {
  it('from another directory, with --config whose database.dir holds the lane DB: writes that DB, says so', async () => {
    const laneDir = tempDir('kap-lane-');
    const db = existingLaneDb(path.join(laneDir, 'state'));
    const config = path.join(laneDir, 'kalshi-autopilot.config.json');
    fs.writeFileSync(config, JSON.stringify({ database: { dir: path.join(laneDir, 'state') } }));
    const elsewhere = tempDir('kap-elsewhere-');
    const r = await killSwitchOn(['--reason', 'from afar', '--config', config, '--env', 'sim', '--dry-run'], elsewhere);
    expect(r.stdout).toContain(`kill switch on: db written to ${db}; workflow Temporal unreachable at ${deadTemporal}`);
    expect(r.stdout).toMatch(/engaged: in the DB only/);
    expect(r.code).toBe(0);
    expect(killFlag(db)).toMatchObject({ engaged: true, reason: 'from afar', source: 'cli' });
    expect(dbFiles(elsewhere)).toEqual([]);
  });

  it('a broken config still has its database.dir honoured (best effort, from the raw file)', async () => {
    const laneDir = tempDir('kap-lane-');
    const db = existingLaneDb(path.join(laneDir, 'state'));
    const config = path.join(laneDir, 'kalshi-autopilot.config.json');
    fs.writeFileSync(config, JSON.stringify({ trading: { bankroll: '10k' }, database: { dir: path.join(laneDir, 'state') } }));
    const elsewhere = tempDir('kap-elsewhere-');
    const r = await killSwitchOn(['--reason', 'broken but found', '--config', config, '--env', 'sim', '--dry-run'], elsewhere);
    expect(r.stderr).toMatch(/warning: config unusable \(trading\.bankroll\); acting on lane kalshi-autopilot-sim-dry-run from the flags, db from the config file's database\.dir/);
    expect(r.stdout).toContain(`db written to ${db}`);
    expect(r.code).toBe(0);
    expect(killFlag(db)).toMatchObject({ engaged: true, reason: 'broken but found' });
    expect(dbFiles(elsewhere)).toEqual([]);
  });

  it('a broken config and no DB anywhere: exit 1, nothing created, and it says why for both halves', async () => {
    const broken = tempDir('kap-broken-');
    fs.writeFileSync(path.join(broken, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: '10k' } }));
    const r = await killSwitchOn(['--env', 'sim', '--dry-run'], broken);
    expect(r.code).toBe(1);
    const expected = path.join(broken, 'data', 'kalshi-autopilot-sim-dry-run.sqlite');
    expect(r.stdout).toContain(`kill switch on: db NOT written: no lane DB at ${expected} (path from the default path; nothing created); workflow Temporal unreachable at ${deadTemporal}`);
    expect(r.stderr).toMatch(/kill switch NOT engaged/);
    expect(fs.existsSync(path.join(broken, 'data'))).toBe(false);
    expect(dbFiles(broken)).toEqual([]);
  });

  it('run from a directory without the config (defaults apply): no fresh default DB, exit 1', async () => {
    const elsewhere = tempDir('kap-elsewhere-');
    const r = await killSwitchOn(['--env', 'sim', '--dry-run'], elsewhere);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`no lane DB at ${path.join(elsewhere, 'data', 'kalshi-autopilot-sim-dry-run.sqlite')}`);
    expect(dbFiles(elsewhere)).toEqual([]);
  });

  it('--db naming a missing file is not created either; --db naming the lane DB is written', async () => {
    const broken = tempDir('kap-broken-');
    fs.writeFileSync(path.join(broken, 'kalshi-autopilot.config.json'), '{ not json');
    const missing = await killSwitchOn(['--env', 'sim', '--dry-run', '--db', 'typo/lane.sqlite'], broken);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain(`no lane DB at ${path.join(broken, 'typo', 'lane.sqlite')} (path from --db; nothing created)`);
    expect(fs.existsSync(path.join(broken, 'typo'))).toBe(false);

    const db = existingLaneDb(path.join(broken, 'real'));
    const ok = await killSwitchOn(['--env', 'sim', '--dry-run', '--db', db], broken);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`db written to ${db}`);
  });

  it('a file that is not a lane DB is refused, not adopted', async () => {
    const dir = tempDir('kap-notdb-');
    const file = path.join(dir, 'kalshi-autopilot-sim-dry-run.sqlite');
    fs.writeFileSync(file, '');
    const r = await killSwitchOn(['--env', 'sim', '--dry-run', '--db', file], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`db NOT written: ${file} is not a kalshi-autopilot lane DB`);
    expect(fs.statSync(file).size).toBe(0);
  });

  it('backup of a lane without a DB fails and creates nothing', async () => {
    const elsewhere = tempDir('kap-elsewhere-');
    const r = await runCli(['backup', '--env', 'sim', '--dry-run'], { cwd: elsewhere, timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`no lane DB at ${path.join(elsewhere, 'data', 'kalshi-autopilot-sim-dry-run.sqlite')}`);
    expect(fs.readdirSync(elsewhere)).toEqual([]);
  });
});
