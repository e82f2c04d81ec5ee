/**
 * `report --quality`, `status` and `clear-halt model_underperforms_market_guard` through the built CLI against a lane
 * DB written with the real stores. Two settled markets of model m (series S), hand-computed:
 *   A: p 0.80, mid 0.60, YES → Brier 0.04 vs 0.16;  B: p 0.30, mid 0.50, NO → 0.09 vs 0.25
 *   Brier 0.065, market 0.205, skill 1 − 0.13/0.41 = 0.682927; log loss (−ln 0.8 − ln 0.7)/2 = 0.289909
 * and a bench entry {m, S} placed by hand.
 */
import path from 'node:path';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/lane';
import { openStore } from '../../src/store';
import type { MarketSnapshot } from '../../src/domain/trading-types';

const cwd = tempDir('kap-quality-');
const lane = ['--env', 'sim', '--dry-run', '--temporal-address', '127.0.0.1:1'];
const run = (args: string[]) => runCli([...args, ...lane], { cwd, timeoutMs: 60_000 });
const snap = (ticker: string, bid: number, ask: number): MarketSnapshot => ({
  ticker, eventTicker: `${ticker}-E`, seriesTicker: 'S', status: 'active', closeTimeMs: 10_000, yesBid: { price: bid, size: 100 }, yesAsk: { price: ask, size: 100 },
  lastPrice: null, volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
});

beforeAll(() => {
  const s = openStore({ path: path.join(cwd, 'data', 'kalshi-autopilot-sim-dry-run.sqlite'), mode: 'dry-run', env: 'sim' });
  const e = (ticker: string, ppm: number) => ({ ticker, probabilityPpm: ppm, confidencePpm: 900_000, source: 'm', asOfMs: 1000, reasoning: 'r' });
  s.decisions.recordEstimates({ firstRunId: 'f', cycle: 1 }, [e('A', 800_000), e('B', 300_000)], [snap('A', 590_000, 610_000), snap('B', 490_000, 510_000)]);
  s.quality.recordOutcome('A', 'yes', 20_000, 'venue');
  s.quality.recordOutcome('B', 'no', 21_000, 'venue');
  s.quality.addToBench({ model: 'm', series: 'S', state: 'bench', settled: 40, skill: -0.2, interval: { lo: -0.3, hi: -0.1, confidence: 0.9, resamples: 1000 } }, 30_000);
  s.close();
});

test('report --quality --json: the rows equal the hand-computed scores; the bench and the unproven verdict are listed', async () => {
  const r = await run(['report', '--quality', '--json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const j = JSON.parse(r.stdout);
  expect(j.rules).toEqual({ window: 100, benchConfidence: 0.9, minSettled: 30 });
  const all = j.rows.find((x: { by: string; key: string }) => x.by === 'all' && x.key === '*');
  expect(all).toMatchObject({ model: 'm', settled: 2, events: 2, traded: 0, pnl_dollars: '0.0000' });
  expect(all.brier).toBeCloseTo(0.065, 12);
  expect(all.market_brier).toBeCloseTo(0.205, 12);
  expect(all.brier_skill).toBeCloseTo(1 - 0.13 / 0.41, 12);
  expect(all.log_loss).toBeCloseTo((-Math.log(0.8) - Math.log(0.7)) / 2, 12);
  expect(all.calibration[8]).toMatchObject({ n: 1, observedRate: 1 });
  expect(j.rows.map((x: { by: string; key: string }) => `${x.by}:${x.key}`)).toEqual(['all:*', 'all:last 100', 'series:S', 'category:(unknown)', 'side:untraded']);
  expect(j.bench).toEqual([expect.objectContaining({ model: 'm', series: 'S', ciHigh: -0.1 })]);
  expect(j.models).toEqual([
    expect.objectContaining({ model: 'm', series: null, state: 'unproven', settled: 2 }),
    expect.objectContaining({ model: 'm', series: 'S', state: 'unproven', settled: 2 }),
  ]);
});

test('report --quality --csv and the table; --json with --csv is a usage error', async () => {
  const csv = await run(['report', '--quality', '--csv', '--series', 'S']);
  expect(csv.code).toBe(0);
  const lines = csv.stdout.trim().split('\n');
  expect(lines[0]).toBe('model,by,key,settled,events,brier,market_brier,brier_skill,skill_ci_low,skill_ci_high,skill_ci_confidence,log_loss,market_log_loss,traded,clv_dollars,fees_dollars,predicted_edge_dollars,pnl_dollars');
  const cells = lines[1].split(',');
  expect(cells.slice(0, 5)).toEqual(['m', 'all', '*', '2', '2']);
  expect(Number(cells[5])).toBeCloseTo(0.065, 12);
  expect(cells.slice(-5)).toEqual(['0', '0.0000', '0.0000', '0.0000', '0.0000']);
  const table = await run(['report', '--quality']);
  expect(table.stdout).toContain('+0.683');
  expect(table.stdout).toContain('BENCHED m in S');
  expect(table.stdout).toContain('m: unproven (2 settled < 30)');
  const both = await run(['report', '--quality', '--json', '--csv']);
  expect(both.code).toBe(2);
});

test('status shows the bench; clear-halt lifts exactly one entry and needs --model', async () => {
  const st = await run(['status', '--json']);
  expect(JSON.parse(st.stdout).quality.bench).toEqual([expect.objectContaining({ model: 'm', series: 'S' })]);
  const noModel = await run(['clear-halt', 'model_underperforms_market_guard']);
  expect(noModel.code).toBe(2);
  expect(noModel.stderr).toContain('--model m --series S');
  const ok = await run(['clear-halt', 'model_underperforms_market_guard', '--model', 'm', '--series', 'S']);
  expect(ok.code).toBe(0);
  expect(ok.stdout).toContain('lifted');
  const after = await run(['report', '--quality']); // the same model lines as status
  expect(after.stdout).not.toContain('BENCHED');
  expect(after.stdout).toContain('m in S: unproven');
});

describe('in process', () => {
  test('--since: an ISO time or a duration back; anything else names the flag', () => {
    const { parseSince } = jest.requireActual('../../src/cli/report-command') as typeof import('../../src/cli/report-command');
    expect(parseSince('36h', 100 * 3_600_000)).toBe(64 * 3_600_000);
    expect(parseSince('2d', 3 * 86_400_000)).toBe(86_400_000);
    expect(parseSince('2026-01-31T00:00:00Z')).toBe(Date.UTC(2026, 0, 31));
    expect(() => parseSince('yesterday')).toThrow(/--since/);
  });

  test('filters: --model, --series, --since', () => {
    const { filterForecasts } = jest.requireActual('../../src/cli/quality-report') as typeof import('../../src/cli/quality-report');
    const f = (model: string, seriesTicker: string, settledAtMs: number) => ({ model, seriesTicker, settledAtMs }) as never;
    const fs = [f('a', 'S', 10), f('b', 'S', 20), f('a', 'T', 30)];
    expect(filterForecasts(fs, { model: 'a' })).toEqual([fs[0], fs[2]]);
    expect(filterForecasts(fs, { series: 'S' })).toEqual([fs[0], fs[1]]);
    expect(filterForecasts(fs, { sinceMs: 20 })).toEqual([fs[1], fs[2]]);
  });

  test('CSV cells with commas or quotes are quoted', () => {
    const { qualityCsv } = jest.requireActual('../../src/cli/quality-report') as typeof import('../../src/cli/quality-report');
    const out = qualityCsv([{ model: 'a,"b"', by: 'all', key: '*' } as never]);
    expect(out.split('\n')[1].startsWith('"a,""b""",all,*')).toBe(true);
  });
});
