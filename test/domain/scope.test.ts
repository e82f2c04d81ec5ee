import { filterInScope, isMarketInAllowedScope, isScopeEmpty, seriesFromTickerPrefix } from '../../src/domain/scope';

const EMPTY = { marketIds: [], eventTickers: [], seriesTickers: [] };
const m = (ticker: string, eventTicker: string, seriesTicker: string | null) => ({ ticker, eventTicker, seriesTicker });

describe('isMarketInAllowedScope', () => {
  const known = m('KXHIGHNY-24JAN01-T60', 'KXHIGHNY-24JAN01', 'KXHIGHNY');
  const unknownSeries = m('KXHIGHNY-24JAN01-T60', 'KXHIGHNY-24JAN01', null);

  it('matches by market id, event ticker or series ticker, in both modes', () => {
    for (const mode of ['dry-run', 'live'] as const) {
      expect(isMarketInAllowedScope(known, { ...EMPTY, marketIds: ['KXHIGHNY-24JAN01-T60'] }, mode)).toBe(true);
      expect(isMarketInAllowedScope(known, { ...EMPTY, eventTickers: ['KXHIGHNY-24JAN01'] }, mode)).toBe(true);
      expect(isMarketInAllowedScope(known, { ...EMPTY, seriesTickers: ['KXHIGHNY'] }, mode)).toBe(true);
      expect(isMarketInAllowedScope(known, { ...EMPTY, seriesTickers: ['KXHIGHCHI'], eventTickers: ['KXHIGHNY-24JAN02'] }, mode)).toBe(false);
    }
  });

  it('is case-sensitive and never matches a near miss', () => {
    expect(isMarketInAllowedScope(known, { ...EMPTY, marketIds: ['kxhighny-24jan01-t60'] }, 'live')).toBe(false);
    expect(isMarketInAllowedScope(known, { ...EMPTY, seriesTickers: ['KXHIGH'] }, 'dry-run')).toBe(false);
    expect(isMarketInAllowedScope(known, { ...EMPTY, eventTickers: ['KXHIGHNY'] }, 'live')).toBe(false);
  });

  it('uses the series from the event, and the ticker prefix only in dry-run', () => {
    const scope = { ...EMPTY, seriesTickers: ['KXHIGHNY'] };
    expect(isMarketInAllowedScope(unknownSeries, scope, 'dry-run')).toBe(true);
    expect(isMarketInAllowedScope(unknownSeries, scope, 'live')).toBe(false);
    // The event's series wins over a misleading ticker prefix.
    expect(isMarketInAllowedScope(m('KXHIGHNY-X-1', 'EV-1', 'OTHER'), scope, 'dry-run')).toBe(false);
    // Unknown series, but ticker or event listed: in scope in live too.
    expect(isMarketInAllowedScope(unknownSeries, { ...EMPTY, eventTickers: ['KXHIGHNY-24JAN01'] }, 'live')).toBe(true);
    expect(isMarketInAllowedScope(unknownSeries, { ...EMPTY, marketIds: ['KXHIGHNY-24JAN01-T60'] }, 'live')).toBe(true);
  });

  it('empty scope: everything in dry-run, nothing in live (fail closed)', () => {
    expect(isScopeEmpty(EMPTY)).toBe(true);
    expect(isMarketInAllowedScope(known, EMPTY, 'dry-run')).toBe(true);
    expect(isMarketInAllowedScope(known, EMPTY, 'live')).toBe(false);
    expect(isMarketInAllowedScope(known, { ...EMPTY, seriesTickers: ['KXHIGHNY'] }, 'bogus' as never)).toBe(false);
  });

  it('an empty ticker or event never matches an (invalid) empty list item', () => {
    expect(isMarketInAllowedScope(m('A-1', '', null), { ...EMPTY, eventTickers: [''] }, 'live')).toBe(false);
    expect(isMarketInAllowedScope(m('-1', 'E', null), { ...EMPTY, seriesTickers: [''] }, 'dry-run')).toBe(false);
  });
});

describe('seriesFromTickerPrefix', () => {
  it('takes the first dash-separated segment', () => {
    expect(seriesFromTickerPrefix('KXNBAGAME-26FEB19DETNYK-DET')).toBe('KXNBAGAME');
    expect(seriesFromTickerPrefix('NODASH')).toBeNull();
    expect(seriesFromTickerPrefix('-LEADING')).toBeNull();
  });
});

describe('filterInScope', () => {
  it('splits in input order and names the dropped tickers', () => {
    const markets = [m('A-1-X', 'A-1', 'A'), m('B-1-X', 'B-1', 'B'), m('C-1-X', 'C-1', null), m('D-1-X', 'D-1', 'D')];
    const scope = { marketIds: ['D-1-X'], eventTickers: [], seriesTickers: ['A', 'C'] };
    const live = filterInScope(markets, scope, 'live');
    expect(live.inScope.map((x) => x.ticker)).toEqual(['A-1-X', 'D-1-X']);
    expect(live.dropped).toEqual(['B-1-X', 'C-1-X']);
    const dry = filterInScope(markets, scope, 'dry-run');
    expect(dry.inScope.map((x) => x.ticker)).toEqual(['A-1-X', 'C-1-X', 'D-1-X']);
    expect(dry.dropped).toEqual(['B-1-X']);
    expect(filterInScope(markets, EMPTY, 'live')).toEqual({ inScope: [], dropped: ['A-1-X', 'B-1-X', 'C-1-X', 'D-1-X'] });
  });
});
