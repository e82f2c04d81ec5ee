/**
 * A dry-run cycle on the Kalshi simulator with cross-venue fair values from the Polymarket simulator (issue 12):
 * paper orders are placed exactly where the two venues disagree by more than min_edge, and nowhere the model refused
 * (a mismatched mapping, a stale book). The Polymarket twin of each Kalshi market quotes its hidden truth ± a seeded
 * disagreement; the default scenario's mispriced Kalshi markets are where the venues disagree; two prices are pinned
 * so the test knows them exactly.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { DryRunLane, query, runDryRunLane, startSimAtEnvNow, timeSkippingWithBundle } from './helpers/dry-run';
import type { SimHandle } from '../src/sim';
import { PolymarketSimHandle, startPolymarketSim } from '../src/sim/polymarket';

let env: TestWorkflowEnvironment;
let bundle: WorkflowBundleWithSourceMap;
let sim: SimHandle;
let pm: PolymarketSimHandle;
let lane: DryRunLane;

const MIN_EDGE = 100_000;

beforeAll(async () => {
  ({ env, bundle } = await timeSkippingWithBundle());
  sim = await startSimAtEnvNow(env);
  pm = await startPolymarketSim({ mirror: sim, seed: 11 });
  pm.setPrice('SIMRATES-W1-HOLD', 900_000); // Kalshi quotes it near its truth 0.71: the venues disagree by ~0.19
  pm.setPrice('SIMHIGHTEMP-D1-T70', 380_000); // Kalshi's mispriced 0.38: here the venues agree
  pm.setFaults({ staleBooks: ['SIMGDP-Q3-T2.0'] }); // mispriced on Kalshi, but its Polymarket book is stale
  const lines = pm.mapping().trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
  // mispriced on Kalshi, but mapped with the wrong question: refused
  const text = lines.map((l) => JSON.stringify(l.kalshi_ticker === 'SIMRATES-W1-CUT' ? { ...l, question: 'Will the central bank hike in week 3?' } : l)).join('\n');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-xv-lane-'));
  fs.writeFileSync(path.join(dir, 'mapping.jsonl'), `${text}\n`);
  lane = await runDryRunLane(env, bundle, sim, {
    cycles: 1,
    // room for every disagreement in one cycle (the default $2,000 per cycle would stop after two)
    config: { risk: { max_notional_per_cycle: 10000 }, model: { kind: 'cross-venue', cross_venue: { mapping_file: path.join(dir, 'mapping.jsonl'), gamma_base_url: pm.gammaBaseUrl, clob_base_url: pm.clobBaseUrl, min_depth: 0 } } },
  });
}, 240_000);
afterAll(async () => {
  await pm?.close();
  await sim?.close();
  await env?.teardown();
});

interface Decision { ticker: string; side: string | null; fair_value_ppm: number | null; price_micros: number | null; edge_micros: number | null; decision: string; reason: string | null; detail: string | null }
const decisions = () => query<Decision>(lane.dbPath, 'SELECT ticker, side, fair_value_ppm, price_micros, edge_micros, decision, reason, detail FROM decisions ORDER BY seq');
const orders = () => query<{ ticker: string; side: string; action: string }>(lane.dbPath, 'SELECT ticker, side, action FROM paper_orders ORDER BY id');
const estimates = () => query<{ ticker: string; model: string; probability_ppm: number }>(lane.dbPath, 'SELECT ticker, model, probability_ppm FROM estimates');

test('paper orders where the venues disagree, each backed by a cross-venue estimate and an edge ≥ min_edge', () => {
  const placed = orders();
  expect(placed.length).toBeGreaterThanOrEqual(3);
  expect(placed).toContainEqual({ ticker: 'SIMRATES-W1-HOLD', side: 'yes', action: 'buy' });
  const est = new Map(estimates().map((e) => [e.ticker, e]));
  const byTicker = new Map(decisions().map((d) => [d.ticker, d]));
  for (const o of placed) {
    expect(est.get(o.ticker)?.model).toBe('cross-venue');
    const d = byTicker.get(o.ticker)!;
    expect(d.decision).toBe('order');
    // the decision's fair value is the held side's: Polymarket's P(YES), or 1 − it for NO
    const p = est.get(o.ticker)!.probability_ppm;
    expect(d.fair_value_ppm).toBe(o.side === 'yes' ? p : 1_000_000 - p);
    expect(d.edge_micros).toBeGreaterThanOrEqual(MIN_EDGE);
    // the disagreement itself: Polymarket's P(held side) − Kalshi's price of it
    expect(d.fair_value_ppm! - d.price_micros!).toBeGreaterThanOrEqual(MIN_EDGE);
  }
  expect(est.get('SIMRATES-W1-HOLD')!.probability_ppm).toBe(900_000);
  // the other orders are on the default scenario's mispriced markets (the only other disagreements)
  const mispriced = new Set(['SIMRATES-W1-HOLD', 'SIMHIGHTEMP-D2-T75', 'SIMMATCH-B-GAM', 'SIMMATCH-B-DEL', 'SIMCPI-M1-T0.2']);
  expect(placed.filter((o) => !mispriced.has(o.ticker))).toEqual([]);
});

test('no order where the venues agree, where the mapping is refused, or where the Polymarket book is stale', () => {
  const byTicker = new Map(decisions().map((d) => [d.ticker, d]));
  const placed = new Set(orders().map((o) => o.ticker));
  expect(placed.has('SIMHIGHTEMP-D1-T70')).toBe(false);
  expect(byTicker.get('SIMHIGHTEMP-D1-T70')).toMatchObject({ decision: 'skip', reason: 'min_edge_guard' });
  expect(estimates().find((e) => e.ticker === 'SIMHIGHTEMP-D1-T70')).toMatchObject({ model: 'cross-venue', probability_ppm: 380_000 });
  const est = new Set(estimates().map((e) => e.ticker));
  for (const t of ['SIMRATES-W1-CUT', 'SIMGDP-Q3-T2.0']) {
    expect(placed.has(t)).toBe(false);
    expect(est.has(t)).toBe(false);
    expect(byTicker.get(t)).toMatchObject({ decision: 'skip', reason: 'no_estimate_guard' });
  }
  // the decision record says why: the model's own reason
  expect(byTicker.get('SIMRATES-W1-CUT')!.detail).toMatch(/^cross_venue_question_mismatch: mapping line \d+: Polymarket asks "Rate decision, week 1: Cut\?", the mapping says "Will the central bank hike in week 3\?"/);
  expect(byTicker.get('SIMGDP-Q3-T2.0')!.detail).toMatch(/^cross_venue_stale: Yes of "GDP growth, advance estimate: Above 2\.0%\?": the book is \d+ s old \(max 300 s\)$/);
});
