/**
 * cross-venue against the Polymarket simulator mirroring the Kalshi simulator: fair value = the mapped outcome's
 * mid; mismatched questions / end dates, unmapped markets, bad mapping lines, stale and thin books get no estimate,
 * each with its reason; Polymarket down is a cycle error. Markets are the Kalshi client's own snapshots.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import type { MarketSnapshot } from '../../src/domain/trading-types';
import { createModel, CrossVenueError } from '../../src/models';
import { silentLogger } from '../../src/observability/logger';
import { startSimulator, SimHandle } from '../../src/sim';
import { PolymarketSimHandle, startPolymarketSim } from '../../src/sim/polymarket';

let kalshi: SimHandle;
let pm: PolymarketSimHandle;
let dir: string;
const START = Date.parse('2026-09-01T12:00:00Z');

beforeAll(async () => {
  kalshi = await startSimulator({ clock: { mode: 'manual', startMs: START }, liquidity: false, rateLimit: false });
  pm = await startPolymarketSim({ mirror: kalshi, seed: 3, admin: true });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kap-xv-'));
});
afterAll(async () => {
  await pm?.close();
  await kalshi?.close();
});
afterEach(() => {
  pm.setFaults({ staleBooks: [], fail5xxNext: 0 });
});

/** A snapshot of a Kalshi simulator market, as the scan would make it (only the fields the model reads matter). */
function snap(ticker: string): MarketSnapshot {
  const m = kalshi.core.exchange.markets.get(ticker)!;
  return {
    ticker, eventTicker: m.eventTicker, seriesTicker: null, status: m.status, closeTimeMs: m.closeMs, yesBid: null, yesAsk: null, lastPrice: null,
    volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
  };
}

function model(mappingText: string, extra: Record<string, unknown> = {}) {
  const file = path.join(dir, `map-${Math.random().toString(36).slice(2)}.jsonl`);
  fs.writeFileSync(file, mappingText);
  const cfg = configSchema.parse({
    model: { kind: 'cross-venue', cross_venue: { mapping_file: path.basename(file), gamma_base_url: pm.gammaBaseUrl, clob_base_url: pm.clobBaseUrl, ...extra } },
  });
  return createModel(cfg, { env: 'sim', logger: silentLogger(), baseDir: dir });
}

const lines = () => pm.mapping().trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
const jsonl = (ls: unknown[]) => ls.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';

test('fair value is the mapped outcome\'s mid; confidence from spread, depth and age', async () => {
  pm.setPrice('SIMHIGHTEMP-D1-T70', 640_000);
  const m = model(pm.mapping(), { min_depth: 0 });
  const r = await m.estimate({ markets: [snap('SIMHIGHTEMP-D1-T70'), snap('SIMRATES-W1-CUT')], nowMs: kalshi.nowMs(), cycle: 1 });
  expect(r.estimates.map((e) => e.ticker)).toEqual(['SIMHIGHTEMP-D1-T70', 'SIMRATES-W1-CUT']);
  const e = r.estimates[0];
  // the sim quotes bid = mid − 0.01, ask = mid + 0.01; spread 0.02 of max 0.10 → × 0.9; fresh, no depth minimum → 0.9 × 0.9
  expect([e.probabilityPpm, e.confidencePpm, e.source, e.asOfMs]).toEqual([640_000, 810_000, 'cross-venue', kalshi.nowMs()]);
  expect(e.reasoning).toMatch(/^Polymarket Yes mid 0\.6400 \(bid 0\.6300, ask 0\.6500, book 0 s old\): High temperature, day 1: Above 70°\?$/);
  expect(r.skipped).toEqual([]);
  pm.setPrice('SIMHIGHTEMP-D1-T70', null);
});

test('a mapping to the No outcome values the Kalshi YES at the No mid', async () => {
  pm.setPrice('SIMRATES-W1-CUT', 300_000);
  const l = lines().find((x) => x.kalshi_ticker === 'SIMRATES-W1-CUT')!;
  const r = await model(jsonl([{ ...l, outcome: 'no' }]), { min_depth: 0 }).estimate({ markets: [snap('SIMRATES-W1-CUT')], nowMs: kalshi.nowMs(), cycle: 1 });
  expect(r.estimates[0].probabilityPpm).toBe(700_000);
  pm.setPrice('SIMRATES-W1-CUT', null);
});

