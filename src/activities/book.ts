/**
 * book (paper): resting paper orders fill only from trades printed after they were placed, strictly through their
 * price; orders past `execution.order_ttl_seconds` expire; positions in finalized markets settle from the result and
 * realise P&L. Returns the ledger after it (fixed-point text), never the rows themselves.
 */
import type { Logger } from 'pino';
import type { MarketSnapshot } from '../domain/trading-types';
import { PaperExecutor } from '../execution/paper';
import type { Store } from '../store';
import { bookFigures, ledgerOptions, paperLedgerView } from './ledger-view';
import { toSnapshot } from './market-snapshot';
import type { TradingDeps } from './trading-deps';

export interface BookOutcome {
  fills: number;
  expired: number;
  settled: number;
  cash: string;
  equity: string;
  exposure: string;
  realisedPnl: string;
  openPositions: number;
  restingOrders: number;
}

export async function bookPaper(t: TradingDeps, store: Store, logger: Logger, input: { nowMs: number }): Promise<BookOutcome> {
  const { settings } = t;
  await t.venueClock?.advanceTo(input.nowMs);
  const executor = new PaperExecutor({
    paper: store.paper,
    bankrollMicros: settings.fixed.bankroll,
    orderTtlMs: settings.config.execution.order_ttl_seconds * 1000,
    logger,
  });
  let fills = 0;
  const resting = store.paper.orders({ status: 'resting' });
  for (const ticker of [...new Set(resting.map((o) => o.ticker))].sort()) {
    const since = Math.min(...resting.filter((o) => o.ticker === ticker).map((o) => o.placedAtMs));
    const trades = await t.venue.listTrades({ ticker, minTs: Math.floor(since / 1000) - 1 });
    fills += executor.fillFromTrades(trades, input.nowMs).length;
  }
  const expired = executor.expire(input.nowMs).length;

  const markets = new Map<string, MarketSnapshot>();
  let settled = 0;
  for (const ticker of [...new Set(store.paper.positions({ open: true }).map((p) => p.ticker))].sort()) {
    const m = toSnapshot(await t.venue.getMarket(ticker), null, null, false);
    markets.set(ticker, m);
    // P&L is realised only once the market is finalized (determined markets are marked at their value meanwhile).
    if (m.status === 'finalized' && m.result !== null) {
      executor.settle(ticker, m.result, input.nowMs);
      settled += 1;
    }
  }
  const f = settings.fixed;
  const v = paperLedgerView(
    store.paper,
    ledgerOptions(f, input.nowMs),
    (ticker) => markets.get(ticker) ?? null,
  );
  return { fills, expired, settled, ...bookFigures(v) };
}
