/**
 * The model bench on the real parts, without Temporal (issue 13, "Tests"): the simulator as the venue (manual clock),
 * its sim-oracle as the model, the scan and decide activities on a real lane DB. Two series, 36 one-market events each,
 * closing in 2 h: in QBAD the house quotes the truth (0.5) and the oracle is pushed by `oracle_bias` +0.35 (a model
 * worse than the market); in QGOOD the house quotes 0.5 against a truth of 0.9 / 0.1 and the oracle is unbiased (a
 * model better than the market). One later market per series stays open for entries. After the 72 markets settle on the
 * simulator: below quality.min_settled nothing is benched; at 30 the pair {sim-oracle, QBAD} is benched and not
 * QGOOD; the next cycle refuses QBAD's entry (model_underperforms_market_guard) and still orders QGOOD's; after a
 * clear the pair is unproven again and its entry goes.
 */
import path from 'node:path';
import { decideOrders } from '../../src/activities/decide';
import { refreshQuality } from '../../src/activities/quality';
import { scanMarkets } from '../../src/activities/scan';
import { initialControlState } from '../../src/domain/control';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import type { ScenarioInput } from '../../src/sim/scenario';
import { openStore, type Store } from '../../src/store';
import { tempDir } from '../helpers/lane';
import { simTradingDeps, startTestSim } from '../helpers/trading';

jest.setTimeout(60_000);

const N = 36;
const mk = (ticker: string, close: string, truth: string, market: string, bias: string) => ({
  ticker, title: ticker, yes_sub_title: ticker, no_sub_title: ticker, open_time: '-1d', close_time: close, true_probability: truth,
  market_probability: market, oracle_bias: bias, market_drift_max: '0', initial_volume: '50000.00', initial_open_interest: '9000.00',
  settlement_timer_seconds: 60,
});
const event = (series: string, i: number, m: ReturnType<typeof mk>) => ({ event_ticker: `${series}-E${i}`, series_ticker: series, title: m.ticker, mutually_exclusive: false, markets: [m] });
const SCENARIO: ScenarioInput = {
  name: 'quality-bench',
  series: [
    { ticker: 'QBAD', title: 'biased oracle', category: 'Test', frequency: 'daily', fee_type: 'quadratic', fee_multiplier: 1 },
    { ticker: 'QGOOD', title: 'informed oracle', category: 'Test', frequency: 'daily', fee_type: 'quadratic', fee_multiplier: 1 },
  ],
  events: [
    ...Array.from({ length: N }, (_, i) => event('QBAD', i, mk(`QBAD-E${i}-M`, '+2h', '0.5000', '0.5000', '0.3500'))),
    ...Array.from({ length: N }, (_, i) => event('QGOOD', i, mk(`QGOOD-E${i}-M`, '+2h', i % 2 ? '0.9000' : '0.1000', '0.5000', '0.0000'))),
    event('QBAD', 99, mk('QBAD-LATE-M', '+5d', '0.5000', '0.5000', '0.3500')),
    event('QGOOD', 99, mk('QGOOD-LATE-M', '+5d', '0.9000', '0.5000', '0.0000')),
  ],
};
// Only the LATE markets may be entered (the short ones close within min_time_to_close), each for at most $50.
const CONFIG = { quality: { window: 100, bench_confidence: 0.9, min_settled: 30 }, execution: { min_time_to_close_seconds: 4 * 3600 }, risk: { max_position_size: 50 } };

let sim: SimHandle;
let store: Store;
const logger = silentLogger();
const firstRunId = 'quality-bench-run';

