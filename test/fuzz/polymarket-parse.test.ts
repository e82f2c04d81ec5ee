/**
 * Fuzz: the Polymarket parsers and the cross-venue mapping reader on mutated recorded-shape samples. A Gamma list is
 * either read whole (as many markets as elements) or refused with a PolymarketParseError — never shortened, never
 * another error; a book is either best-first with prices strictly inside (0, 1) and positive integer sizes, or refused;
 * every non-blank mapping line is one entry or one skip naming its line.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { parseMapping } from '../../src/models/cross-venue-mapping';
import { parseBook, parseGammaMarkets, PolymarketParseError } from '../../src/venues/polymarket';
import { fuzzParams } from './fuzz-params';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const fixture = (name: string) => JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/polymarket', name), 'utf8')) as Json;
const MARKETS = fixture('gamma-markets.json') as Record<string, Json>[];
const BOOK = fixture('book-reversed.json') as Record<string, Json>;

const weird = fc.constantFrom<Json>(null, true, 0, -1, 1, 0.5, 1e-7, 1e21, '', 'x', '0.5', '1', '-0.1', '1e-3', '[]', '["Yes"]', '["1","2","3"]', '[1,2]', [], {}, ['Yes', 'No'], '0x12', '2026-09-01', '2026-09-01T00:00:00', '99999999999999999999');
const anything: fc.Arbitrary<Json> = fc.oneof(weird, fc.jsonValue() as fc.Arbitrary<Json>);

function mutate(o: Record<string, Json>, key: string, op: 'set' | 'delete', v: Json): Record<string, Json> {
  const c = { ...o };
  if (op === 'delete') delete c[key];
  else c[key] = v;
  return c;
}

const marketKeys = [...new Set(MARKETS.flatMap((m) => Object.keys(m)))];
const market = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...MARKETS) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...MARKETS), fc.constantFrom(...marketKeys), fc.constantFrom<'set' | 'delete'>('set', 'delete'), anything).map(([m, k, op, v]) => mutate(m, k, op, v)) },
  { weight: 1, arbitrary: anything },
);

const levelsArb = fc.array(fc.record({ price: fc.oneof(fc.integer({ min: 0, max: 100 }).map((n) => (n / 100).toString()), weird), size: fc.oneof(fc.integer({ min: 0, max: 5000 }).map(String), weird) }), { maxLength: 6 });
const book = fc.oneof(
  fc.tuple(levelsArb, levelsArb).map(([bids, asks]) => ({ ...BOOK, bids, asks }) as Record<string, Json>),
  fc.tuple(fc.constantFrom(...Object.keys(BOOK)), fc.constantFrom<'set' | 'delete'>('set', 'delete'), anything).map(([k, op, v]) => mutate(BOOK, k, op, v)),
);

describe('fuzz: Polymarket parsers', () => {
  it('a Gamma list is read whole or refused with PolymarketParseError', () => {
    fc.assert(fc.property(fc.array(market, { maxLength: 6 }), (list) => {
      let out;
      try {
        out = parseGammaMarkets(list);
      } catch (e) {
        expect(e).toBeInstanceOf(PolymarketParseError);
        expect((e as Error).message).toMatch(/^Polymarket GET \/markets: market \[\d+\]( \(.*\))? unreadable; refusing a partial list: /);
        return;
      }
      expect(out).toHaveLength(list.length);
      for (const m of out) {
        for (const o of m.outcomes) {
          if (o.price !== null) expect(Number.isSafeInteger(o.price) && o.price >= 0 && o.price <= 1_000_000).toBe(true);
          if (o.tokenId !== null) expect(o.tokenId).toMatch(/^\d+$/);
        }
      }
    }), fuzzParams(300));
  });

  it('a book is best-first with prices inside (0, 1) and positive sizes, or refused', () => {
    fc.assert(fc.property(book, (b) => {
      let out;
      try {
        out = parseBook(b);
      } catch (e) {
        expect(e).toBeInstanceOf(PolymarketParseError);
        return;
      }
      for (const [side, ls] of [['bids', out.bids], ['asks', out.asks]] as const) {
        for (let i = 0; i < ls.length; i++) {
          expect(ls[i].price > 0 && ls[i].price < 1_000_000 && Number.isSafeInteger(ls[i].price)).toBe(true);
          expect(ls[i].size > 0 && Number.isSafeInteger(ls[i].size)).toBe(true);
          if (i > 0) expect(side === 'bids' ? ls[i].price < ls[i - 1].price : ls[i].price > ls[i - 1].price).toBe(true);
        }
      }
    }), fuzzParams(300));
  });

  it('every non-blank mapping line is one entry or one skip naming its line', () => {
    const good = fc.record({
      kalshi_ticker: fc.constantFrom('A', 'B', 'C', 'D'),
      condition_id: fc.constantFrom(`0x${'a'.repeat(64)}`, `0x${'B'.repeat(64)}`),
      outcome: fc.constantFrom('Yes', 'No'),
      question: fc.constantFrom('Will A?', 'Will B?'),
    }) as fc.Arbitrary<Record<string, Json>>;
    const line = fc.oneof(
      good.map((l) => JSON.stringify(l)),
      fc.tuple(good, fc.constantFrom('kalshi_ticker', 'condition_id', 'outcome', 'question', 'note', 'extra'), fc.constantFrom<'set' | 'delete'>('set', 'delete'), anything).map(([l, k, op, v]) => JSON.stringify(mutate(l, k, op, v))),
      fc.string({ maxLength: 30 }),
      fc.constantFrom('', '  ', '{'),
    );
    fc.assert(fc.property(fc.array(line, { maxLength: 12 }), (lines) => {
      const text = lines.join('\n');
      const r = parseMapping(text);
      const nonBlank = text.split('\n').map((l, i) => [l, i + 1] as const).filter(([l]) => l.trim() !== '').map(([, i]) => i);
      const single = r.skipped.filter((s) => /^mapping line \d+: /.test(s.detail)).map((s) => Number(/^mapping line (\d+)/.exec(s.detail)![1]));
      const dup = r.skipped.filter((s) => /^mapping lines /.test(s.detail)).flatMap((s) => /^mapping lines ([\d, ]+) all map/.exec(s.detail)![1].split(', ').map(Number));
      const accounted = [...single, ...dup, ...[...r.entries.values()].map((e) => e.line)].sort((a, b) => a - b);
      expect(accounted).toEqual(nonBlank);
      expect(r.lines).toBe(nonBlank.length);
    }), fuzzParams(300));
  });
});
