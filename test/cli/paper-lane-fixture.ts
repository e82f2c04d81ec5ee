/**
 * A dry-run lane DB (sim) as a worker would leave it, written with the real stores: decisions of two first runs,
 * scans, paper orders/fills/positions/ledger, and cycles with CycleSummary rows. Every figure is hand-checkable:
 *
 *   bankroll 250
 *   A  KXHIGHNY-25JUN01-T60 yes 10.00 held, cost 4.27 (4.20 + fee 0.07); latest scan bid 0.45 → mark 4.50 (older scan 0.40)
 *   B  KXHIGHNY-25JUN01-T62 no   5.00 held, cost 2.80 (2.75 + fee 0.05); never scanned → marked at cost
 *   C  KXHIGHNY-25MAY31-T58 yes  3.00 settled yes: cost 1.50, paid 3.00, realised +1.50
 *   resting: buy KXHIGHNY-25JUN01-T64 yes 8.00 @ 0.33 (exposure 2.64); sell A yes 4.00 @ 0.60 (no exposure)
 *   cash     = 250 − 4.27 − 2.80 − 1.50 + 3.00                 = 244.43
 *   equity   = 250 + 1.50 + (4.50 − 4.27) + (2.80 − 2.80)       = 251.73
 *   exposure = 4.27 + 2.80 + 2.64                               = 9.71
 */
import fs from 'node:fs';
import path from 'node:path';
import { openStore } from '../../src/store';
import type { CycleSummary, DecisionRecord, MarketSnapshot } from '../../src/domain/trading-types';

export const LANE = 'kalshi-autopilot-sim-dry-run';
export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

export function snapshot(ticker: string, yesBid: number | null): MarketSnapshot {
  return {
    ticker, eventTicker: 'KXHIGHNY-25JUN01', seriesTicker: 'KXHIGHNY', status: 'active', closeTimeMs: T0 + 86_400_000,
    yesBid: yesBid === null ? null : { price: yesBid, size: 1000 }, yesAsk: yesBid === null ? null : { price: yesBid + 20_000, size: 1000 },
    lastPrice: null, volume: 0, openInterest: 0, priceRanges: [], feeType: 'quadratic', feeMultiplierPpm: 1_000_000, feeUnverified: false, result: null,
  };
}

export const ORDER: DecisionRecord = {
  cycle: 1, ticker: 'KXHIGHNY-25JUN01-T60', side: 'yes', fairValuePpm: 620_000, priceMicros: 420_000, edgeMicros: 171_234,
  confidencePpm: 800_000, countCentis: 1000, decision: 'order', reason: null, detail: null,
};
export const SKIP_EDGE: DecisionRecord = {
  cycle: 1, ticker: 'KXHIGHNY-25JUN01-T62', side: 'no', fairValuePpm: 580_000, priceMicros: 550_000, edgeMicros: 12_000,
  confidencePpm: 800_000, countCentis: 0, decision: 'skip', reason: 'min_edge_guard', detail: 'edge 0.0120 < min_edge 0.1000',
};
export const SKIP_NONE: DecisionRecord = {
  cycle: 1, ticker: 'KXHIGHNY-25JUN01-T64', side: null, fairValuePpm: null, priceMicros: null, edgeMicros: null,
  confidencePpm: null, countCentis: 0, decision: 'skip', reason: 'no_estimate_guard', detail: null,
};

export function summary(over: Partial<CycleSummary>): CycleSummary {
  return {
    scanId: null, scanned: 0, inScope: 0, estimates: 0, opportunities: 0, orders: 0, fills: 0, skipped: {}, bestEdge: null, whyNoTrade: null,
    cash: null, equity: null, exposure: null, openPositions: 0, restingOrders: 0, failedStage: null, ...over,
  };
}

