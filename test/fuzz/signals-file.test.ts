/**
 * Fuzz: the signals-file reader on random files (valid lines, mutated lines, garbage, blank lines, CRLF). Every
 * non-blank line ends in exactly one outcome — the ticker's estimate, or a skip naming its line (and field) — never a
 * crash, a silent drop, or a probability/confidence that is not an integer ppm in range.
 */
import fc from 'fast-check';
import { SignalsFileModel } from '../../src/models/signals-file';
import { silentLogger } from '../../src/observability/logger';
import { snapshot } from '../domain/market-fixture';
import { fuzzParams } from './fuzz-params';

const NOW = Date.UTC(2026, 8, 1, 12);
const TICKERS = ['KXA-1', 'KXA-2', 'KXB-1'];
const markets = TICKERS.map((ticker) => snapshot({ ticker }));

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const iso = (ms: number) => new Date(ms).toISOString();

const goodLine = fc.record({
  ticker: fc.constantFrom(...TICKERS, 'KXZ-UNKNOWN'),
  probability: fc.oneof(fc.integer({ min: 1, max: 999 }).map((n) => n / 1000), fc.integer({ min: 1, max: 99 }).map((n) => `0.${String(n).padStart(2, '0')}`)),
  confidence: fc.integer({ min: 0, max: 100 }).map((n) => n / 100),
  as_of: fc.integer({ min: -7_200_000, max: 120_000 }).map((d) => iso(NOW + d)),
  reasoning: fc.string({ maxLength: 30 }),
}) as fc.Arbitrary<Record<string, Json>>;

const bad: fc.Arbitrary<Json> = fc.constantFrom<Json>(null, true, -1, 0, 1, 1.5, 1e300, 0.1234567, 1e-9, '', 'x', '0.5', '-0.5', '1e-3', [], {}, '2026-09-01', 'not a date', '2026-09-01T12:00:00', iso(NOW));

const mutatedLine = fc.tuple(goodLine, fc.constantFrom('ticker', 'probability', 'confidence', 'as_of', 'reasoning', 'extra'), fc.constantFrom('set', 'delete'), bad)
  .map(([l, k, op, v]) => {
    const o: Record<string, Json> = { ...l };
    if (op === 'delete') delete o[k];
    else o[k] = v;
    return JSON.stringify(o);
  });

const line = fc.oneof(
  { weight: 3, arbitrary: goodLine.map((l) => JSON.stringify(l)) },
  { weight: 3, arbitrary: mutatedLine },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '{', '{"ticker":', '\t') },
);

describe('fuzz: signals-file reader', () => {
  it('each non-blank line is one estimate or one skip naming its line; estimates are integer ppm in range', async () => {
    await fc.assert(fc.asyncProperty(fc.array(line, { maxLength: 20 }), fc.boolean(), async (lines, crlf) => {
      const text = lines.join(crlf ? '\r\n' : '\n');
      const model = new SignalsFileModel({
        path: '/fuzz/signals.jsonl', maxAgeSeconds: 3600, logger: silentLogger(),
        readFile: async () => Buffer.from(text, 'utf8'), statSize: async () => Buffer.byteLength(text),
      });
      const r = await model.estimate({ markets, nowMs: NOW, cycle: 1 });
      const physical = text.split(/\r?\n/);
      const nonBlank = physical.map((l, i) => [l, i + 1] as const).filter(([l]) => l.trim() !== '');
      const lineSkips = r.skipped.filter((s) => /^line \d+: /.test(s.detail));
      // one outcome per non-blank line: an estimate (kept) or a skip with its line number
      const skippedLines = lineSkips.map((s) => Number(/^line (\d+)/.exec(s.detail)![1]));
      expect(new Set(skippedLines).size).toBe(skippedLines.length);
      expect(skippedLines.length + r.estimates.length).toBe(nonBlank.length);
      for (const n of skippedLines) expect(nonBlank.some(([, i]) => i === n)).toBe(true);
      // every market without an estimate is reported too
      expect(r.skipped.filter((s) => s.reason === 'no_estimate').length).toBe(TICKERS.length - r.estimates.length);
      for (const e of r.estimates) {
        expect(TICKERS).toContain(e.ticker);
        expect(Number.isSafeInteger(e.probabilityPpm) && e.probabilityPpm > 0 && e.probabilityPpm < 1_000_000).toBe(true);
        expect(Number.isSafeInteger(e.confidencePpm) && e.confidencePpm >= 0 && e.confidencePpm <= 1_000_000).toBe(true);
        expect(Number.isSafeInteger(e.asOfMs)).toBe(true);
      }
      for (const s of lineSkips) {
        if (s.reason === 'signal_malformed' || s.reason === 'signal_out_of_range') {
          expect(s.detail).toMatch(/not valid JSON|unknown key|ticker|probability|confidence|as_of|reasoning|line:/);
        }
      }
    }), fuzzParams(200));
  });
});
