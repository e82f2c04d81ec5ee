import { parseScenario, startSimulator, SimHandle } from '../../src/sim';
import { admin, Client, START_MS } from './helpers';

const HOUR = 3_600_000;
const micros = (s: string) => Math.round(Number(s) * 1e6); // test-side reading of "0.4500"-style prices only

const scenario = (extra: Record<string, unknown> = {}, markets: Array<Record<string, unknown>> = []) => ({
  name: 'mp',
  series: [{ ticker: 'MP' }],
  events: [{ event_ticker: 'MP-E', series_ticker: 'MP', markets: [
    { ticker: 'MP-E-MIS', open_time: '-1d', close_time: '+5d', true_probability: '0.6000', market_probability: '0.3000' },
    { ticker: 'MP-E-FAIR', open_time: '-1d', close_time: '+5d', true_probability: '0.6000' },
    ...markets,
  ] }],
  market_drift_step: '0',
  ...extra,
});

async function start(sc: unknown, seed = 1, more: Record<string, unknown> = {}): Promise<SimHandle> {
  return startSimulator({ port: 0, clock: { mode: 'manual', startMs: START_MS }, admin: true, rateLimit: false, seed, scenario: sc as any, ...more });
}

async function quotes(sim: SimHandle, ticker: string) {
  const ob = (await new Client(sim, null).get(`/markets/${ticker}/orderbook`)).body.orderbook_fp;
  const yes = ob.yes_dollars as Array<[string, string]>;
  const no = ob.no_dollars as Array<[string, string]>;
  return { bid: micros(yes[yes.length - 1][0]), ask: 1_000_000 - micros(no[no.length - 1][0]), yesLevels: yes.length, noLevels: no.length };
}

async function state(sim: SimHandle, ticker: string) {
  return (await admin(sim, 'GET', '/state')).body.markets.find((m: any) => m.ticker === ticker);
}

test('the house quotes around market_probability (default: the true probability), hour after hour; settlement uses the true probability', async () => {
  const sim = await start(scenario());
  try {
    for (let h = 0; h < 48; h++) {
      const mis = await quotes(sim, 'MP-E-MIS');
      // Centre 0.30, quote noise ±0.02, half-spread 0.01–0.03 (+ a level's tick of rounding).
      expect(mis.bid).toBeGreaterThanOrEqual(240_000);
      expect(mis.ask).toBeLessThanOrEqual(360_000);
      // Depth on both sides (background takers may have eaten a level since the last re-quote).
      expect(Math.min(mis.yesLevels, mis.noLevels)).toBeGreaterThanOrEqual(1);
      const fair = await quotes(sim, 'MP-E-FAIR');
      expect(fair.bid).toBeGreaterThanOrEqual(540_000);
      expect(fair.ask).toBeLessThanOrEqual(660_000);
      sim.advance(HOUR);
    }
    expect(await state(sim, 'MP-E-MIS')).toMatchObject({ true_probability_dollars: '0.600000', market_probability_dollars: '0.300000' });
    expect(await state(sim, 'MP-E-FAIR')).toMatchObject({ true_probability_dollars: '0.600000', market_probability_dollars: '0.600000' });
  } finally {
    await sim.close();
  }
  // Settlement draws against the true probability, not the quotes: 30 markets priced at 0.05 that are true at 0.95.
  const many = Array.from({ length: 30 }, (_, i) => ({ ticker: `MP-E-X${i}`, open_time: '-1d', close_time: '+1h', true_probability: '0.9500', market_probability: '0.0500' }));
  const s2 = await start(scenario({}, many));
  try {
    s2.advance(2 * HOUR);
    const results = (await admin(s2, 'GET', '/state')).body.markets.filter((m: any) => m.ticker.startsWith('MP-E-X')).map((m: any) => m.result);
    expect(results.filter((r: string) => r === 'yes').length).toBeGreaterThanOrEqual(25);
  } finally {
    await s2.close();
  }
});

