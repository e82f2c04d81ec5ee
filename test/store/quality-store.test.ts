/**
 * Migration 9 and the QualityStore on a real SQLite file: estimates keep the market's mid and asks at decision time;
 * outcomes come from the paper/live ledgers' settlements once; the lane's entries carry the paper fills' price, fees
 * and realised P&L into one scored forecast per market; the bench list persists across a reopen and one clear
 * lifts one entry.
 */
import path from 'node:path';
import { openStore } from '../../src/store';
import type { MarketSnapshot } from '../../src/domain/trading-types';
import { tempDir } from '../helpers/lane';

const snap = (ticker: string, bid: number | null, ask: number | null, closeTimeMs = 10_000): MarketSnapshot => ({
  ticker, eventTicker: `${ticker}-E`, seriesTicker: 'SER', status: 'active', closeTimeMs,
  yesBid: bid === null ? null : { price: bid, size: 100 }, yesAsk: ask === null ? null : { price: ask, size: 100 }, lastPrice: null,
  volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
});
const est = (ticker: string, ppm: number, asOfMs: number) => ({ ticker, probabilityPpm: ppm, confidencePpm: 900_000, source: 'sim-oracle', asOfMs, reasoning: 'r' });

test('estimates keep the mid and both asks; pending outcomes are the closed markets without one', () => {
  const s = openStore({ path: path.join(tempDir(), 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
  s.decisions.recordEstimates({ firstRunId: 'f', cycle: 1 }, [est('A', 600_000, 1000), est('B', 300_000, 1000), est('C', 500_000, 1000)],
    [snap('A', 410_000, 450_001), snap('B', null, 450_000), snap('C', 100_000, 200_000, 99_999)]);
  const rows = s.db.prepare('SELECT ticker, event_ticker, series_ticker, close_time_ms, mid_ppm, yes_ask_micros, no_ask_micros FROM estimates ORDER BY ticker').all();
  expect(rows).toEqual([
    { ticker: 'A', event_ticker: 'A-E', series_ticker: 'SER', close_time_ms: 10_000, mid_ppm: 430_000, yes_ask_micros: 450_001, no_ask_micros: 590_000 },
    { ticker: 'B', event_ticker: 'B-E', series_ticker: 'SER', close_time_ms: 10_000, mid_ppm: null, yes_ask_micros: 450_000, no_ask_micros: null },
    { ticker: 'C', event_ticker: 'C-E', series_ticker: 'SER', close_time_ms: 99_999, mid_ppm: 150_000, yes_ask_micros: 200_000, no_ask_micros: 900_000 },
  ]);
  expect(s.quality.pendingOutcomes(50_000, 10)).toEqual(['A', 'B']);
  expect(s.quality.recordOutcome('A', 'no', 20_000, 'venue')).toBe(true);
  expect(s.quality.recordOutcome('A', 'yes', 30_000, 'paper')).toBe(false); // the first source wins
  expect(s.quality.pendingOutcomes(50_000, 10)).toEqual(['B']);
  expect(() => s.quality.recordOutcome('Z', 'maybe' as 'yes', 1, 'venue')).toThrow(/result/);
  s.close();
});

test('a traded paper market: one forecast at the entry cycle, with fills, fees and realised P&L from the ledger', () => {
  const s = openStore({ path: path.join(tempDir(), 'lane.sqlite'), mode: 'dry-run', env: 'sim' });
  s.decisions.recordEstimates({ firstRunId: 'f', cycle: 1 }, [est('A', 700_000, 1000)], [snap('A', 500_000, 520_000)]);
  s.decisions.recordEstimates({ firstRunId: 'f', cycle: 2 }, [est('A', 750_000, 2000)], [snap('A', 600_000, 620_000)]);
  s.decisions.recordEstimates({ firstRunId: 'f', cycle: 3 }, [est('A', 760_000, 11_000)], [snap('A', 900_000, 920_000)]); // after close
  s.decisions.record({ firstRunId: 'f', cycle: 1 }, 1000, [
    { cycle: 1, ticker: 'A', side: 'yes', fairValuePpm: 700_000, priceMicros: 520_000, edgeMicros: 150_000, confidencePpm: 900_000, countCentis: 200, decision: 'order', reason: null, detail: null },
  ]);
  // A later order on the same market (say an exit) does not move the entry.
  s.decisions.record({ firstRunId: 'f', cycle: 2 }, 2000, [
    { cycle: 2, ticker: 'A', side: 'yes', fairValuePpm: 750_000, priceMicros: 600_000, edgeMicros: 90_000, confidencePpm: 900_000, countCentis: 100, decision: 'order', reason: null, detail: null },
  ]);
  s.db.prepare(`INSERT INTO paper_orders (id, client_order_id, cycle, ticker, event_ticker, side, action, limit_price_micros, count_centis, filled_centis,
    status, fee_type, fee_multiplier_ppm, placed_at_ms, expires_at_ms) VALUES (1, 'c1', 1, 'A', 'A-E', 'yes', 'buy', 520000, 200, 200, 'filled', 'quadratic', 1000000, 1000, 2000)`).run();
  s.db.prepare(`INSERT INTO paper_fills (order_id, count_centis, price_micros, fee_micros, at_ms, source, trade_id) VALUES
    (1, 100, 510000, 9000, 1000, 'trade', 't1'), (1, 100, 520000, 9000, 1000, 'trade', 't2')`).run();
  s.db.prepare(`INSERT INTO paper_positions (ticker, side, event_ticker, count_centis, cost_micros, realized_pnl_micros, settled_result, settled_at_ms)
    VALUES ('A', 'yes', 'A-E', 200, 1048000, 952000, 'yes', 12000)`).run();
  expect(s.quality.syncLedgerOutcomes()).toBe(1);
  expect(s.quality.syncLedgerOutcomes()).toBe(0);
  const fs = s.quality.forecasts();
  expect(fs).toHaveLength(1);
  expect(fs[0]).toMatchObject({ model: 'sim-oracle', ticker: 'A', eventTicker: 'A-E', seriesTicker: 'SER', probabilityPpm: 700_000, marketPpm: 510_000, outcome: 'yes', settledAtMs: 12_000 });
  // closing line: the last estimate before close (cycle 2, mid 0.61)
  expect(fs[0].trade).toEqual({ side: 'yes', entryPriceMicros: 515_000, countCentis: 200, feeMicros: 18_000, predictedEdgeMicros: 150_000, closingPriceMicros: 610_000, pnlMicros: 952_000 });
  s.close();
});

test('the bench list survives a reopen; a clear lifts one entry and is remembered', () => {
  const file = path.join(tempDir(), 'lane.sqlite');
  const s = openStore({ path: file, mode: 'dry-run', env: 'sim' });
  const v = { state: 'bench' as const, settled: 40, skill: -0.2, interval: { lo: -0.3, hi: -0.1, confidence: 0.9, resamples: 1000 } };
  expect(s.quality.addToBench({ model: 'm', series: null, ...v }, 5)).toBe(true);
  expect(s.quality.addToBench({ model: 'm', series: 'S1', ...v }, 6)).toBe(true);
  expect(s.quality.addToBench({ model: 'm', series: 'S1', ...v }, 7)).toBe(false);
  s.close();
  const t = openStore({ path: file, mode: 'dry-run', env: 'sim' });
  expect(t.quality.bench().map((b) => [b.model, b.series, b.benchedAtMs, b.ciHigh])).toEqual([['m', null, 5, -0.1], ['m', 'S1', 6, -0.1]]);
  expect(t.quality.clearBench({ model: 'm', series: 'S1' }, 9, 'cli')).toBe(true);
  expect(t.quality.clearBench({ model: 'm', series: 'S1' }, 10, 'cli')).toBe(false);
  expect(t.quality.bench().map((b) => [b.model, b.series])).toEqual([['m', null]]);
  expect(t.quality.clears()).toEqual([{ model: 'm', series: 'S1', clearedAtMs: 9, clearedBy: 'cli' }]);
  t.close();
});

test('outcome reads rotate: a market that never settles yes/no cannot starve the others', () => {
  const { outcomeReadWindow } = jest.requireActual('../../src/activities/quality') as typeof import('../../src/activities/quality');
  const pending = ['A', 'B', 'C', 'D', 'E'];
  const H = 3_600_000;
  expect(outcomeReadWindow(pending, 0, 2)).toEqual(['A', 'B']);
  expect(outcomeReadWindow(pending, H, 2)).toEqual(['C', 'D']);
  expect(outcomeReadWindow(pending, 2 * H, 2)).toEqual(['E', 'A']);
  expect(outcomeReadWindow(pending, 2 * H + 59_000, 2)).toEqual(['E', 'A']); // deterministic within the hour
  expect(outcomeReadWindow(['A'], 7 * H, 2)).toEqual(['A']);
  const seen = new Set([0, 1, 2].flatMap((h) => outcomeReadWindow(pending, h * H, 2)));
  expect(seen.size).toBe(5);
});