test('a mismatched question or end date is refused with the reason, never used', async () => {
  const ls = lines();
  const t70 = ls.find((x) => x.kalshi_ticker === 'SIMHIGHTEMP-D1-T70')!;
  const cut = ls.find((x) => x.kalshi_ticker === 'SIMRATES-W1-CUT')!;
  const gam = ls.find((x) => x.kalshi_ticker === 'SIMMATCH-B-GAM')!;
  // GAM mapped to DEL's Polymarket market: a real-looking id of another question, and another end date
  const del = ls.find((x) => x.kalshi_ticker === 'SIMMATCH-B-DEL')!;
  const text = jsonl([
    { ...t70, question: 'Will the Fed cut rates in September?' },
    cut,
    { ...gam, condition_id: ls.find((x) => x.kalshi_ticker === 'SIMHIGHTEMP-D2-T70')!.condition_id, question: 'High temperature, day 2: Above 70°?' },
    del,
  ]);
  const r = await model(text).estimate({ markets: [snap('SIMHIGHTEMP-D1-T70'), snap('SIMRATES-W1-CUT'), snap('SIMMATCH-B-GAM')], nowMs: kalshi.nowMs(), cycle: 1 });
  expect(r.estimates.map((e) => e.ticker)).toEqual(['SIMRATES-W1-CUT']);
  const why = Object.fromEntries(r.skipped.filter((s) => s.reason !== 'no_estimate').map((s) => [s.ticker, [s.reason, s.detail]]));
  expect(why['SIMHIGHTEMP-D1-T70']).toEqual(['cross_venue_question_mismatch', expect.stringMatching(/^mapping line 1: Polymarket asks "High temperature, day 1: Above 70°\?", the mapping says "Will the Fed cut rates in September\?" \(similarity 0\.\d+ < question_min_similarity 0\.8000\)$/)]);
  expect(why['SIMMATCH-B-GAM']).toEqual(['cross_venue_end_date_mismatch', expect.stringMatching(/^mapping line 3: Polymarket ends 20\d\d-.*Z, Kalshi closes .*Z: 76 h apart \(tolerance 172800 s\)$/)]);
  expect(r.skipped.filter((s) => s.reason === 'no_estimate').map((s) => s.ticker)).toEqual(['SIMHIGHTEMP-D1-T70', 'SIMMATCH-B-GAM']);
});

test('unmapped markets, bad mapping lines and a ticker mapped twice get no estimate, each named', async () => {
  const cut = lines().find((x) => x.kalshi_ticker === 'SIMRATES-W1-CUT')!;
  const t70 = lines().find((x) => x.kalshi_ticker === 'SIMHIGHTEMP-D1-T70')!;
  const text = jsonl([
    '{not json',
    { ...cut, condition_id: '0x12' },
    { ...t70, extra: 1 },
    '',
    { kalshi_ticker: 'SIMGDP-Q3-T2.0', condition_id: cut.condition_id, outcome: 'Yes', question: 'x' },
    { kalshi_ticker: 'SIMGDP-Q3-T2.0', condition_id: cut.condition_id, outcome: 'Yes', question: 'x' },
    { ...cut, outcome: 'Maybe' },
  ]);
  const r = await model(text).estimate({ markets: [snap('SIMRATES-W1-CUT'), snap('SIMHIGHTEMP-D1-T70'), snap('SIMGDP-Q3-T2.0'), snap('SIMCPI-M1-T0.2')], nowMs: kalshi.nowMs(), cycle: 2 });
  expect(r.estimates).toEqual([]);
  expect(r.skipped.filter((s) => s.reason !== 'no_estimate').map((s) => [s.ticker, s.reason, s.detail])).toEqual([
    [null, 'cross_venue_mapping_invalid', 'mapping line 1: not valid JSON'],
    ['SIMRATES-W1-CUT', 'cross_venue_mapping_invalid', 'mapping line 2: condition_id: must be 0x followed by 64 hex digits'],
    ['SIMHIGHTEMP-D1-T70', 'cross_venue_mapping_invalid', 'mapping line 3: unknown key "extra"'],
    ['SIMGDP-Q3-T2.0', 'cross_venue_mapping_invalid', 'mapping lines 5, 6 all map SIMGDP-Q3-T2.0: an ambiguous mapping is not used'],
    ['SIMCPI-M1-T0.2', 'cross_venue_unmapped', 'SIMCPI-M1-T0.2 is not in the mapping file'],
    ['SIMRATES-W1-CUT', 'cross_venue_outcome_unknown', 'mapping line 7: outcome "Maybe" is not one of "Yes", "No"'],
  ]);
});

test('a stale 0.01/0.99 book gives no estimate (too old, and too wide once the age limit is lifted)', async () => {
  pm.setFaults({ staleBooks: ['SIMCPI-M1-T0.2'] });
  const req = { markets: [snap('SIMCPI-M1-T0.2'), snap('SIMRATES-W1-CUT')], nowMs: kalshi.nowMs(), cycle: 3 };
  const r = await model(pm.mapping()).estimate(req);
  expect(r.estimates.map((e) => e.ticker)).toEqual(['SIMRATES-W1-CUT']);
  expect(r.skipped[0]).toEqual({ ticker: 'SIMCPI-M1-T0.2', reason: 'cross_venue_stale', detail: expect.stringMatching(/the book is \d+ s old \(max 300 s\)$/) });
  const wide = await model(pm.mapping(), { max_book_age_seconds: 86400 }).estimate({ ...req, nowMs: kalshi.nowMs() - 86_400_000 + 1000 });
  expect(wide.skipped[0]).toMatchObject({ ticker: 'SIMCPI-M1-T0.2', reason: 'cross_venue_wide_spread', detail: expect.stringMatching(/spread 0\.9800 \(bid 0\.0100, ask 0\.9900\) is wider than 0\.1000$/) });
});

