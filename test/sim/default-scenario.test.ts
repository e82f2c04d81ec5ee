import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { takerFee } from '../../src/domain/fees';
import { parseDollars } from '../../src/domain/fixed';
import { parseScenario, startSimulator, DEFAULT_SCENARIO, SimHandle } from '../../src/sim';
import { admin, Client, START_MS } from './helpers';

const HOUR = 3_600_000;
const MISPRICED = ['SIMCPI-M1-T0.2', 'SIMGDP-Q3-T2.0', 'SIMHIGHTEMP-D1-T70', 'SIMHIGHTEMP-D2-T75', 'SIMMATCH-B-DEL', 'SIMMATCH-B-GAM', 'SIMRATES-W1-CUT'];
const seriesOf = (t: string) => t.split('-')[0];

let sim: SimHandle;
beforeEach(async () => {
  sim = await startSimulator({ port: 0, clock: { mode: 'manual', startMs: START_MS }, admin: true, rateLimit: false, seed: 1 });
});
afterEach(() => sim.close());

const state = async () => (await admin(sim, 'GET', '/state')).body.markets as any[];

test('the built-in scenario has mispriced markets (|market − true| ≥ 0.15) inside and outside a SIMHIGHTEMP,SIMMATCH scope', async () => {
  const parsed = parseScenario(DEFAULT_SCENARIO);
  expect([parsed.series.length, parsed.events.length, parsed.events.flatMap((e) => e.markets).length]).toEqual([5, 8, 17]);
  const markets = await state();
  const gap = (m: any) => Math.abs(parseDollars(m.market_probability_dollars, 'm') - parseDollars(m.true_probability_dollars, 't'));
  expect(markets.filter((m) => gap(m) >= 150_000).map((m) => m.ticker).sort()).toEqual(MISPRICED);
  // Every other market is quoted at its true probability (no drift yet at the start).
  expect(markets.filter((m) => gap(m) > 0).length).toBe(7);
  const scope = new Set(['SIMHIGHTEMP', 'SIMMATCH']);
  expect(MISPRICED.filter((t) => scope.has(seriesOf(t)))).toHaveLength(4);
  expect([...new Set(MISPRICED.filter((t) => !scope.has(seriesOf(t))).map(seriesOf))].sort()).toEqual(['SIMCPI', 'SIMGDP', 'SIMRATES']);
});

test('each mispriced market shows depth on both sides and a net taker edge ≥ 0.10 at its ask for a model that knows the truth', async () => {
  const c = new Client(sim, null);
  const truth = Object.fromEntries((await state()).map((m) => [m.ticker, parseDollars(m.true_probability_dollars, 't')]));
  for (const t of MISPRICED) {
    const ob = (await c.get(`/markets/${t}/orderbook`)).body.orderbook_fp;
    expect(ob.yes_dollars.length).toBeGreaterThanOrEqual(2);
    expect(ob.no_dollars.length).toBeGreaterThanOrEqual(2);
    const yesAsk = 1_000_000 - parseDollars(ob.no_dollars[ob.no_dollars.length - 1][0], 'no');
    const noAsk = 1_000_000 - parseDollars(ob.yes_dollars[ob.yes_dollars.length - 1][0], 'yes');
    const p = truth[t];
    const edge = Math.max(p - yesAsk - takerFee(100, yesAsk), 1_000_000 - p - noAsk - takerFee(100, noAsk));
    expect([t, edge >= 100_000]).toEqual([t, true]);
    const mk = (await c.get(`/markets/${t}`)).body.market;
    expect(Number(mk.volume_fp)).toBeGreaterThanOrEqual(25000);
  }
  // Volume and open interest start above the template filters (1000 / 500 contracts) on every market.
  const all = (await c.get('/markets?limit=1000')).body.markets;
  expect(all).toHaveLength(17);
  for (const m of all) {
    expect(Number(m.volume_fp)).toBeGreaterThanOrEqual(1000);
    expect(Number(m.open_interest_fp)).toBeGreaterThanOrEqual(500);
  }
});

test('closes are staggered: a simulated week sees markets close and settle on most days; one market outlives the week', async () => {
  const c = new Client(sim, null);
  const closes = (await c.get('/markets?limit=1000')).body.markets.map((m: any) => Date.parse(m.close_time));
  const closeDays = new Set(closes.map((ms: number) => Math.floor((ms - START_MS) / 86_400_000)));
  expect(closeDays.size).toBeGreaterThanOrEqual(7);
  const finalizedByDay: number[] = [];
  for (let h = 1; h <= 7 * 24; h++) {
    sim.advance(HOUR);
    if (h % 24 === 0) finalizedByDay.push((await state()).filter((m) => m.status === 'finalized').length);
  }
  expect(finalizedByDay).toEqual([5, 7, 10, 11, 13, 15, 16]);
  expect((await state()).filter((m) => m.status !== 'finalized').map((m) => m.ticker)).toEqual(['SIMCPI-M1-T0.4']);
}, 60_000);

test('the example in docs/simulator.md is a valid scenario and means what the text says', async () => {
  const md = readFileSync(join(__dirname, '../../docs/simulator.md'), 'utf8');
  const json = /## Scenario format[\s\S]*?```json\n([\s\S]*?)```/.exec(md)![1];
  const s = parseScenario(JSON.parse(json), 'docs example');
  const ex = await startSimulator({ port: 0, clock: { mode: 'manual', startMs: START_MS }, admin: true, rateLimit: false, scenario: s, oracleNoise: '0' });
  try {
    const m = (await admin(ex, 'GET', '/state')).body.markets.find((x: any) => x.ticker === 'EXWX-D1-T70');
    expect(m).toMatchObject({ true_probability_dollars: '0.620000', market_probability_dollars: '0.380000', oracle_bias_dollars: '-0.300000' });
    const fv = ((await (await fetch(`${ex.rootUrl}/sim-oracle/v1/fair-values?tickers=EXWX-D1-T70`)).json()) as any).fair_values;
    expect(fv.map((f: any) => f.probability_dollars)).toEqual(['0.3200']);
  } finally {
    await ex.close();
  }
});
