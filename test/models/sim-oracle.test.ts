/** sim-oracle against the simulator on loopback: the real endpoint's shape, batching, missing markets, refusals. */
import type { SimHandle } from '../../src/sim';
import type { MarketSnapshot } from '../../src/domain/trading-types';
import { createModel, ModelConfigError, SimOracleError, SimOracleModel } from '../../src/models';
import { silentLogger } from '../../src/observability/logger';
import { START_MS, startTestSim } from '../sim/helpers';

let sim: SimHandle;
beforeAll(async () => {
  sim = await startTestSim([], { oracleNoise: '0.0000' });
});
afterAll(() => sim.close());

const market = (ticker: string): MarketSnapshot => ({
  ticker, eventTicker: 'E', seriesTicker: null, status: 'active', closeTimeMs: null, yesBid: null, yesAsk: null, lastPrice: null,
  volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
});

test('estimates come from the served fair values, batched, with a no_estimate skip for a market the oracle does not know', async () => {
  const seen: string[] = [];
  const fetchImpl: typeof fetch = (url, init) => {
    seen.push(new URL(String(url)).search);
    return fetch(url, init);
  };
  const model = new SimOracleModel({ env: 'sim', simRootUrl: sim.rootUrl, confidencePpm: 800_000, logger: silentLogger(), batchSize: 2, fetchImpl });
  const r = await model.estimate({ markets: ['TS-E1-A', 'TS-E1-B', 'TM-E1-A', 'TS-NOPE'].map(market), nowMs: START_MS, cycle: 1 });
  expect(seen).toEqual(['?tickers=TS-E1-A%2CTS-E1-B', '?tickers=TM-E1-A%2CTS-NOPE']);
  const reasoning = (p: string) => `simulator oracle: noisy view of the hidden true probability, ${p}`;
  expect(r.estimates).toEqual([
    { ticker: 'TS-E1-A', probabilityPpm: 600_000, confidencePpm: 800_000, source: 'sim-oracle', asOfMs: START_MS, reasoning: reasoning('0.6000') },
    { ticker: 'TS-E1-B', probabilityPpm: 300_000, confidencePpm: 800_000, source: 'sim-oracle', asOfMs: START_MS, reasoning: reasoning('0.3000') },
    { ticker: 'TM-E1-A', probabilityPpm: 500_000, confidencePpm: 800_000, source: 'sim-oracle', asOfMs: START_MS, reasoning: reasoning('0.5000') },
  ]);
  expect(r.skipped).toEqual([{ ticker: 'TS-NOPE', reason: 'no_estimate', detail: 'sim-oracle: no estimate for TS-NOPE' }]);
  expect(r.notes).toEqual(['sim-oracle: 3 estimates for 4 markets in 2 requests']);
});

test('refused outside sim and off loopback; createModel takes the confidence from config in exact ppm', async () => {
  expect(() => new SimOracleModel({ env: 'demo', simRootUrl: sim.rootUrl, confidencePpm: 1, logger: silentLogger() }))
    .toThrow(new ModelConfigError('sim-oracle', 'model.kind', 'sim-oracle is only valid with venues.kalshi.env=sim (env is demo)'));
  expect(() => new SimOracleModel({ env: 'sim', simRootUrl: 'http://example.com', confidencePpm: 1, logger: silentLogger() })).toThrow(/must be an http URL on loopback \(got host example.com\)/);
  const cfg = { model: { kind: 'sim-oracle', sim_oracle: { confidence: 0.85, noise_stddev: 0.02, seed: 1 } } } as any;
  expect(() => createModel(cfg, { env: 'prod', logger: silentLogger(), simRootUrl: sim.rootUrl })).toThrow(ModelConfigError);
  const model = createModel(cfg, { env: 'sim', logger: silentLogger(), simRootUrl: sim.rootUrl });
  const r = await model.estimate({ markets: [market('TS-E1-A')], nowMs: START_MS, cycle: 1 });
  expect(r.estimates.map((e) => [e.probabilityPpm, e.confidencePpm])).toEqual([[600_000, 850_000]]);
});

test('an oracle that is down or answers the wrong shape is a SimOracleError (a cycle error)', async () => {
  const bad = (body: string, status = 200): typeof fetch => async () => new Response(body, { status });
  const mk = (f: typeof fetch) => new SimOracleModel({ env: 'sim', simRootUrl: sim.rootUrl, confidencePpm: 1, logger: silentLogger(), fetchImpl: f });
  const req = { markets: [market('TS-E1-A')], nowMs: START_MS, cycle: 1 };
  await expect(mk(bad('{}', 503)).estimate(req)).rejects.toThrow(new SimOracleError('HTTP 503 from /sim-oracle/v1/fair-values', 503));
  await expect(mk(bad('{"fair_values": [{"ticker": "TS-E1-A"}]}')).estimate(req)).rejects.toThrow(/wrong shape at fair_values\.0\.probability_dollars: Required/);
  const r = await mk(bad('{"fair_values": [{"ticker": "TS-E1-A", "probability_dollars": "1.0000", "as_of": "2026-09-01T12:00:00Z"}]}')).estimate(req);
  expect(r.skipped.map((s) => s.reason)).toEqual(['oracle_out_of_range', 'no_estimate']);
});