test('a book thinner than min_depth gives no estimate; a settled Polymarket twin is closed', async () => {
  const r = await model(pm.mapping(), { min_depth: 1e9 }).estimate({ markets: [snap('SIMRATES-W1-HOLD')], nowMs: kalshi.nowMs(), cycle: 4 });
  expect(r.skipped[0]).toMatchObject({ reason: 'cross_venue_thin_book', detail: expect.stringMatching(/shares at the best (bid|ask), fewer than min_depth 1000000000$/) });
  kalshi.forceSettle('SIMMATCH-A-BET', 'no');
  const c = await model(pm.mapping()).estimate({ markets: [snap('SIMMATCH-A-BET')], nowMs: kalshi.nowMs(), cycle: 4 });
  expect(c.skipped[0]).toMatchObject({ reason: 'cross_venue_market_closed', detail: `mapping line ${lines().findIndex((x) => x.kalshi_ticker === 'SIMMATCH-A-BET') + 1}: the Polymarket market is closed` });
});

test('Polymarket down or the mapping file missing is a cycle error (CrossVenueError), not an empty answer', async () => {
  pm.setFaults({ fail5xxNext: 10 });
  await expect(model(pm.mapping()).estimate({ markets: [snap('SIMRATES-W1-CUT')], nowMs: kalshi.nowMs(), cycle: 5 })).rejects.toThrow(/^cross-venue: Gamma markets: Polymarket GET \/markets: HTTP 500/);
  pm.setFaults({ fail5xxNext: 0 });
  const cfg = configSchema.parse({ model: { kind: 'cross-venue', cross_venue: { mapping_file: 'nope.jsonl' } } });
  await expect(createModel(cfg, { env: 'prod', logger: silentLogger(), baseDir: dir }).estimate({ markets: [], nowMs: 0, cycle: 1 })).rejects.toThrow(CrossVenueError);
  await expect(createModel(cfg, { env: 'prod', logger: silentLogger(), baseDir: dir }).estimate({ markets: [], nowMs: 0, cycle: 1 })).rejects.toThrow(/mapping file .*nope\.jsonl does not exist \(model\.cross_venue\.mapping_file\)/);
});

test('config: mapping_file is required for model.kind cross-venue; bad settings name the key', () => {
  const { crossFieldIssues } = jest.requireActual('../../src/config/schema');
  expect(crossFieldIssues(configSchema.parse({ model: { kind: 'cross-venue' } }))).toContainEqual({ path: 'model.cross_venue.mapping_file', message: 'is required when model.kind is cross-venue' });
  const bad = configSchema.safeParse({ model: { cross_venue: { max_spread: 0, clob_base_url: 'ftp://x' } } });
  expect(bad.success).toBe(false);
  expect(bad.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['model.cross_venue.clob_base_url', 'model.cross_venue.max_spread']);
});

test('config: an ensemble member cross-venue needs the mapping file too', () => {
  const { crossFieldIssues } = jest.requireActual('../../src/config/schema');
  const c = configSchema.parse({ model: { kind: 'ensemble', ensemble: { members: [{ kind: 'sim-oracle', weight: 1 }, { kind: 'cross-venue', weight: 1 }] } } });
  expect(crossFieldIssues(c)).toContainEqual({ path: 'model.cross_venue.mapping_file', message: 'is required when an ensemble member is cross-venue' });
});

test('inside an ensemble with sim-oracle: cross-venue is a member by kind, its view kept beside the combined estimate', async () => {
  pm.setPrice('SIMRATES-W1-HOLD', 900_000);
  const file = path.join(dir, 'ens-map.jsonl');
  fs.writeFileSync(file, pm.mapping());
  const cfg = configSchema.parse({
    venues: { kalshi: { env: 'sim' } },
    model: {
      kind: 'ensemble',
      ensemble: { members: [{ kind: 'sim-oracle', weight: 1 }, { kind: 'cross-venue', weight: 3 }], min_members: 2 },
      cross_venue: { mapping_file: file, gamma_base_url: pm.gammaBaseUrl, clob_base_url: pm.clobBaseUrl, min_depth: 0 },
    },
  });
  const m = createModel(cfg, { env: 'sim', logger: silentLogger(), simRootUrl: kalshi.rootUrl, baseDir: dir });
  const r = await m.estimate({ markets: [snap('SIMRATES-W1-HOLD')], nowMs: kalshi.nowMs(), cycle: 6 });
  const views = new Map((r.views ?? []).map((v) => [v.source, v]));
  expect(views.get('cross-venue')).toMatchObject({ ticker: 'SIMRATES-W1-HOLD', probabilityPpm: 900_000, confidencePpm: 810_000 });
  const oracle = views.get('sim-oracle')!.probabilityPpm;
  // weights 1 : 3, rounded half up
  expect(r.estimates).toEqual([expect.objectContaining({ ticker: 'SIMRATES-W1-HOLD', source: 'ensemble', probabilityPpm: Math.floor((2 * (oracle + 3 * 900_000) + 4) / 8) })]);
  pm.setPrice('SIMRATES-W1-HOLD', null);
});
