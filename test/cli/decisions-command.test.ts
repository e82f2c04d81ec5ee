/**
 * `kalshi-autopilot decisions` through the built CLI against a real lane DB, and the pure table the worker prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { decisionJson, formatDecisionTable } from '../../src/cli/decision-table';
import { openStore } from '../../src/store';
import { LANE, ORDER, populateLane, SKIP_EDGE, SKIP_NONE } from './paper-lane-fixture';

const cwd = tempDir('kap-decisions-');
let dbPath: string;
const lane = ['--env', 'sim', '--dry-run'];
const run = (args: string[], dir = cwd) => runCli([...args, ...lane], { cwd: dir, timeoutMs: 60_000 });

beforeAll(() => {
  dbPath = populateLane(cwd);
});

const orderJson = (cycle: number) => ({
  cycle, ticker: 'KXHIGHNY-25JUN01-T60', side: 'yes', fair_value: '0.6200', price_dollars: '0.4200', edge: '0.171234',
  confidence: '0.8000', count_fp: '10.00', decision: 'order', reason: null,
});
const edgeJson = (cycle: number) => ({
  cycle, ticker: 'KXHIGHNY-25JUN01-T62', side: 'no', fair_value: '0.5800', price_dollars: '0.5500', edge: '0.0120',
  confidence: '0.8000', count_fp: '0.00', decision: 'skip', reason: 'min_edge_guard',
});
const noneJson = (cycle: number) => ({
  cycle, ticker: 'KXHIGHNY-25JUN01-T64', side: null, fair_value: null, price_dollars: null, edge: null,
  confidence: null, count_fp: '0.00', decision: 'skip', reason: 'no_estimate_guard',
});

describe('decisions --json', () => {
  it('defaults to the latest cycle recorded (the fresh first run), in recorded order, with exact fixed-point strings', async () => {
    const r = await run(['decisions', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([orderJson(1), noneJson(1)]);
    // Exactly these keys, in this order: traders' scripts depend on them.
    expect(Object.keys(JSON.parse(r.stdout)[0])).toEqual(['cycle', 'ticker', 'side', 'fair_value', 'price_dollars', 'edge', 'confidence', 'count_fp', 'decision', 'reason']);
  });

  it('--cycle N picks cycle N of the latest first run holding it', async () => {
    expect(JSON.parse((await run(['decisions', '--cycle', '2', '--json'])).stdout)).toEqual([orderJson(2), edgeJson(2), noneJson(2)]);
    expect(JSON.parse((await run(['decisions', '--cycle', '1', '--json'])).stdout)).toEqual([orderJson(1), noneJson(1)]);
    const none = await run(['decisions', '--cycle', '9', '--json']);
    expect(none.code).toBe(0);
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it('a bad --cycle is exit 2, naming the flag', async () => {
    const r = await run(['decisions', '--cycle', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--cycle must be a whole number ≥ 1');
  });
});

describe('decisions (table)', () => {
  it('prints a header and one row per decision', async () => {
    const r = await run(['decisions', '--cycle', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `${LANE} cycle 2 (first run run-A, 2025-06-01T12:01:00.000Z): 3 decisions, 1 order\n` +
        'cycle  market                side   price    fair      edge  confidence   size  decision/reason\n' +
        '    2  KXHIGHNY-25JUN01-T60  yes   0.4200  0.6200  0.171234      0.8000  10.00  order\n' +
        '    2  KXHIGHNY-25JUN01-T62  no    0.5500  0.5800    0.0120      0.8000   0.00  skip min_edge_guard: edge 0.0120 < min_edge 0.1000\n' +
        '    2  KXHIGHNY-25JUN01-T64  -          -       -         -           -   0.00  skip no_estimate_guard\n',
    );
  });

  it('works with a broken config when the lane flags name the lane, and never creates a DB', async () => {
    const broken = tempDir('kap-decisions-broken-');
    fs.mkdirSync(path.join(broken, 'data'));
    fs.copyFileSync(dbPath, path.join(broken, 'data', `${LANE}.sqlite`));
    fs.writeFileSync(path.join(broken, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: '10k' } }));
    const r = await run(['decisions', '--json'], broken);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: config unusable \(trading\.bankroll\); acting on lane kalshi-autopilot-sim-dry-run from the flags/);
    expect(JSON.parse(r.stdout)).toEqual([orderJson(1), noneJson(1)]);

    const empty = tempDir('kap-decisions-none-');
    const missing = await run(['decisions'], empty);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`no lane DB at ${path.join(empty, 'data', `${LANE}.sqlite`)}`);
    expect(fs.readdirSync(empty)).toEqual([]);
  });

  it('refuses the DB of another lane (exit 3)', async () => {
    const other = tempDir('kap-decisions-live-');
    const live = path.join(other, 'live.sqlite');
    openStore({ path: live, mode: 'live', env: 'sim' }).close();
    const r = await runCli(['decisions', '--env', 'sim', '--dry-run', '--db', live], { cwd: other, timeoutMs: 60_000 });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('belongs to sim/live, not sim/dry-run');
  });

  it('says so when nothing is recorded', async () => {
    const fresh = tempDir('kap-decisions-fresh-');
    openStore({ path: path.join(fresh, 'data', `${LANE}.sqlite`), mode: 'dry-run', env: 'sim' }).close();
    const r = await run(['decisions'], fresh);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`no decisions recorded in ${path.join(fresh, 'data', `${LANE}.sqlite`)}\n`);
    expect(JSON.parse((await run(['decisions', '--json'], fresh)).stdout)).toEqual([]);
  });
});

describe('formatDecisionTable (what the worker prints each cycle)', () => {
  it('aligns market, side, price, fair, edge, confidence, size and decision/reason', () => {
    expect(formatDecisionTable([ORDER, SKIP_EDGE, SKIP_NONE])).toBe(
      [
        'market                side   price    fair      edge  confidence   size  decision/reason',
        'KXHIGHNY-25JUN01-T60  yes   0.4200  0.6200  0.171234      0.8000  10.00  order',
        'KXHIGHNY-25JUN01-T62  no    0.5500  0.5800    0.0120      0.8000   0.00  skip min_edge_guard: edge 0.0120 < min_edge 0.1000',
        'KXHIGHNY-25JUN01-T64  -          -       -         -           -   0.00  skip no_estimate_guard',
      ].join('\n'),
    );
    expect(formatDecisionTable([])).toBe('no decisions');
  });

  it('prints a negative edge exactly and never passes a terminal escape through', () => {
    const t = formatDecisionTable([{ ...SKIP_EDGE, ticker: 'KX\u001b[2JBAD', edgeMicros: -15_000, detail: 'line\nbreak' }]);
    expect(t.split('\n')[1]).toBe('KX?[2JBAD  no    0.5500  0.5800  -0.0150      0.8000  0.00  skip min_edge_guard: line?break');
    expect(decisionJson({ ...ORDER, edgeMicros: -15_000 }).edge).toBe('-0.0150');
  });
});
