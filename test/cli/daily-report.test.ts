/**
 * Issue 11: `report` (the daily review) on a hand-checkable paper lane DB (test/cli/paper-lane-fixture.ts), and the
 * pure day arithmetic (two days, slippage both ways, equity-based net) in src/domain/report.ts.
 */
import { dailyReport } from '../../src/cli/daily-report';
import { buildReport, totalOf } from '../../src/domain/report';
import { populateLane, T0 } from './paper-lane-fixture';
import { tempDir } from '../helpers/lane';
import path from 'node:path';
import { openStore } from '../../src/store';

describe('report: the daily review', () => {
  it('P&L by day, fills, fill rate, slippage, edge predicted vs captured, skips by guard, LLM spend — from the lane DB', () => {
    const cwd = tempDir('kap-report-');
    populateLane(cwd);
    const j = JSON.parse(dailyReport({ env: 'sim', dryRun: true, json: true }, { cwd, env: {} }));
    expect(j.days).toEqual([{
      day: '2025-06-01', gross: '1.85', fees: '0.12', net: '1.73', fills: 3, filled_contracts: '18.00', orders: 5, filled_orders: 3, fill_rate: 0.6,
      slippage_per_contract: '0.00', edge_predicted: '1.712340', edge_captured: '1.50', llm_spend: '0.00', skips: { min_edge_guard: 2, no_estimate_guard: 2 },
    }]);
    expect(j.notes).toEqual([]);
    const csv = dailyReport({ env: 'sim', dryRun: true, csv: true }, { cwd, env: {} });
    expect(csv.split('\n')[1]).toBe('2025-06-01,1.85,0.12,1.73,3,18.00,5,3,0.6,0.00,1.712340,1.50,0.00,min_edge_guard:2 no_estimate_guard:2');
    const text = dailyReport({ env: 'sim', dryRun: true }, { cwd, env: {} });
    expect(text).toMatch(/^kalshi-autopilot-sim-dry-run \(dry-run\)\nDAY +GROSS/);
    expect(text).toMatch(/\ntotal +1\.85 +0\.12 +1\.73 +3 +3\/5 +60\.0%/);
    // Outside the range: no day.
    expect(JSON.parse(dailyReport({ env: 'sim', dryRun: true, json: true, from: '2025-06-02' }, { cwd, env: {} })).days).toEqual([]);
  });

  it('--compare-burn-in sets the burn-in (the dry-run lane of the same config) beside the live lane', () => {
    const cwd = tempDir('kap-report-');
    populateLane(cwd);
    openStore({ path: path.join(cwd, 'data', 'kalshi-autopilot-sim-live.sqlite'), mode: 'live', env: 'sim' }).close();
    const j = JSON.parse(dailyReport({ env: 'sim', live: true, json: true, compareBurnIn: true }, { cwd, env: {} }));
    expect(j).toMatchObject({ lane: 'kalshi-autopilot-sim-live', burn_in_lane: 'kalshi-autopilot-sim-dry-run', live: { days: [] } });
    expect(j.burn_in.total).toMatchObject({ net: '1.73', fills: 3, edge_predicted: '1.712340' });
    const text = dailyReport({ env: 'sim', live: true, compareBurnIn: true }, { cwd, env: {} });
    expect(text).toMatch(/\nlive total +0\.00/);
    expect(text).toMatch(/\nburn-in 2025-06-01 +1\.85 +0\.12 +1\.73/);
    expect(() => dailyReport({ env: 'sim', dryRun: true, compareBurnIn: true }, { cwd, env: {} })).toThrow('add --live');
  });

  it('bad flags name themselves', () => {
    const cwd = tempDir('kap-report-');
    populateLane(cwd);
    expect(() => dailyReport({ env: 'sim', dryRun: true, from: '2025-6-1' }, { cwd, env: {} })).toThrow('--from must be a UTC day YYYY-MM-DD');
    expect(() => dailyReport({ env: 'sim', dryRun: true, from: '2025-06-03', to: '2025-06-01' }, { cwd, env: {} })).toThrow('--from 2025-06-03 is after --to 2025-06-01');
    expect(() => dailyReport({ env: 'sim', dryRun: true, json: true, csv: true }, { cwd, env: {} })).toThrow('choose one');
  });

  it('day arithmetic: net from equity day over day, gross = net + fees, slippage signed by side', () => {
    const D = 86_400_000;
    const days = buildReport({
      startEquityMicros: 100_000_000,
      equity: [{ atMs: T0, equityMicros: 101_000_000 }, { atMs: T0 + 1000, equityMicros: 102_000_000 }, { atMs: T0 + D, equityMicros: 99_500_000 }],
      orders: [{ atMs: T0, filledCentis: 100 }, { atMs: T0, filledCentis: 0 }, { atMs: T0 + D, filledCentis: 50 }],
      fills: [
        { atMs: T0, side: 'buy', priceMicros: 430_000, limitMicros: 420_000, countCentis: 100, feeMicros: 20_000, edgeMicros: 100_000 },
        { atMs: T0 + D, side: 'sell', priceMicros: 590_000, limitMicros: 600_000, countCentis: 50, feeMicros: 10_000, edgeMicros: null },
      ],
      settlements: [{ atMs: T0 + D, realizedMicros: -420_000 }],
      skips: [{ atMs: T0 + D, reason: 'kill_switch_guard' }],
      llm: [{ day: '2025-06-02', chargedMicros: 31_000 }],
    });
    expect(days.map((d) => [d.day, d.netMicros, d.feesMicros, d.grossMicros, d.fillRatePpm, d.slippagePerContractMicros, d.edgePredictedMicros, d.edgeCapturedMicros, d.llmSpendMicros])).toEqual([
      ['2025-06-01', 2_000_000, 20_000, 2_020_000, 500_000, 10_000, 100_000, 0, 0],
      ['2025-06-02', -2_500_000, 10_000, -2_490_000, 1_000_000, 10_000, 0, -420_000, 31_000],
    ]);
    const t = totalOf(days);
    expect([t.netMicros, t.fills, t.filledOrders, t.orders, t.slippagePerContractMicros, t.skips]).toEqual([-500_000, 2, 2, 3, 10_000, { kill_switch_guard: 1 }]);
  });
});
