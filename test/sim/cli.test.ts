import { Command } from 'commander';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registerSimCommands, simOptionsFromFlags } from '../../src/cli/sim-command';
import { silentLogger } from '../../src/observability/logger';
import { parseScenario, DEFAULT_SCENARIO } from '../../src/sim';
import { loadScenarioFile } from '../../src/sim/scenario';
import { Client, makeKey } from './helpers';

const base = { port: '0', host: '127.0.0.1', seed: '1', clock: 'wall' };

test('flag validation names the flag', () => {
  expect(() => simOptionsFromFlags({ ...base, port: 'abc' })).toThrow('--port: expected an integer 0-65535 (got "abc")');
  expect(() => simOptionsFromFlags({ ...base, clock: 'fast' })).toThrow('--clock: expected "wall" or "manual"');
  expect(() => simOptionsFromFlags({ ...base, seed: '-1' })).toThrow(/--seed/);
  expect(() => simOptionsFromFlags({ ...base, balance: 'lots' })).toThrow(/--balance/);
  expect(() => simOptionsFromFlags({ ...base, host: '0.0.0.0' })).toThrow(/--host/);
  expect(simOptionsFromFlags({ ...base, clock: 'manual', start: '2026-09-01T00:00:00Z', admin: true })).toMatchObject({ port: 0, seed: 1, admin: true, clock: { mode: 'manual', startMs: Date.UTC(2026, 8, 1) } });
});

test('scenarios/default.json is the built-in scenario', () => {
  expect(loadScenarioFile(join(__dirname, '../../scenarios/default.json'))).toEqual(parseScenario(DEFAULT_SCENARIO));
});

test('`sim` runs until stopped, prints its base URL, loads keys from a directory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'simkeys-'));
  const k = makeKey('cli-key');
  writeFileSync(join(dir, 'cli-key.pem'), k.publicKeyPem);
  const lines: string[] = [];
  let release!: () => void;
  const stopped = new Promise<void>((r) => (release = r));
  let balance: any;
  const program = new Command().exitOverride();
  registerSimCommands(program, {
    cwd: dir, // the local simulator key goes to <dir>/data/sim-key, never into the repository
    out: (t) => lines.push(t),
    logger: silentLogger(),
    stopSignal: async (sim) => {
      balance = (await new Client(sim, k).get('/portfolio/balance')).body;
      release();
      await stopped;
    },
  });
  await program.parseAsync(['node', 'x', 'sim', '--port', '0', '--keys', dir, '--json', '--balance', '250.00']);
  const info = JSON.parse(lines[0]);
  expect(info).toMatchObject({ clock: 'wall', seed: 1, keys_loaded: 1, admin_url: null, local_key_dir: join(dir, 'data', 'sim-key') });
  expect(JSON.stringify(info)).not.toContain('cli-key'); // key ids are never printed
  expect(info.base_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/trade-api\/v2$/);
  expect(balance).toMatchObject({ balance: 25000, balance_dollars: '250.0000' });
});
