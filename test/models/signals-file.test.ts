/**
 * signals-file against real files in a temp dir: every kind of bad line is skipped with its reason and line number,
 * probabilities become exact ppm from their decimal text, the latest as_of wins, the file is re-read each cycle and
 * a missing file is a typed cycle error naming the path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createModel, SignalsFileError, SignalsFileModel } from '../../src/models';
import type { MarketSnapshot } from '../../src/domain/trading-types';
import { silentLogger } from '../../src/observability/logger';
import { tempDir } from '../helpers/lane';
import { configSchema } from '../../src/config/schema';

const NOW = Date.UTC(2026, 8, 1, 12, 0, 0);
const market = (ticker: string): MarketSnapshot => ({
  ticker, eventTicker: ticker.split('-').slice(0, 2).join('-'), seriesTicker: ticker.split('-')[0], status: 'active', closeTimeMs: NOW + 86_400_000,
  yesBid: null, yesAsk: null, lastPrice: null, volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000,
  feeUnverified: false, result: null,
});
const MARKETS = ['TS-E1-A', 'TS-E1-B', 'TS-E2-C'].map(market);

function setup(lines: string[]) {
  const dir = tempDir('kap-signals-');
  const file = path.join(dir, 'signals.jsonl');
  fs.writeFileSync(file, lines.join('\n'));
  const model = new SignalsFileModel({ path: file, maxAgeSeconds: 3600, logger: silentLogger() });
  return { file, model };
}

test('valid lines become exact ppm estimates; every bad line is skipped with its reason and line', async () => {
  const { model } = setup([
    '{"ticker": "TS-E1-A", "probability": 0.62, "confidence": 0.8, "as_of": "2026-09-01T11:55:00Z", "reasoning": "polls\\nmoved"}',
    'not json',
    '{"ticker": "TS-E1-B", "probability": 1.2, "confidence": 0.8, "as_of": "2026-09-01T11:55:00Z"}',
    '{"ticker": "NOPE-1", "probability": 0.5, "confidence": 0.8, "as_of": "2026-09-01T11:55:00Z"}',
    '{"ticker": "TS-E1-B", "probability": 0.3, "confidence": 0.8, "as_of": "2026-09-01T10:59:59Z"}',
    '',
    '{"ticker": "TS-E1-B", "probability": "0.1234567", "confidence": 0.8, "as_of": "2026-09-01T11:00:00Z"}',
    '{"ticker": "TS-E1-B", "probability": 0.3, "confidence": 0.8, "as_of": "yesterday"}',
    '{"ticker": "TS-E1-B", "probability": 0.3, "confidence": 0.8, "as_of": "2026-09-01T11:00:00Z", "edge": 1}',
    '{"ticker": "TS-E1-B", "probability": 0.3, "as_of": "2026-09-01T11:00:00Z"}',
    '{"ticker": "TS-E2-C", "probability": "0.075", "confidence": 1, "as_of": "2026-09-01T12:00:30+00:00"}',
    '{"ticker": "TS-E1-B", "probability": 0.3, "confidence": 0.8, "as_of": "2026-09-01T12:05:00Z"}',
    '{"ticker": "TS-E1-B", "probability": 0, "confidence": 0.8, "as_of": "2026-09-01T11:00:00Z"}',
  ]);
  const r = await model.estimate({ markets: MARKETS, nowMs: NOW, cycle: 7 });
  expect(r.estimates).toEqual([
    { ticker: 'TS-E1-A', probabilityPpm: 620_000, confidencePpm: 800_000, source: 'signals-file', asOfMs: NOW - 300_000, reasoning: 'polls moved' },
    { ticker: 'TS-E2-C', probabilityPpm: 75_000, confidencePpm: 1_000_000, source: 'signals-file', asOfMs: NOW + 30_000, reasoning: '' },
  ]);
  expect(r.skipped.map((s) => [s.ticker, s.reason, s.detail])).toEqual([
    [null, 'signal_malformed', 'line 2: not valid JSON'],
    ['TS-E1-B', 'signal_out_of_range', 'line 3: probability: must be strictly between 0 and 1 (got 1.2)'],
    ['NOPE-1', 'signal_unknown_ticker', "line 4: ticker NOPE-1 is not among this cycle's markets"],
    ['TS-E1-B', 'signal_stale', 'line 5: as_of 2026-09-01T10:59:59Z is 3601s old (max_age_seconds 3600)'],
    ['TS-E1-B', 'signal_out_of_range', 'line 7: probability: more than 6 decimals cannot be held exactly (got "0.1234567")'],
    ['TS-E1-B', 'signal_malformed', 'line 8: as_of: must be an ISO-8601 time with a zone (got "yesterday")'],
    ['TS-E1-B', 'signal_malformed', 'line 9: unknown key "edge"'],
    ['TS-E1-B', 'signal_malformed', 'line 10: confidence: is required'],
    ['TS-E1-B', 'signal_from_future', "line 12: as_of 2026-09-01T12:05:00Z is 300s after the cycle's clock"],
    ['TS-E1-B', 'signal_out_of_range', 'line 13: probability: must be strictly between 0 and 1 (got 0)'],
    ['TS-E1-B', 'no_estimate', 'signals-file: no estimate for TS-E1-B'],
  ]);
  expect(r.notes).toEqual([expect.stringMatching(/: 12 lines, 2 estimates for 3 markets, 10 lines skipped \(signal_malformed 4, signal_out_of_range 3, signal_unknown_ticker 1, signal_stale 1, signal_from_future 1\)$/)]);
});

test('the same ticker twice: the latest as_of wins, whatever the line order; a tie goes to the later line', async () => {
  const { model } = setup([
    '{"ticker": "TS-E1-A", "probability": 0.70, "confidence": 0.9, "as_of": "2026-09-01T11:50:00Z"}',
    '{"ticker": "TS-E1-A", "probability": 0.60, "confidence": 0.9, "as_of": "2026-09-01T11:40:00Z"}',
    '{"ticker": "TS-E1-B", "probability": 0.20, "confidence": 0.9, "as_of": "2026-09-01T11:40:00Z"}',
    '{"ticker": "TS-E1-B", "probability": 0.25, "confidence": 0.9, "as_of": "2026-09-01T11:40:00Z"}',
  ]);
  const r = await model.estimate({ markets: MARKETS, nowMs: NOW, cycle: 1 });
  expect(r.estimates.map((e) => [e.ticker, e.probabilityPpm])).toEqual([['TS-E1-A', 700_000], ['TS-E1-B', 250_000]]);
  expect(r.skipped.map((s) => [s.reason, s.detail])).toEqual([
    ['signal_superseded', 'line 2: as_of older than line 1'],
    ['signal_superseded', 'line 3: replaced by line 4 (same or later as_of)'],
    ['no_estimate', 'signals-file: no estimate for TS-E2-C'],
  ]);
});

test('the file is re-read every cycle; a missing file is a SignalsFileError naming the path', async () => {
  const { file, model } = setup(['{"ticker": "TS-E1-A", "probability": 0.62, "confidence": 0.8, "as_of": "2026-09-01T11:55:00Z"}']);
  expect((await model.estimate({ markets: MARKETS, nowMs: NOW, cycle: 1 })).estimates.map((e) => e.probabilityPpm)).toEqual([620_000]);
  fs.writeFileSync(file, '{"ticker": "TS-E1-A", "probability": 0.41, "confidence": 0.8, "as_of": "2026-09-01T12:55:00Z"}\n');
  expect((await model.estimate({ markets: MARKETS, nowMs: NOW + 3_600_000, cycle: 2 })).estimates.map((e) => e.probabilityPpm)).toEqual([410_000]);
  fs.unlinkSync(file);
  const err = await model.estimate({ markets: MARKETS, nowMs: NOW, cycle: 3 }).catch((e) => e);
  expect(err).toBeInstanceOf(SignalsFileError);
  expect([err.code, err.path, err.model, err.message]).toEqual(['missing', file, 'signals-file', `signals file ${file}: does not exist (model.signals_file.path)`]);
});

test('createModel builds signals-file from config, resolving a relative path against baseDir; llm without its key is refused', async () => {
  const dir = tempDir('kap-signals-');
  fs.writeFileSync(path.join(dir, 's.jsonl'), '{"ticker": "TS-E1-B", "probability": 0.333333, "confidence": 0, "as_of": "2026-09-01T12:00:00Z"}\n');
  const model = createModel({ model: { kind: 'signals-file', signals_file: { path: 's.jsonl', max_age_seconds: 60 } } as any }, { env: 'prod', logger: silentLogger(), baseDir: dir });
  expect(model.name).toBe('signals-file');
  const r = await model.estimate({ markets: MARKETS, nowMs: NOW + 60_000, cycle: 1 });
  expect(r.estimates.map((e) => [e.ticker, e.probabilityPpm, e.confidencePpm])).toEqual([['TS-E1-B', 333_333, 0]]);
  // llm is built now (test/models/llm.test.ts); without its key it is refused, naming the variable.
  expect(() => createModel(configSchema.parse({ model: { kind: 'llm' } }), { env: 'sim', logger: silentLogger(), processEnv: {} })).toThrow('ANTHROPIC_API_KEY: is required for model.kind=llm');
});