/** Write the config (bankroll 250) and the populated lane DB into `cwd`; returns the DB path. */
export function populateLane(cwd: string): string {
  fs.writeFileSync(path.join(cwd, 'kalshi-autopilot.config.json'), JSON.stringify({ trading: { bankroll: 250, allowed_series_tickers: ['KXHIGHNY'] } }));
  const dbPath = path.join(cwd, 'data', `${LANE}.sqlite`);
  const s = openStore({ path: dbPath, mode: 'dry-run', env: 'sim' });
  try {
    // Decisions: run-A cycles 1 and 2, then a fresh first run run-B whose cycle 1 is the latest recorded.
    s.decisions.record({ firstRunId: 'run-A', cycle: 1 }, T0, [{ ...SKIP_EDGE, cycle: 1 }]);
    s.decisions.record({ firstRunId: 'run-A', cycle: 2 }, T0 + 60_000, [ORDER, SKIP_EDGE, SKIP_NONE].map((d) => ({ ...d, cycle: 2 })));
    s.decisions.record({ firstRunId: 'run-B', cycle: 1 }, T0 + 120_000, [ORDER, SKIP_NONE]);

    // Scans: A quoted 0.40 then 0.45 (the latest counts).
    s.scans.record({ firstRunId: 'run-A', cycle: 1 }, T0, [snapshot('KXHIGHNY-25JUN01-T60', 400_000)]);
    s.scans.record({ firstRunId: 'run-A', cycle: 2 }, T0 + 60_000, [snapshot('KXHIGHNY-25JUN01-T60', 450_000), snapshot('KXHIGHNY-25JUN01-T64', 310_000)]);
    const bookId = s.scans.recordBook({ ticker: 'KXHIGHNY-25JUN01-T60', yesBids: [{ price: 400_000, size: 1000 }], noBids: [{ price: 580_000, size: 1000 }] }, T0);

    const p = s.paper;
    const order = (clientOrderId: string, ticker: string, side: 'yes' | 'no', action: 'buy' | 'sell', price: number, count: number) =>
      p.insertOrder({
        clientOrderId, cycle: 1, ticker, eventTicker: ticker.split('-').slice(0, 2).join('-'), side, action, limitPriceMicros: price, countCentis: count,
        feeType: 'quadratic', feeMultiplierPpm: 1_000_000, placedAtMs: T0, expiresAtMs: T0 + 3_600_000, bookId,
      });
    const filled = (id: number, ticker: string, price: number, count: number, fee: number, cost: number) => {
      const fillId = p.insertFill({ orderId: id, countCentis: count, priceMicros: price, feeMicros: fee, atMs: T0, source: 'book', bookId, tradeId: null });
      p.addLedger({ atMs: T0, kind: 'buy_cost', amountMicros: -cost, ticker, orderId: id, fillId, note: null });
      p.addLedger({ atMs: T0, kind: 'fee', amountMicros: -fee, ticker, orderId: id, fillId, note: null });
      p.setFilled(id, count, 'filled', T0);
    };
    const a = order('c-a', 'KXHIGHNY-25JUN01-T60', 'yes', 'buy', 420_000, 1000);
    filled(a.id, a.ticker, 420_000, 1000, 70_000, 4_200_000);
    p.putPosition({ ticker: a.ticker, side: 'yes', eventTicker: a.eventTicker, countCentis: 1000, costMicros: 4_270_000, realizedPnlMicros: 0, settledResult: null, settledAtMs: null });
    const b = order('c-b', 'KXHIGHNY-25JUN01-T62', 'no', 'buy', 550_000, 500);
    filled(b.id, b.ticker, 550_000, 500, 50_000, 2_750_000);
    p.putPosition({ ticker: b.ticker, side: 'no', eventTicker: b.eventTicker, countCentis: 500, costMicros: 2_800_000, realizedPnlMicros: 0, settledResult: null, settledAtMs: null });
    const c = order('c-c', 'KXHIGHNY-25MAY31-T58', 'yes', 'buy', 500_000, 300);
    const cFill = p.insertFill({ orderId: c.id, countCentis: 300, priceMicros: 500_000, feeMicros: 0, atMs: T0, source: 'trade', bookId: null, tradeId: 'trade-1' });
    p.useTrade('trade-1', c.ticker, 300);
    p.addLedger({ atMs: T0, kind: 'buy_cost', amountMicros: -1_500_000, ticker: c.ticker, orderId: c.id, fillId: cFill, note: null });
    p.setFilled(c.id, 300, 'filled', T0);
    p.addLedger({ atMs: T0 + 1, kind: 'settlement', amountMicros: 3_000_000, ticker: c.ticker, orderId: null, fillId: null, note: 'yes settled yes' });
    p.putPosition({ ticker: c.ticker, side: 'yes', eventTicker: c.eventTicker, countCentis: 300, costMicros: 1_500_000, realizedPnlMicros: 1_500_000, settledResult: 'yes', settledAtMs: T0 + 1 });
    order('c-d', 'KXHIGHNY-25JUN01-T64', 'yes', 'buy', 330_000, 800);
    order('c-e', 'KXHIGHNY-25JUN01-T60', 'yes', 'sell', 600_000, 400);

    // Cycles: #1 traded, #2 placed nothing (the last finished one), #3 still running.
    const key = (cycle: number) => ({ lane: LANE, firstRunId: 'run-B', cycle });
    s.cycles.finish(key(1), 'r1', T0, T0 + 5_000, 'ok', summary({ scanned: 412, inScope: 18, estimates: 18, opportunities: 3, orders: 2, fills: 1 }) as never);
    s.cycles.finish(key(2), 'r1', T0 + 60_000, T0 + 65_000, 'ok', summary({
      scanned: 412, inScope: 18, estimates: 17, opportunities: 0, orders: 0, fills: 0, skipped: { min_edge_guard: 17, no_estimate_guard: 1 },
      bestEdge: '0.0400', whyNoTrade: '18 in scope, 17 estimates, best edge 0.04 < min_edge 0.10',
      cash: '244.4300', equity: '251.7300', exposure: '9.7100', openPositions: 2, restingOrders: 2,
    }) as never);
    s.cycles.begin(key(3), 'r1', T0 + 120_000);
  } finally {
    s.close();
  }
  return dbPath;
}
