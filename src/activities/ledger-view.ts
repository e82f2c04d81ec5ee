/**
 * The lane's ledger as the decision step, the guards and status see it, from the paper store (dry-run): marks by the
 * one marking rule, capital base, exposure (computed once: positions + resting orders), today's trades per market.
 */
import { capitalSnapshot, CapitalSnapshot } from '../domain/capital';
import { utcDayStartMs } from '../domain/daily-loss';
import type { Exposure } from '../domain/dedupe';
import { notionalCeil } from '../domain/fixed';
import { markPosition } from '../domain/marking';
import type { MarketSnapshot } from '../domain/trading-types';
import type { PaperStore } from '../store';

export interface LedgerView {
  capital: CapitalSnapshot;
  cashMicros: number;
  realisedPnlMicros: number;
  marketExposure: Record<string, number>;
  exposure: Exposure;
  tradesToday: Record<string, number>;
  openPositions: number;
  restingOrders: number;
}

export function paperLedgerView(
  paper: PaperStore,
  opts: { bankrollMicros: number; nowMs: number; maxTotalExposureFractionPpm: number; maxNewExposurePerDayFractionPpm: number },
  marketOf: (ticker: string) => MarketSnapshot | null,
): LedgerView {
  const positions = paper.positions({ open: true });
  // A resting sell only reduces a position already counted: exposure is what the lane could lose, positions + buys.
  const resting = paper.orders({ status: 'resting' }).filter((o) => o.action === 'buy');
  const marked = positions.map((p) => {
    const m = marketOf(p.ticker);
    // No market data for a held market: mark at cost (no unrealised gain or loss), never invent a price.
    const mark = m ? markPosition({ side: p.side, countCentis: p.countCentis, costMicros: p.costMicros }, m) : p.costMicros;
    return { costMicros: p.costMicros, markMicros: mark };
  });
  const dayStart = utcDayStartMs(opts.nowMs);
  const today = paper.orders({}).filter((o) => o.placedAtMs >= dayStart && o.action === 'buy');
  const tradesToday: Record<string, number> = {};
  let todaysNew = 0;
  for (const o of today) {
    tradesToday[o.ticker] = (tradesToday[o.ticker] ?? 0) + 1;
    todaysNew += notionalCeil(o.limitPriceMicros, o.countCentis);
  }
  const marketExposure: Record<string, number> = {};
  for (const p of positions) marketExposure[p.ticker] = (marketExposure[p.ticker] ?? 0) + p.costMicros;
  for (const o of resting) marketExposure[o.ticker] = (marketExposure[o.ticker] ?? 0) + notionalCeil(o.limitPriceMicros, o.countCentis - o.filledCentis);
  const realised = paper.realizedPnlMicros();
  const capital = capitalSnapshot({
    bankrollMicros: opts.bankrollMicros,
    realisedPnlMicros: realised,
    positions: marked,
    restingOrders: resting.map((o) => ({ priceMicros: o.limitPriceMicros, remainingCentis: o.countCentis - o.filledCentis })),
    accountEquityMicros: null,
    todaysNewExposureMicros: todaysNew,
    maxTotalExposureFractionPpm: opts.maxTotalExposureFractionPpm,
    maxNewExposurePerDayFractionPpm: opts.maxNewExposurePerDayFractionPpm,
  });
  const exposedMarkets = new Set([...positions.map((p) => p.ticker), ...resting.map((o) => o.ticker)]);
  const exposedEvents = new Set([...positions.map((p) => p.eventTicker), ...resting.map((o) => o.eventTicker)]);
  return {
    capital,
    cashMicros: paper.cashMicros(opts.bankrollMicros),
    realisedPnlMicros: realised,
    marketExposure,
    exposure: { markets: [...exposedMarkets].sort(), events: [...exposedEvents].sort() },
    tradesToday,
    openPositions: positions.length,
    restingOrders: paper.orders({ status: 'resting' }).length,
  };
}
