/**
 * Polymarket parsers on recorded-shape samples (test/fixtures/polymarket): JSON-encoded string arrays, decimal token
 * ids, best-last books normalised best-first, missing optional fields, the stale 0.01/0.99 book — and strictness: an
 * unreadable element fails the call naming it, never a shorter list.
 */
import fs from 'node:fs';
import path from 'node:path';
import {
  parseBook, parseBooks, parseGammaMarkets, parseMidpoint, parsePrice, parsePricesHistory, PolymarketParseError,
} from '../../../src/venues/polymarket';

const fixture = (name: string): unknown => JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/polymarket', name), 'utf8'));
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x));

describe('Gamma markets', () => {
  const markets = parseGammaMarkets(fixture('gamma-markets.json'));

  it('decodes the string-encoded outcomes, prices and token ids in matching order, prices in micros', () => {
    expect(markets).toHaveLength(3);
    const fed = markets[0];
    expect(fed.outcomes).toEqual([
      { name: 'Yes', tokenId: '71321045679252212594626385532706912750332728571942532289631379312455583992563', price: 620_000 },
      { name: 'No', tokenId: '52114319501245915516055106046884209969926127482827954674443846427813813222426', price: 380_000 },
    ]);
    expect(fed).toMatchObject({
      id: '253591', endDateMs: Date.parse('2026-09-17T18:00:00Z'), bestBid: 610_000, bestAsk: 630_000, spread: 20_000, lastTradePrice: 620_000,
      orderPriceMinTickSize: 10_000, orderMinSize: 5_000_000, acceptingOrders: true, negRisk: false,
      // display figures truncated to whole micros (the wire has 9 decimals)
      liquidity: 48_123_981_234, volume: 1_523_409_284_711,
    });
  });

  it('missing optional fields are null, never invented; condition ids are lower-cased', () => {
    const m = markets[1];
    expect(m.conditionId).toBe('0xab65177b394277fd294cd75650044e32ba009a95022d88a0c1d565897d72f8f2');
    expect(m.outcomes).toEqual([{ name: 'Yes', tokenId: null, price: null }, { name: 'No', tokenId: null, price: null }]);
    expect(parseGammaMarkets([{ ...(fixture('gamma-markets.json') as any[])[1], endDate: '2026-12-31' }])[0].endDateMs).toBe(Date.UTC(2026, 11, 31));
    expect(m).toMatchObject({ endDate: null, endDateMs: null, bestBid: null, bestAsk: null, volume: null, acceptingOrders: null, enableOrderBook: null });
  });

  it('a multi-outcome market keeps every outcome', () => {
    expect(markets[2].outcomes.map((o) => [o.name, o.tokenId, o.price])).toEqual([['Alpha', '1001', 500_000], ['Beta', '1002', 300_000], ['Gamma', '1003', 200_000]]);
  });

  it.each([
    ['outcomes as a real array (not a JSON-encoded string)', (m: any) => { m.outcomes = ['Yes', 'No']; }, /market \[0\] \(0x5f65.*\) unreadable; refusing a partial list: outcomes: must be a string/],
    ['outcomePrices not JSON', (m: any) => { m.outcomePrices = '[0.62, 0.38'; }, /outcomePrices: not a JSON-encoded array/],
    ['clobTokenIds shorter than outcomes', (m: any) => { m.clobTokenIds = '["1"]'; }, /clobTokenIds: 1 entries for 2 outcomes/],
    ['a hex token id', (m: any) => { m.clobTokenIds = '["0xabc","2"]'; }, /clobTokenIds\[0\]: must be a decimal token id/],
    ['a token id as a JSON number inside the string', (m: any) => { m.clobTokenIds = '[1, 2]'; }, /clobTokenIds\[0\]: must be a string/],
    ['a price with more than 6 decimals', (m: any) => { m.outcomePrices = '["0.6200001","0.38"]'; }, /outcomePrices\[0\]: more than 6 decimals/],
    ['a bad condition id', (m: any) => { m.conditionId = '0x1234'; }, /conditionId: must be 0x \+ 64 hex/],
    ['a missing question', (m: any) => { delete m.question; }, /question: is required/],
    ['an endDate that is not a time', (m: any) => { m.endDate = 'soon'; }, /endDate: not an ISO-8601 time/],
    ['an endDate without a zone (would read as local time)', (m: any) => { m.endDate = '2026-09-17T18:00:00'; }, /endDate: not an ISO-8601 time/],
  ])('%s fails the whole list, naming element and field', (_n, mutate, msg) => {
    const body = clone(fixture('gamma-markets.json')) as any[];
    mutate(body[0]);
    expect(() => parseGammaMarkets(body)).toThrow(PolymarketParseError);
    expect(() => parseGammaMarkets(body)).toThrow(msg);
  });

  it('a body that is not an array is refused, never read as no markets', () => {
    expect(() => parseGammaMarkets({ data: [] })).toThrow(/not a JSON array of markets; refusing to read it as empty/);
    expect(parseGammaMarkets([])).toEqual([]);
  });
});

