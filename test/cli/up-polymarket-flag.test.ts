/** `up --polymarket` is refused, naming the flag, before anything connects when up would not run the simulator. */
import { Command } from 'commander';
import fs from 'node:fs';
import path from 'node:path';
import { registerUpCommand } from '../../src/cli/up-command';
import { tempDir } from '../helpers/lane';

async function up(args: string[], cfg: Record<string, unknown>): Promise<unknown> {
  const dir = tempDir('kap-up-pm-');
  const file = path.join(dir, 'kalshi-autopilot.config.json');
  fs.writeFileSync(file, JSON.stringify({ database: { dir: path.join(dir, 'data') }, ...cfg }));
  const program = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerUpCommand(program);
  // an unreachable Temporal address: reaching it would fail differently (and slowly)
  return program.parseAsync(['node', 'x', 'up', '--config', file, '--dry-run', '--temporal-address', '127.0.0.1:9', '--non-interactive', ...args]);
}

test('--polymarket on a lane whose simulator up does not run (a base URL is configured, or env demo)', async () => {
  await expect(up(['--env', 'sim', '--polymarket'], { venues: { kalshi: { env: 'sim', base_url: 'http://127.0.0.1:8787/trade-api/v2' } } })).rejects.toThrow(/^--polymarket: only when up runs the simulator/);
  await expect(up(['--env', 'demo', '--polymarket'], { model: { kind: 'signals-file', signals_file: { path: 's.jsonl' } } })).rejects.toThrow(/^--polymarket: only when up runs the simulator/);
  await expect(up(['--env', 'sim', '--polymarket-port', '0'], {})).rejects.toThrow(/^--polymarket-port: only with --polymarket/);
  await expect(up(['--env', 'sim', '--polymarket', '--polymarket-port', 'x'], {})).rejects.toThrow(/^--polymarket-port: expected an integer/);
});
