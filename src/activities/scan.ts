/**
 * scan: fetch what the scope names (series → events → markets; events; market ids), or — dry-run only, scope empty —
 * open events with their markets up to `venues.kalshi.max_markets`. Markets are filtered (active, volume, open
 * interest) and scope-checked BEFORE any analysis (scope check #1), stored in the lane DB, and referred to by id.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { filterInScope, isScopeEmpty } from '../domain/scope';
import type { MarketSnapshot } from '../domain/trading-types';
import type { Store } from '../store';
import type { KalshiEvent, KalshiMarket, KalshiSeries } from '../venues/kalshi';
import { toSnapshot } from './market-snapshot';
import { progress } from './heartbeat';
import type { TradingDeps } from './trading-deps';

export interface ScanResult {
  scanId: number;
  /** Markets fetched from the exchange. */
  scanned: number;
  /** Markets left for analysis (active, filters passed, in scope). */
  inScope: number;
  outOfScope: number;
  /** Dropped by status or by `filters.min_volume` / `filters.min_open_interest`. */
  filtered: number;
}

export async function scanMarkets(t: TradingDeps, store: Store, ref: { firstRunId: string; cycle: number }, nowMs: number): Promise<ScanResult> {
  const { settings, venue } = t;
  await t.venueClock?.advanceTo(nowMs);
  const events = new Map<string, KalshiEvent | null>();
  const markets = new Map<string, KalshiMarket>();
  const addEvent = (e: KalshiEvent) => {
    events.set(e.eventTicker, e);
    for (const m of e.markets) markets.set(m.ticker, m);
  };
  const scope = settings.scope;
  if (isScopeEmpty(scope)) {
    if (settings.mode === 'live') {
      throw ApplicationFailure.nonRetryable('a live lane never scans without a scope (trading.allowed_* are empty)', 'ScopeRequired');
    }
    const max = settings.config.venues.kalshi.max_markets;
    // Every event holds at least one market, so max_markets events are enough to fill max_markets markets.
    for (const e of await venue.listEvents({ status: 'open', withNestedMarkets: true }, { maxItems: max, maxPages: 1000 })) {
      if (markets.size >= max) break;
      addEvent({ ...e, markets: e.markets.slice(0, max - markets.size) });
    }
  } else {
    for (const s of scope.seriesTickers) {
      for (const e of await venue.listEvents({ seriesTicker: s, status: 'open', withNestedMarkets: true })) addEvent(e);
      progress({ stage: 'scan', series: s, markets: markets.size });
    }
    for (const e of scope.eventTickers) if (!events.has(e)) addEvent(await venue.getEvent(e));
    for (const id of scope.marketIds) {
      if (markets.has(id)) continue;
      const m = await venue.getMarket(id);
      markets.set(m.ticker, m);
      if (!events.has(m.eventTicker)) {
        // A market whose event cannot be read has no known series: in live it is in scope only by ticker or event.
        try {
          const e = await venue.getEvent(m.eventTicker);
          events.set(e.eventTicker, e);
        } catch {
          events.set(m.eventTicker, null);
        }
      }
    }
  }
  progress({ stage: 'scan', markets: markets.size });

  const series = new Map<string, KalshiSeries | null>();
  for (const e of events.values()) {
    if (!e || series.has(e.seriesTicker)) continue;
    series.set(e.seriesTicker, await venue.getSeries(e.seriesTicker));
  }
  const pending = new Set((await venue.getSeriesFeeChanges()).map((c) => c.seriesTicker));

  const minVolume = settings.config.filters.min_volume * 100;
  const minOi = settings.config.filters.min_open_interest * 100;
  const snaps: MarketSnapshot[] = [];
  let filtered = 0;
  for (const m of markets.values()) {
    const e = events.get(m.eventTicker) ?? null;
    const s = e ? series.get(e.seriesTicker) ?? null : null;
    const snap = toSnapshot(m, e, s, e ? pending.has(e.seriesTicker) : false);
    if (snap.status !== 'active' || snap.volume < minVolume || snap.openInterest < minOi) filtered += 1;
    else snaps.push(snap);
  }
  const { inScope, dropped } = filterInScope(snaps, scope, settings.mode);
  const scanId = store.scans.record(ref, nowMs, inScope);
  return { scanId, scanned: markets.size, inScope: inScope.length, outOfScope: dropped.length, filtered };
}