test('market probability drifts by a bounded seeded walk: same seed → same path however the clock moves; other seed → other path', async () => {
  const sc = scenario({ market_drift_step: '0.0100', market_drift_max: '0.0400' });
  const hourly = await start(sc, 5);
  const jump = await start(sc, 5);
  const other = await start(sc, 6);
  try {
    const path: string[] = [];
    for (let h = 1; h <= 72; h++) {
      hourly.advance(HOUR);
      path.push((await state(hourly, 'MP-E-MIS')).market_probability_dollars);
    }
    const values = path.map(micros);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(260_000);
    expect(Math.max(...values)).toBeLessThanOrEqual(340_000);
    expect(new Set(path).size).toBeGreaterThan(10);
    // A walk, not white noise: consecutive hours differ by at most one step.
    for (let i = 1; i < values.length; i++) expect(Math.abs(values[i] - values[i - 1])).toBeLessThanOrEqual(10_000);
    jump.advance(72 * HOUR);
    other.advance(72 * HOUR);
    expect((await state(jump, 'MP-E-MIS')).market_probability_dollars).toBe(path[71]);
    expect((await state(other, 'MP-E-MIS')).market_probability_dollars).not.toBe(path[71]);
  } finally {
    await Promise.all([hourly.close(), jump.close(), other.close()]);
  }
});

test('oracle_bias shifts the sim-oracle (scenario-wide default, per-market override, clamped into (0,1)); settlement ignores it', async () => {
  const sc = scenario({ oracle_bias: '-0.2000' }, [
    { ticker: 'MP-E-UP', open_time: '-1d', close_time: '+5d', true_probability: '0.3000', oracle_bias: '0.1500' },
    { ticker: 'MP-E-LOW', open_time: '-1d', close_time: '+5d', true_probability: '0.1000' },
  ]);
  const sim = await start(sc, 1, { oracleNoise: '0' });
  try {
    const fv = ((await (await fetch(`${sim.rootUrl}/sim-oracle/v1/fair-values`)).json()) as any).fair_values;
    const by = Object.fromEntries(fv.map((f: any) => [f.ticker, f.probability_dollars]));
    expect(by).toEqual({ 'MP-E-MIS': '0.4000', 'MP-E-FAIR': '0.4000', 'MP-E-UP': '0.4500', 'MP-E-LOW': '0.0100' });
    // The biased oracle sees a NO edge on the fairly priced market that is not there: it values NO at 0.60 while the
    // house sells NO near 0.40, and the market settles by its true 0.60 YES.
    const q = await quotes(sim, 'MP-E-FAIR');
    expect(1_000_000 - micros(by['MP-E-FAIR']) - (1_000_000 - q.bid)).toBeGreaterThanOrEqual(100_000);
    expect(await state(sim, 'MP-E-FAIR')).toMatchObject({ true_probability_dollars: '0.600000', oracle_bias_dollars: '-0.200000' });
  } finally {
    await sim.close();
  }
  // Without a bias the oracle is centred on the true probability.
  const plain = await start(scenario(), 1, { oracleNoise: '0' });
  try {
    const fv = ((await (await fetch(`${plain.rootUrl}/sim-oracle/v1/fair-values`)).json()) as any).fair_values;
    expect(fv.map((f: any) => f.probability_dollars)).toEqual(['0.6000', '0.6000']);
  } finally {
    await plain.close();
  }
});

test('scenario errors name the field: market_probability, oracle_bias, drift, unknown keys, counts', () => {
  const bad = (mk: Record<string, unknown>, top: Record<string, unknown> = {}) => () => parseScenario({ ...scenario(top), events: [{ event_ticker: 'E', series_ticker: 'MP', markets: [
    { ticker: 'M', open_time: '-1d', close_time: '+1d', true_probability: '0.5000', ...mk },
  ] }] });
  expect(bad({ market_probability: '1.2000' })).toThrow('scenario: events.0.markets.0.market_probability: must be strictly between 0 and 1 (got "1.2000")');
  expect(bad({ market_probability: 0 })).toThrow(/events\.0\.markets\.0\.market_probability: must be strictly between 0 and 1/);
  expect(bad({ oracle_bias: '-1.0000' })).toThrow(/events\.0\.markets\.0\.oracle_bias: must be strictly between -1 and 1/);
  expect(bad({ market_drift_max: '-0.0100' })).toThrow(/events\.0\.markets\.0\.market_drift_max: must be between 0 and 0\.5000/);
  expect(bad({ market_probabilty: '0.4000' })).toThrow(/events\.0\.markets\.0: Unrecognized key\(s\) in object: 'market_probabilty'/);
  expect(bad({ initial_volume: 1000 })).toThrow(/events\.0\.markets\.0\.initial_volume: Expected string/);
  expect(bad({}, { oracle_bias: 'lots' })).toThrow(/oracle_bias: not a decimal dollar string/);
  expect(bad({}, { orcale_bias: '0.1' })).toThrow(/\(root\): Unrecognized key\(s\) in object: 'orcale_bias'/);
  expect(() => bad({ $comment: 'a note' })()).not.toThrow();
});
