/**
 * The lane's ledger as the decision step, the guards, `book` and status see it: marks by the one marking rule,
 * capital base, exposure (computed once: positions + resting buys), today's trades per market. Two sources, one rule:
 *
 *   paperLedgerView  dry-run: the paper store (positions, paper orders, the paper cash ledger)
 *   laneLedger('live') live: what reconciliation booked from the exchange (live_positions, live_fills, the cash
 *                    ledger) and the order journal (resting buys; `pending_submit` / `unknown` rows count as exposure
 *                    too: the exchange may hold them). Never the paper store: a live lane has no paper orders, and a
 *                    ledger read from it would let the caps, the daily-loss and drawdown guards and
 *                    duplicate_exposure_guard see an empty lane while the account holds positions.
 */
import { capitalSnapshot, CapitalSnapshot } from '../domain/capital';
import { utcDayStartMs } from '../domain/daily-loss';
import type { Exposure } from '../domain/dedupe';
import { notionalCeil } from '../domain/fixed';
import { markPosition } from '../domain/marking';
import type { MarketSnapshot, Side } from '../domain/trading-types';
import type { PaperStore, Store } from '../store';
import type { FixedConfigValues } from '../config/run-context';
import { formatDollarsExact } from '../domain/fixed';

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

export interface LedgerViewOptions {
  bankrollMicros: number;
  nowMs: number;
  maxTotalExposureFractionPpm: number;
  maxNewExposurePerDayFractionPpm: number;
}

/** The view's options from the lane's fixed-point config at the logical clock's `nowMs`. */
export function ledgerOptions(f: Pick<FixedConfigValues, 'bankroll' | 'maxTotalExposureFractionPpm' | 'maxNewExposurePerDayFractionPpm'>, nowMs: number): LedgerViewOptions {
  return { bankrollMicros: f.bankroll, nowMs, maxTotalExposureFractionPpm: f.maxTotalExposureFractionPpm, maxNewExposurePerDayFractionPpm: f.maxNewExposurePerDayFractionPpm };
}

/** `book`'s answer (fixed-point text) from the ledger view after it, with the step's own counts. */
export function bookFigures(v: LedgerView): { cash: string; equity: string; exposure: string; realisedPnl: string; openPositions: number; restingOrders: number } {
  const $ = formatDollarsExact;
  return {
    cash: $(v.cashMicros),
    equity: $(v.capital.laneEquityMicros),
    exposure: $(v.capital.exposureMicros),
    realisedPnl: $(v.realisedPnlMicros),
    openPositions: v.openPositions,
    restingOrders: v.restingOrders,
  };
}

/** An open position of the lane (one side; the live ledger's signed count made positive). */
export interface HeldPosition {
  ticker: string;
  eventTicker: string;
  side: Side;
  countCentis: number;
  costMicros: number;
}

/** An order that may still trade: its remaining count at its limit price. */
export interface OpenOrder {
  ticker: string;
  eventTicker: string;
  side: Side;
  action: 'buy' | 'sell';
  priceMicros: number;
  remainingCentis: number;
}

export interface LedgerFacts {
  positions: HeldPosition[];
  open: OpenOrder[];
  /** Buys placed since 00:00 UTC of the logical clock: ticker and notional at the limit. */
  today: { ticker: string; priceMicros: number; countCentis: number }[];
  realisedMicros: number;
  cashMicros: number;
}

function viewOf(f: LedgerFacts, opts: LedgerViewOptions, marketOf: (ticker: string) => MarketSnapshot | null): LedgerView {
  // A resting sell only reduces a position already counted: exposure is what the lane could lose, positions + buys.
  const buys = f.open.filter((o) => o.action === 'buy');
  const marked = f.positions.map((p) => {
    const m = marketOf(p.ticker);
    // No market data for a held market: mark at cost (no unrealised gain or loss), never invent a price.
    const mark = m ? markPosition({ side: p.side, countCentis: p.countCentis, costMicros: p.costMicros }, m) : p.costMicros;
    return { costMicros: p.costMicros, markMicros: mark };
  });
  const tradesToday: Record<string, number> = {};
  let todaysNew = 0;
  for (const o of f.today) {
    tradesToday[o.ticker] = (tradesToday[o.ticker] ?? 0) + 1;
    todaysNew += notionalCeil(o.priceMicros, o.countCentis);
  }
  const marketExposure: Record<string, number> = {};
  for (const p of f.positions) marketExposure[p.ticker] = (marketExposure[p.ticker] ?? 0) + p.costMicros;
  for (const o of buys) marketExposure[o.ticker] = (marketExposure[o.ticker] ?? 0) + notionalCeil(o.priceMicros, o.remainingCentis);
  const capital = capitalSnapshot({
    bankrollMicros: opts.bankrollMicros,
    realisedPnlMicros: f.realisedMicros,
    positions: marked,
    restingOrders: buys.map((o) => ({ priceMicros: o.priceMicros, remainingCentis: o.remainingCentis })),
    accountEquityMicros: null,
    todaysNewExposureMicros: todaysNew,
    maxTotalExposureFractionPpm: opts.maxTotalExposureFractionPpm,
    maxNewExposurePerDayFractionPpm: opts.maxNewExposurePerDayFractionPpm,
  });
  const exposedMarkets = new Set([...f.positions.map((p) => p.ticker), ...buys.map((o) => o.ticker)]);
  const exposedEvents = new Set([...f.positions.map((p) => p.eventTicker), ...buys.map((o) => o.eventTicker)]);
  return {
    capital,
    cashMicros: f.cashMicros,
    realisedPnlMicros: f.realisedMicros,
    marketExposure,
    exposure: { markets: [...exposedMarkets].sort(), events: [...exposedEvents].sort() },
    tradesToday,
    openPositions: f.positions.length,
    restingOrders: f.open.length,
  };
}

