/**
 * Kalshi market + its event + its series → the decision step's MarketSnapshot (integers only). The series comes from
 * the event (Kalshi markets carry no series field); a non-default fee multiplier on the series or event, or a pending
 * fee change on the series, marks the fees unverified.
 */
import type { MarketSnapshot } from '../domain/trading-types';
import type { KalshiEvent, KalshiMarket, KalshiSeries } from '../venues/kalshi';

const ONE = 1_000_000;

export function toSnapshot(
  m: KalshiMarket,
  event: Pick<KalshiEvent, 'seriesTicker' | 'feeMultiplierOverridePpm' | 'feeTypeOverride'> & Partial<Pick<KalshiEvent, 'title' | 'subTitle' | 'category'>> | null,
  series: Pick<KalshiSeries, 'feeType' | 'feeMultiplierPpm'> & Partial<Pick<KalshiSeries, 'settlementSources' | 'category'>> | null,
  pendingFeeChange: boolean,
): MarketSnapshot {
  const multiplier = event?.feeMultiplierOverridePpm ?? series?.feeMultiplierPpm ?? ONE;
  const quote = (q: KalshiMarket['yesBid']) => (q && q.size > 0 && q.price > 0 && q.price < ONE ? { price: q.price, size: q.size } : null);
  const closeMs = m.closeTime ? Date.parse(m.closeTime) : NaN;
  return {
    ticker: m.ticker,
    eventTicker: m.eventTicker,
    seriesTicker: event?.seriesTicker ?? null,
    status: m.status,
    closeTimeMs: Number.isFinite(closeMs) ? closeMs : null,
    yesBid: quote(m.yesBid),
    yesAsk: quote(m.yesAsk),
    lastPrice: m.lastPrice,
    volume: m.volume,
    openInterest: m.openInterest,
    priceRanges: m.priceRanges.map((r) => ({ start: r.start, end: r.end, step: r.step })),
    feeType: event?.feeTypeOverride ?? series?.feeType ?? 'unknown',
    feeMultiplierPpm: multiplier,
    feeUnverified: pendingFeeChange || multiplier !== ONE || (event?.feeMultiplierOverridePpm ?? null) !== null,
    result: m.result === 'yes' || m.result === 'no' ? m.result : null,
    category: series?.category ?? event?.category ?? null,
    terms: {
      title: m.title,
      yesSubTitle: m.yesSubTitle,
      noSubTitle: m.noSubTitle,
      eventTitle: event?.title ?? null,
      eventSubTitle: event?.subTitle ?? null,
      rulesPrimary: m.rulesPrimary,
      rulesSecondary: m.rulesSecondary,
      settlementSources: series?.settlementSources ?? [],
      closeTime: m.closeTime,
      expectedExpirationTime: m.expectedExpirationTime,
      latestExpirationTime: m.latestExpirationTime,
      strikeType: m.strikeType,
      floorStrike: m.floorStrike,
      capStrike: m.capStrike,
    },
  };
}
