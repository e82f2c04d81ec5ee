/**
 * The snapshot of a held market that the cycle's scan does not hold (filtered out by volume or open interest, past
 * `venues.kalshi.max_markets`, or closed): market + its event + its series from the venue, so its fee facts and series
 * are known (exits price their sale with them; execute scope-checks them). Never invented: an event or series that
 * cannot be read leaves the series null and the fee type `unknown`, which an exit refuses to price. Pending fee
 * changes are not read (`feeUnverified` from the multiplier only): no entry is ever made on such a snapshot.
 */
import type { MarketSnapshot } from '../domain/trading-types';
import type { KalshiClient, KalshiEvent, KalshiSeries } from '../venues/kalshi';
import { toSnapshot } from './market-snapshot';

export async function heldMarketSnapshot(venue: Pick<KalshiClient, 'getMarket' | 'getEvent' | 'getSeries'>, ticker: string): Promise<MarketSnapshot> {
  const m = await venue.getMarket(ticker);
  let event: KalshiEvent | null = null;
  let series: KalshiSeries | null = null;
  try {
    event = await venue.getEvent(m.eventTicker);
    series = await venue.getSeries(event.seriesTicker);
  } catch {
    // Keep what was read: the market's own quotes still mark the position.
  }
  return toSnapshot(m, event, series, false);
}
