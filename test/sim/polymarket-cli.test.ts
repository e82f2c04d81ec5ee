/** `kalshi-autopilot sim --polymarket`: the Polymarket simulator alongside, its URLs printed, its mapping file written. */
import { Command } from 'commander';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { registerSimCommands } from '../../src/cli/sim-command';
import { silentLogger } from '../../src/observability/logger';

function program(cwd: string, lines: string[], onRun: (urls: { gamma: string }) => Promise<void>) {
  const p = new Command().exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  registerSimCommands(p, { cwd, out: (t) => lines.push(t), logger: silentLogger(), stopSignal: async (_sim, pm) => onRun({ gamma: pm!.gammaBaseUrl }) });
  return p;
}

test('sim --polymarket serves Gamma/CLOB next to the Kalshi simulator and writes the mapping file', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-simpm-'));
  const lines: string[] = [];
  let gamma: unknown[] = [];
  await program(cwd, lines, async ({ gamma: g }) => {
    gamma = (await (await fetch(`${g}/markets?limit=500`)).json()) as unknown[];
  }).parseAsync(['node', 'x', 'sim', '--port', '0', '--polymarket', '--polymarket-port', '0', '--json', '--no-local-key']);
  const info = JSON.parse(lines[0]);
  expect(info.polymarket_gamma_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/gamma$/);
  expect(info.polymarket_clob_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/clob$/);
  const file = path.join(cwd, 'data', 'sim-polymarket', 'mapping.jsonl');
  expect(info.polymarket_mapping_file).toBe(file);
  const mapping = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  expect(mapping.length).toBeGreaterThanOrEqual(gamma.length);
  expect(gamma.length).toBeGreaterThan(10);
  expect(mapping.map((m) => m.condition_id)).toEqual(expect.arrayContaining(gamma.map((g) => (g as { conditionId: string }).conditionId)));
});

test('--polymarket-port without --polymarket, or a bad disagreement, is a usage error naming the flag', async () => {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-simpm-'));
  await expect(program(cwd, [], async () => {}).parseAsync(['node', 'x', 'sim', '--port', '0', '--polymarket-port', '0', '--no-local-key'])).rejects.toThrow(/--polymarket-port \/ --polymarket-disagreement: only with --polymarket/);
  await expect(program(cwd, [], async () => {}).parseAsync(['node', 'x', 'sim', '--port', '0', '--polymarket', '--polymarket-port', '0', '--polymarket-disagreement', '0.5', '--no-local-key'])).rejects.toThrow(/--polymarket-disagreement: polymarket sim: disagreement must be between 0 and 0.2/);
});
