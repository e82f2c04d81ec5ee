/**
 * book (live): fills, settlements and cancels are booked by reconciliation from the exchange (the first step of the
 * next cycle, docs/reconciliation.md), never here. This step reports the lane's live ledger after the cycle's orders:
 * cash (bankroll + the cash booked since the lane started), equity (open positions marked on their market now by the
 * one marking rule; at cost when the market cannot be read), exposure (positions + what resting, pending and unknown
 * buys could still take), open positions and orders that may still trade. Fixed-point text, never the rows.
 */
import type { Logger } from 'pino';
import type { MarketSnapshot } from '../domain/trading-types';
import type { Store } from '../store';
import type { BookOutcome } from './book';
import { bookFigures, laneLedger, ledgerOptions } from './ledger-view';
import { toSnapshot } from './market-snapshot';
import type { TradingDeps } from './trading-deps';

export async function bookLive(t: TradingDeps, store: Store, logger: Logger, input: { nowMs: number }): Promise<BookOutcome> {
  const { settings } = t;
  await t.venueClock?.advanceTo(input.nowMs);
  const lane = laneLedger('live', store, ledgerOptions(settings.fixed, input.nowMs));
  const markets = new Map<string, MarketSnapshot>();
  for (const ticker of [...new Set(lane.held().map((p) => p.ticker))].sort()) {
    try {
      markets.set(ticker, toSnapshot(await t.venue.getMarket(ticker), null, null, false));
    } catch (err) {
      logger.warn({ ticker, err: (err as Error).message }, 'held market unreadable: marked at cost');
    }
  }
  const v = lane.view((ticker) => markets.get(ticker) ?? null);
  // Fills, expiries and settlements are reconciliation's (next cycle), never booked here.
  return { fills: 0, expired: 0, settled: 0, ...bookFigures(v) };
}