describe('CLOB books', () => {
  it('a best-last book is normalised best-first; sizes in micro-shares', () => {
    const b = parseBook(fixture('book-reversed.json'));
    expect(b.bids).toEqual([{ price: 610_000, size: 219_217_767 }, { price: 590_000, size: 350_500_000 }, { price: 550_000, size: 1_200_000_000 }]);
    expect(b.asks).toEqual([{ price: 630_000, size: 180_250_000 }, { price: 650_000, size: 410_000_000 }, { price: 700_000, size: 900_000_000 }]);
    expect(b).toMatchObject({ timestampMs: 1_788_000_000_123, tickSize: 10_000, minOrderSize: 5_000_000, lastTradePrice: 620_000, negRisk: false });
  });

  it('the stale 0.01/0.99 book parses as what it is (the model judges it, the parser does not hide it)', () => {
    const b = parseBook(fixture('book-stale.json'));
    expect([b.bids[0].price, b.asks[0].price, b.timestampMs]).toEqual([10_000, 990_000, 1_730_000_000_000]);
  });

  it('POST /books: every book, optional fields absent → null, a numeric timestamp accepted', () => {
    const [a, b] = parseBooks(fixture('books.json'));
    expect(a.bids.map((l) => l.price)).toEqual([490_000, 480_000]);
    expect(a.asks.map((l) => l.price)).toEqual([510_000, 520_000]);
    expect(b).toMatchObject({ assetId: '1002', timestampMs: 1_788_000_000_001, bids: [], hash: null, tickSize: null, minOrderSize: null, lastTradePrice: null });
  });

  it.each([
    ['a level priced 1', (b: any) => { b.asks[0].price = '1'; }, /asks\[0\]\.price: must be strictly between 0 and 1/],
    ['a zero size', (b: any) => { b.bids[1].size = '0'; }, /bids\[1\]\.size: must be positive/],
    ['a missing asks list', (b: any) => { delete b.asks; }, /asks: is required/],
    ['a duplicate price level', (b: any) => { b.bids[0].price = '0.61'; }, /bids: two levels at price/],
    ['an ISO timestamp', (b: any) => { b.timestamp = '2026-09-01T00:00:00Z'; }, /timestamp: must be a millisecond timestamp/],
  ])('%s fails the book, naming the field', (_n, mutate, msg) => {
    const body = clone(fixture('book-reversed.json'));
    mutate(body);
    expect(() => parseBook(body)).toThrow(msg);
  });

  it('one unreadable book fails POST /books', () => {
    const body = clone(fixture('books.json')) as any[];
    body[1].asks[0].size = 'lots';
    expect(() => parseBooks(body)).toThrow(/book \[1\] unreadable; refusing a partial list: asks\[0\]\.size/);
  });
});

describe('price, midpoint, prices-history', () => {
  it('/midpoint in both shapes; they must agree when both are sent', () => {
    expect(parseMidpoint(fixture('midpoint-mid.json'))).toBe(620_000);
    expect(parseMidpoint(fixture('midpoint-mid-price.json'))).toBe(615_000);
    expect(() => parseMidpoint({ mid: '0.6', mid_price: '0.61' })).toThrow(/disagree/);
    expect(() => parseMidpoint({})).toThrow(/neither mid nor mid_price/);
  });
  it('/price', () => {
    expect(parsePrice({ price: '0.63' })).toBe(630_000);
    expect(() => parsePrice({ price: 'x' })).toThrow(PolymarketParseError);
  });
  it('/prices-history keeps the wire order; JSON-number prices through their decimal text', () => {
    expect(parsePricesHistory(fixture('prices-history.json'))).toEqual([{ t: 1787990400, p: 600_000 }, { t: 1787994000, p: 615_000 }, { t: 1787997600, p: 620_000 }]);
    expect(() => parsePricesHistory({})).toThrow(/history: is required/);
    expect(() => parsePricesHistory({ history: [{ t: 1, p: 1e-7 }] })).toThrow(/cannot be held exactly/);
  });
});