function paperFacts(paper: PaperStore, opts: LedgerViewOptions): LedgerFacts {
  const dayStart = utcDayStartMs(opts.nowMs);
  return {
    positions: paper.positions({ open: true }).map((p) => ({ ticker: p.ticker, eventTicker: p.eventTicker, side: p.side, countCentis: p.countCentis, costMicros: p.costMicros })),
    open: paper.orders({ status: 'resting' }).map((o) => ({
      ticker: o.ticker, eventTicker: o.eventTicker, side: o.side, action: o.action, priceMicros: o.limitPriceMicros, remainingCentis: o.countCentis - o.filledCentis,
    })),
    today: paper.orders({}).filter((o) => o.placedAtMs >= dayStart && o.action === 'buy').map((o) => ({ ticker: o.ticker, priceMicros: o.limitPriceMicros, countCentis: o.countCentis })),
    realisedMicros: paper.realizedPnlMicros(),
    cashMicros: paper.cashMicros(opts.bankrollMicros),
  };
}

/** Journal statuses whose order may be on the exchange and still trade (unknown: it may exist). */
const MAY_TRADE = new Set(['pending_submit', 'unknown', 'resting']);
/** Journal statuses of an order that went to the exchange (a trade of the day, whatever became of it). */
const SENT = new Set(['pending_submit', 'unknown', 'resting', 'executed', 'canceled']);

/** The live ledger's facts from the journal and reconciliation's tables (a Store, or the two stores on a read-only DB). */
export function liveFacts(store: Pick<Store, 'journal' | 'liveLedger'>, opts: Pick<LedgerViewOptions, 'bankrollMicros' | 'nowMs'>): LedgerFacts {
  const journal = store.journal.rows();
  const eventOf = new Map<string, string>();
  for (const r of journal) eventOf.set(r.ticker, r.eventTicker);
  const filled = new Map<string, number>();
  for (const f of store.liveLedger.fills()) if (f.clientOrderId) filled.set(f.clientOrderId, (filled.get(f.clientOrderId) ?? 0) + f.countCentis);
  const all = store.liveLedger.positions();
  const positions: HeldPosition[] = all
    .filter((p) => p.positionCentis !== 0)
    .map((p) => ({
      ticker: p.ticker, eventTicker: eventOf.get(p.ticker) ?? p.ticker, side: p.positionCentis > 0 ? 'yes' : 'no',
      countCentis: Math.abs(p.positionCentis), costMicros: p.costMicros,
    }));
  const dayStart = utcDayStartMs(opts.nowMs);
  return {
    positions,
    open: journal
      .filter((r) => MAY_TRADE.has(r.status))
      .map((r) => ({
        ticker: r.ticker, eventTicker: r.eventTicker, side: r.side, action: r.action, priceMicros: r.priceMicros,
        remainingCentis: Math.max(0, r.countCentis - (filled.get(r.clientOrderId) ?? 0)),
      }))
      .filter((o) => o.remainingCentis > 0),
    today: journal
      .filter((r) => SENT.has(r.status) && r.action === 'buy' && r.createdAtMs >= dayStart)
      .map((r) => ({ ticker: r.ticker, priceMicros: r.priceMicros, countCentis: r.countCentis })),
    realisedMicros: all.reduce((s, p) => s + p.realizedPnlMicros, 0),
    cashMicros: opts.bankrollMicros + store.liveLedger.cashChange(),
  };
}

export function paperLedgerView(paper: PaperStore, opts: LedgerViewOptions, marketOf: (ticker: string) => MarketSnapshot | null): LedgerView {
  return viewOf(paperFacts(paper, opts), opts, marketOf);
}


/** The lane's ledger by run mode: what the decision step and `book` read (one source per mode, never both). */
export interface LaneLedger {
  source: 'paper' | 'live';
  /** Open positions (one side each). */
  held(): HeldPosition[];
  /** Orders that may still trade (resting; for live also pending_submit / unknown). */
  open(): OpenOrder[];
  view(marketOf: (ticker: string) => MarketSnapshot | null): LedgerView;
}

/** The lane's facts, read once (one pass over the tables) for the options' clock: held(), open() and view() share them. */
export function laneLedger(mode: 'dry-run' | 'live', store: Store, opts: LedgerViewOptions): LaneLedger {
  const facts = mode === 'live' ? liveFacts(store, opts) : paperFacts(store.paper, opts);
  return {
    source: mode === 'live' ? 'live' : 'paper',
    held: () => facts.positions,
    open: () => facts.open,
    view: (marketOf) => viewOf(facts, opts, marketOf),
  };
}
