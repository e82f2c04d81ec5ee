/**
 * The allowed-scope check, applied three times per cycle (scanned list, sized intents as `final_scope_guard`, and
 * inside `execute`). A market is in scope when its ticker is listed, or its event is, or its series is.
 *
 * Kalshi markets carry no series field: the series comes from the market's event (`series_ticker`), null when the
 * event could not be read. Only in dry-run may the series fall back to the ticker's first segment (`SERIES-…`); in live
 * a market of unknown series is in scope only through its own ticker or its event. An empty scope means "everything"
 * in dry-run and "nothing" in live (config validation refuses that case already; here it fails closed).
 *
 * Comparisons are exact (tickers are case-sensitive); an empty string never matches. Pure.
 */
export type ScopeMode = 'dry-run' | 'live';

export interface ScopedMarket {
  ticker: string;
  eventTicker: string;
  seriesTicker: string | null;
}

export interface AllowedScope {
  readonly marketIds: readonly string[];
  readonly eventTickers: readonly string[];
  readonly seriesTickers: readonly string[];
}

export function isScopeEmpty(scope: AllowedScope): boolean {
  return scope.marketIds.length === 0 && scope.eventTickers.length === 0 && scope.seriesTickers.length === 0;
}

/** `KXHIGHNY-24JAN01-T60` → `KXHIGHNY`; null when there is no non-empty first segment followed by `-`. */
export function seriesFromTickerPrefix(ticker: string): string | null {
  const i = ticker.indexOf('-');
  return i > 0 ? ticker.slice(0, i) : null;
}

function listed(list: readonly string[], value: string | null): boolean {
  return value !== null && value !== '' && list.includes(value);
}

export function isMarketInAllowedScope(market: ScopedMarket, scope: AllowedScope, mode: ScopeMode): boolean {
  if (mode !== 'dry-run' && mode !== 'live') return false; // an unknown mode is treated as stricter than live
  if (isScopeEmpty(scope)) return mode === 'dry-run';
  if (listed(scope.marketIds, market.ticker)) return true;
  if (listed(scope.eventTickers, market.eventTicker)) return true;
  const series = market.seriesTicker ?? (mode === 'dry-run' ? seriesFromTickerPrefix(market.ticker) : null);
  return listed(scope.seriesTickers, series);
}

export interface ScopeFilterResult<M> {
  inScope: M[];
  /** Tickers of the markets left out, in input order. */
  dropped: string[];
}

export function filterInScope<M extends ScopedMarket>(markets: readonly M[], scope: AllowedScope, mode: ScopeMode): ScopeFilterResult<M> {
  const inScope: M[] = [];
  const dropped: string[] = [];
  for (const m of markets) {
    if (isMarketInAllowedScope(m, scope, mode)) inScope.push(m);
    else dropped.push(m.ticker);
  }
  return { inScope, dropped };
}
