/** A plain active market for domain tests: YES bid 0.50 × 10, YES ask 0.52 × 5, 1¢ grid, standard fees. */
import type { MarketSnapshot } from '../../src/domain/trading-types';

export function snapshot(over: Partial<MarketSnapshot> = {}): MarketSnapshot {
  return {
    ticker: 'KXT-26JAN01-A', eventTicker: 'KXT-26JAN01', seriesTicker: 'KXT', status: 'active', closeTimeMs: null,
    yesBid: { price: 500_000, size: 1_000 }, yesAsk: { price: 520_000, size: 500 }, lastPrice: 510_000,
    volume: 100_000, openInterest: 50_000, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000,
    feeUnverified: false, result: null, ...over,
  };
}
