/**
 * `npm run drill` (issue 16, docs/week-proof.md "The crash drill"), CI size N = 3 with seed 30, whose plan kills the
 * worker (a separate OS process) before the journal write, during fill booking and during reconciliation: the
 * command itself runs (its own process, as a user runs it), prints the --json verdict and exits 0 only with no
 * duplicate order at the simulator, no ledger-vs-simulator mismatch and every planned kill reached.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { CRASH_POINTS } from '../src/execution/live-order-crash';
import { planDrill } from './week/drill';
import { parseDrillFlags } from './week/run-drill';

jest.setTimeout(240_000);
const ROOT = path.resolve(__dirname, '..');

test('the plan comes from the seed: the same seed, the same points; all six points over a few seeds', () => {
  expect(planDrill(30, 3)).toEqual(['before_journal_write', 'during_fill_booking', 'during_reconciliation']);
  expect(planDrill(30, 3)).toEqual(planDrill(30, 3));
  expect(new Set(Array.from({ length: 10 }, (_, s) => planDrill(s, 3)).flat())).toEqual(new Set(CRASH_POINTS));
});

test('flags: --iterations is required and bounded; unknown flags are named', () => {
  expect(parseDrillFlags(['--iterations', '3', '--seed', '30', '--json'], 1)).toEqual({ iterations: 3, seed: 30, json: true });
  expect(parseDrillFlags(['--iterations', '5'], 9)).toEqual({ iterations: 5, seed: 9, json: false });
  expect(() => parseDrillFlags([], 1)).toThrow('--iterations: required');
  expect(() => parseDrillFlags(['--iterations', '0'], 1)).toThrow('--iterations: an integer 1..100000 (got "0")');
  expect(() => parseDrillFlags(['--iterations', '2', '--days', '3'], 1)).toThrow('unknown flag --days');
});

test('npm run drill -- --iterations 3 --seed 30 --json: three kills, restarts, no duplicate, no mismatch', async () => {
  const r = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, ['-r', path.join(ROOT, 'test/helpers/ts-register.js'), path.join(ROOT, 'test/week/run-drill.ts'), '--iterations', '3', '--seed', '30', '--json'],
      { cwd: ROOT, timeout: 220_000, env: { ...process.env, KALSHI_AUTOPILOT_CRASH_AT: '' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as unknown as { code?: number }).code ?? null) : 0, stdout, stderr }));
  });
  expect(r.stderr).toMatch(/kill 1\/3: worker killed at before_journal_write/);
  expect(r.stderr).toMatch(/kill 2\/3: worker killed at during_fill_booking/);
  expect(r.stderr).toMatch(/kill 3\/3: worker killed at during_reconciliation/);
  const out = JSON.parse(r.stdout) as Record<string, number>;
  expect(Object.keys(out)).toEqual(['iterations', 'intents', 'orders', 'duplicates', 'mismatches']);
  expect({ code: r.code, iterations: out.iterations, duplicates: out.duplicates, mismatches: out.mismatches }).toEqual({ code: 0, iterations: 3, duplicates: 0, mismatches: 0 });
  // Orders accumulated, each from a journaled intent (an intent may be refused before it is sent, never the reverse).
  expect(out.orders).toBeGreaterThanOrEqual(2);
  expect(out.intents).toBeGreaterThanOrEqual(out.orders);
});