beforeAll(async () => {
  sim = await startTestSim({ scenario: SCENARIO as never, seed: 5 }); // parsed (defaults filled) by the simulator
  store = openStore({ path: path.join(tempDir(), 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
});
afterAll(async () => {
  store?.close();
  await sim?.close();
});

async function cycle(t: ReturnType<typeof simTradingDeps>, n: number, nowMs: number) {
  const scan = await scanMarkets(t, store, { firstRunId, cycle: n }, nowMs);
  const out = await decideOrders(t, store, logger, { firstRunId, cycle: n, nowMs, scanId: scan.scanId, control: initialControlState() });
  const decisions = store.decisions.list({ cycle: n, firstRunId });
  return { out, decisions, of: (ticker: string) => decisions.find((d) => d.ticker === ticker && (d.side === 'yes' || d.side === null)) };
}

test('a model worse than the market is benched for its own series only, after min_settled; a clear lifts it', async () => {
  const t = simTradingDeps(sim, CONFIG);
  const t0 = sim.nowMs();
  const first = await cycle(t, 1, t0);
  expect(store.quality.estimatePoints()).toEqual([]); // nothing settled yet
  expect(first.of('QBAD-LATE-M')?.decision).toBe('order'); // nothing benched: the biased oracle still trades
  // The estimates keep the market's price: QBAD quoted around 0.5.
  const row = store.db.prepare("SELECT mid_ppm, series_ticker, category FROM estimates WHERE ticker = 'QBAD-E0-M'").get() as { mid_ppm: number; series_ticker: string; category: string };
  expect(row.series_ticker).toBe('QBAD');
  expect(row.category).toBe('Test');
  expect(Math.abs(row.mid_ppm - 500_000)).toBeLessThan(60_000);

  // Close and settle the 72 short markets on the simulator.
  const t1 = t0 + 3 * 3_600_000;
  sim.advanceTo(t1);
  // Below min_settled (40 > 36 per series): outcomes learnt from the venue, nothing benched.
  const strictDeps = { venue: t.venue, config: { quality: { window: 100, bench_confidence: 0.9, min_settled: 40 } } };
  await refreshQuality(strictDeps, store, logger, { nowMs: t1, markets: [] });
  expect(store.quality.outcomes()).toHaveLength(50); // at most OUTCOME_READS_PER_CYCLE venue reads a cycle
  const strict = await refreshQuality(strictDeps, store, logger, { nowMs: t1, markets: [] });
  expect(store.quality.outcomes()).toHaveLength(2 * N);
  expect(strict.newlyBenched).toEqual([]);
  const bad = strict.verdicts.find((v) => v.series === 'QBAD')!;
  expect(bad).toMatchObject({ model: 'sim-oracle', state: 'unproven', settled: N });
  expect(bad.skill!).toBeLessThan(0);
  expect(store.quality.bench()).toEqual([]);

  // At min_settled 30 the next cycle benches {sim-oracle, QBAD} and refuses its entry; QGOOD's entry is ordered.
  const second = await cycle(t, 2, t1);
  expect(store.quality.bench().map((b) => [b.model, b.series])).toEqual([['sim-oracle', 'QBAD']]);
  const b = store.quality.bench()[0];
  expect(b.ciHigh!).toBeLessThan(0);
  expect(b.settled).toBe(N);
  expect(second.of('QBAD-LATE-M')).toMatchObject({ decision: 'skip', reason: 'model_underperforms_market_guard' });
  expect(second.of('QGOOD-LATE-M')?.decision).toBe('order');
  expect(second.out.intents.map((i) => i.ticker)).toEqual(['QGOOD-LATE-M']);
  const verdicts = (await refreshQuality({ venue: t.venue, config: CONFIG }, store, logger, { nowMs: t1, markets: [] })).verdicts;
  expect(verdicts.find((v) => v.series === 'QGOOD')).toMatchObject({ state: 'ok' });
  expect(verdicts.find((v) => v.series === 'QGOOD')!.skill!).toBeGreaterThan(0);

  // Persisted: a reopened store (a restarted worker) still benches it.
  const file = store.path;
  store.close();
  store = openStore({ path: file, mode: 'dry-run', env: 'sim' });
  const third = await cycle(t, 3, t1 + 3_600_000);
  expect(third.of('QBAD-LATE-M')?.reason).toBe('model_underperforms_market_guard');

  // The operator's clear lifts that one entry; the pair is then judged only on later markets (unproven).
  const cut = Math.max(...store.quality.outcomes().map((o) => o.settledAtMs));
  expect(store.quality.clearBench({ model: 'sim-oracle', series: 'QBAD' }, cut, 'cli')).toBe(true);
  const fourth = await cycle(t, 4, t1 + 2 * 3_600_000);
  expect(store.quality.bench()).toEqual([]);
  expect(fourth.of('QBAD-LATE-M')?.decision).toBe('order');
  expect(fourth.out.intents.map((i) => i.ticker).sort()).toEqual(['QBAD-LATE-M', 'QGOOD-LATE-M']);

  // quality.recalibrate isotonic: the calibrated twin (fitted on the 72 settled markets) is stored beside the raw
  // estimate and is the one the decision uses.
  const tc = simTradingDeps(sim, { ...CONFIG, quality: { ...CONFIG.quality, recalibrate: 'isotonic' } });
  const fifth = await cycle(tc, 5, t1 + 3 * 3_600_000);
  const est5 = store.decisions.estimates({ firstRunId, cycle: 5 }).filter((e) => e.ticker === 'QBAD-LATE-M');
  expect(est5.map((e) => e.source).sort()).toEqual(['sim-oracle', 'sim-oracle:isotonic']);
  const raw = est5.find((e) => e.source === 'sim-oracle')!;
  const calibrated = est5.find((e) => e.source === 'sim-oracle:isotonic')!;
  expect(calibrated.probabilityPpm).toBeLessThan(raw.probabilityPpm); // the over-confident 0.8x is pulled down
  expect(calibrated.reasoning).toContain('fitted on 72 settled markets');
  const d5 = fifth.decisions.filter((d) => d.ticker === 'QBAD-LATE-M' && d.fairValuePpm !== null)[0];
  expect([calibrated.probabilityPpm, 1_000_000 - calibrated.probabilityPpm]).toContain(d5.fairValuePpm);
});
