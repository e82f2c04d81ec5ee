/**
 * Reconciliation from exchange truth (issue 9 "Every cycle starts with reconciliation"; docs/reconciliation.md). Pure.
 *
 * Input: the lane's journal rows, its ledger (booked fill ids, positions, settled markets, cash since the lane
 * started) and COMPLETE exchange reads (orders of all statuses walked to the last page from min_ts, fills, signed
 * market positions, settlements, balance, the user-data timestamp read before the walks). The caller never calls this
 * with a read that failed or was cut short: such a run is incomplete and changes nothing (origin B3/B4).
 *
 * Output, a plan the activity applies in one transaction:
 *   transitions  journal rows in pending_submit / unknown (resolveUnknown on the walk) and resting (the exchange's
 *                status) that change
 *   adoptions    exchange orders carrying the lane's client_order_id prefix that the journal does not hold
 *   fills        lane fills (orders of the journal or adopted) not booked yet, oldest first, with their cash and
 *                realised P&L under netting (a closing contract releases $1, as the exchange does)
 *   settlements  settled markets the lane holds a ledger position in, not settled yet: realised P&L, position closed
 *   foreign      resting orders without the lane's prefix and positions in markets the lane does not know: exposure
 *                that blocks the market and its event, never cancelled
 *   mismatch     positions (markets the lane knows) or cash (change since start) beyond tolerance, both sides in the
 *                detail → reconciliation_mismatch_guard; MISMATCH_LATCH_RUNS in a row → latched
 */
import type { Centis, Micros } from './fixed';
import { complement, notional, ONE_DOLLAR } from './fixed';
import { unreservedBalanceMicros } from './balance-assumption';
import { planJournalTransitions, type JournalRowLike, type Transition } from './reconcile-journal';

/** Consecutive mismatching (complete) runs after which the mismatch latches until an operator clears it. */
export const MISMATCH_LATCH_RUNS = 3;

// THE assumption about Kalshi's balance vs resting collateral: src/domain/balance-assumption.ts (re-exported here).
export { BALANCE_RESERVES_RESTING_COLLATERAL, restingCollateralMicros, unreservedBalanceMicros } from './balance-assumption';

/** The exchange floors each fill's balance change to the cent and rebates per order (§8): ≤ 1¢ per order apart. */
export const CASH_TOLERANCE_PER_ORDER: Micros = 10_000;

export type { JournalRowLike, Transition } from './reconcile-journal';

export interface ExchangeOrderLike {
  orderId: string;
  clientOrderId: string | null;
  ticker: string;
  status: string;
  fillCount: Centis;
  remainingCount: Centis;
  side: 'yes' | 'no';
  action: 'buy' | 'sell';
  price: Micros;
  bookSide: 'bid' | 'ask';
  initialCount: Centis | null;
  createdTime: string | null;
}

export interface ExchangeFillLike {
  fillId: string;
  orderId: string;
  ticker: string;
  bookSide: 'bid' | 'ask';
  yesPrice: Micros;
  count: Centis;
  fee: Micros;
  isTaker: boolean;
  createdTime: string | null;
  ts: number | null;
}

export interface ExchangeSettlementLike {
  ticker: string;
  marketResult: string;
  yesCount: Centis;
  noCount: Centis;
  revenue: Micros;
  value: Micros | null;
  settledTime: string | null;
}

export interface LedgerPositionLike {
  ticker: string;
  positionCentis: Centis;
  costMicros: Micros;
  realizedPnlMicros: Micros;
  feesMicros: Micros;
  settled: boolean;
}

export interface ReconcileInput {
  /** lanePrefix(firstRunId): `ka1<hex>-`. */
  prefix: string;
  journal: readonly JournalRowLike[];
  orders: readonly ExchangeOrderLike[];
  fills: readonly ExchangeFillLike[];
  positions: readonly { ticker: string; position: Centis }[];
  settlements: readonly ExchangeSettlementLike[];
  /** GET /exchange/user_data_timestamp, read before the walks (ms; null if unreadable: absence proves nothing). */
  asOfMs: number | null;
  asOfTime: string | null;
  /**
   * GET /historical/cutoff `orders_updated_ts` (ms): orders canceled/executed before it are only in /historical/orders,
   * so a row first sent before it is never concluded "not placed" from /portfolio/orders. Null = unreadable.
   */
  ordersCutoffMs: number | null;
  /** The reconciling workflow and cycle: never-sent pending rows of other runs / earlier cycles are skipped. */
  current?: { firstRunId: string; cycle: number };
  balanceMicros: Micros;
  /**
   * The balance when the lane started (its first complete reconciliation); null on that first run: then the start is
   * derived as the balance minus what this run books, so a lane whose first reconciliation finds its own fills
   * already on the exchange does not start with a cash mismatch.
   */
  startBalanceMicros: Micros | null;
  /** Σ of the lane's cash ledger movements booked so far. */
  ledgerCashMicros: Micros;
  bookedFillIds: ReadonlySet<string>;
  ledgerPositions: readonly LedgerPositionLike[];
  settledTickers: ReadonlySet<string>;
  /** Event of each market named by a foreign order/position or an adopted order (the activity looks them up). */
  eventOf: Readonly<Record<string, string>>;
  /** consecutive_mismatches of the previous complete run. */
  previousMismatches: number;
}

export interface Adoption {
  clientOrderId: string;
  cycle: number;
  idx: number;
  order: ExchangeOrderLike;
  eventTicker: string;
}

export interface BookedFill extends ExchangeFillLike {
  clientOrderId: string | null;
  /** Balance movement before the exchange's cent flooring: revenue (−cost, +$1 per closing contract) − fee. */
  cashMicros: Micros;
  realizedMicros: Micros;
}

export interface AppliedSettlement {
  ticker: string;
  marketResult: string;
  positionCentis: Centis;
  revenueMicros: Micros;
  realizedPnlMicros: Micros;
  settledTime: string | null;
}

export interface ForeignItem {
  kind: 'order' | 'position';
  ref: string;
  ticker: string;
  eventTicker: string;
  detail: string;
}

export interface MismatchDetail {
  positions: { ticker: string; exchange: Centis; ledger: Centis }[];
  cash: { exchangeChange: Micros; ledgerChange: Micros; toleranceMicros: Micros } | null;
}

export interface ReconcilePlan {
  transitions: Transition[];
  adoptions: Adoption[];
  fills: BookedFill[];
  settlements: AppliedSettlement[];
  /** The ledger positions after the plan (only tickers that changed). */
  positions: LedgerPositionLike[];
  foreign: ForeignItem[];
  mismatch: MismatchDetail | null;
  consecutiveMismatches: number;
  latch: boolean;
  /** The lane's start balance (input's, or derived on the first run). */
  startBalanceMicros: Micros;
  /** Things worth a line in the run's detail that are not mismatches (a resting row missing from the walk...). */
  notes: string[];
  /** Unknown rows that stay unknown because they were first sent before the historical cutoff: alert an operator. */
  pastCutoff: string[];
}

/** `ka1<hex>-<cycle36>-<idx36>` → cycle and index, or null when the id carries the prefix but not the shape. */
export function parseLaneOrderId(prefix: string, clientOrderId: string): { cycle: number; idx: number } | null {
  if (!clientOrderId.startsWith(prefix)) return null;
  const m = /^([0-9a-z]+)-([0-9a-z]+)$/.exec(clientOrderId.slice(prefix.length));
  if (!m) return null;
  const cycle = parseInt(m[1], 36);
  const idx = parseInt(m[2], 36);
  if (!Number.isSafeInteger(cycle) || cycle < 1 || !Number.isSafeInteger(idx) || idx < 0) return null;
  return { cycle, idx };
}

/** The orders walk's `min_ts` (Unix s): 120 s before the earliest of the lane's start and its journal's first sends. */
export function walkMinTs(laneStartMs: number, journal: readonly JournalRowLike[]): number {
  let earliest = laneStartMs;
  for (const r of journal) {
    const t = r.firstSentAtMs ?? r.sentAtMs;
    if (t !== null && t < earliest) earliest = t;
  }
  return Math.max(0, Math.floor(earliest / 1000) - 120);
}

function fillOrder(a: ExchangeFillLike, b: ExchangeFillLike): number {
  const ta = a.createdTime ? Date.parse(a.createdTime) : (a.ts ?? 0) * 1000;
  const tb = b.createdTime ? Date.parse(b.createdTime) : (b.ts ?? 0) * 1000;
  if (ta !== tb) return ta - tb;
  return a.fillId < b.fillId ? -1 : a.fillId > b.fillId ? 1 : 0;
}

/** One fill on a signed position under netting (as the exchange books it): new position, cash and realised P&L. */
export function applyFillToPosition(p: LedgerPositionLike, f: ExchangeFillLike): { next: LedgerPositionLike; cashMicros: Micros; realizedMicros: Micros } {
  const price = f.bookSide === 'bid' ? f.yesPrice : complement(f.yesPrice);
  const closable = f.bookSide === 'bid' ? Math.max(0, -p.positionCentis) : Math.max(0, p.positionCentis);
  const closing = Math.min(f.count, closable);
  const opening = f.count - closing;
  let revenue = -notional(price, f.count);
  let cost = p.costMicros;
  let realized = 0;
  if (closing > 0) {
    const released = notional(ONE_DOLLAR, closing);
    revenue += released;
    const held = Math.abs(p.positionCentis);
    const removed = Number((BigInt(cost) * BigInt(closing)) / BigInt(held));
    cost -= removed;
    realized = released - notional(price, closing) - removed;
  }
  if (opening > 0) cost += notional(price, opening);
  const position = p.positionCentis + (f.bookSide === 'bid' ? f.count : -f.count);
  if (position === 0) cost = 0;
  realized -= f.fee;
  return {
    next: { ...p, positionCentis: position, costMicros: cost, realizedPnlMicros: p.realizedPnlMicros + realized, feesMicros: p.feesMicros + f.fee, settled: false },
    cashMicros: revenue - f.fee,
    realizedMicros: realized,
  };
}

/** What the lane's net position receives at settlement (its own count, not the account's). */
export function settlementRevenue(positionCentis: Centis, s: Pick<ExchangeSettlementLike, 'marketResult' | 'value'>): Micros | null {
  if (positionCentis === 0) return 0;
  const yes = positionCentis > 0;
  const n = Math.abs(positionCentis);
  if (s.marketResult === 'yes') return yes ? notional(ONE_DOLLAR, n) : 0;
  if (s.marketResult === 'no') return yes ? 0 : notional(ONE_DOLLAR, n);
  if (s.marketResult === 'scalar' && s.value !== null) return yes ? notional(s.value, n) : notional(complement(s.value), n);
  return null;
}

function emptyPosition(ticker: string): LedgerPositionLike {
  return { ticker, positionCentis: 0, costMicros: 0, realizedPnlMicros: 0, feesMicros: 0, settled: false };
}

export function planReconciliation(input: ReconcileInput): ReconcilePlan {
  const notes: string[] = [];
  const { prefix } = input;
  const byClientId = new Map<string, ExchangeOrderLike>();
  for (const o of input.orders) if (o.clientOrderId !== null && !byClientId.has(o.clientOrderId)) byClientId.set(o.clientOrderId, o);
  const journalIds = new Set(input.journal.map((r) => r.clientOrderId));

  // (a) journal rows (reconcile-journal.ts)
  const step = planJournalTransitions({ journal: input.journal, byClientId, asOfMs: input.asOfMs, asOfTime: input.asOfTime, ordersCutoffMs: input.ordersCutoffMs, current: input.current });
  const transitions: Transition[] = step.transitions;
  notes.push(...step.notes);

  // (d) adoptions and (e) foreign orders
  const adoptions: Adoption[] = [];
  const foreign: ForeignItem[] = [];
  const laneOrderIds = new Map<string, string | null>(); // exchange order id → client order id
  for (const r of input.journal) if (r.exchangeOrderId) laneOrderIds.set(r.exchangeOrderId, r.clientOrderId);
  const eventOf = (t: string): string => input.eventOf[t] ?? t;
  for (const o of input.orders) {
    const cid = o.clientOrderId;
    // Journal membership first: rows of any first run id the journal holds (a `restart` makes a new prefix; the
    // previous workflow's orders are still the lane's, never foreign).
    if (cid !== null && journalIds.has(cid)) {
      laneOrderIds.set(o.orderId, cid);
      continue;
    }
    if (cid !== null && cid.startsWith(prefix)) {
      laneOrderIds.set(o.orderId, cid);
      const parsed = parseLaneOrderId(prefix, cid);
      if (parsed) {
        adoptions.push({ clientOrderId: cid, ...parsed, order: o, eventTicker: eventOf(o.ticker) });
        journalIds.add(cid);
        continue;
      }
      notes.push(`order ${o.orderId} carries the lane's prefix but not its id shape (${cid}); treated as foreign`);
    }
    if (o.status === 'resting') {
      foreign.push({ kind: 'order', ref: o.orderId, ticker: o.ticker, eventTicker: eventOf(o.ticker), detail: `resting ${o.action} ${o.side} ${o.remainingCount} centis @ ${o.price} micros, client_order_id ${cid ?? '(none)'}` });
    }
  }

  // (b) fills to book
  const positions = new Map<string, LedgerPositionLike>();
  for (const p of input.ledgerPositions) positions.set(p.ticker, p);
  const changed = new Set<string>();
  const fills: BookedFill[] = [];
  const ordersWithFills = new Set<string>();
  const laneFills = input.fills.filter((f) => laneOrderIds.has(f.orderId));
  for (const f of input.fills) if (laneOrderIds.has(f.orderId)) ordersWithFills.add(f.orderId);
  for (const f of [...laneFills].sort(fillOrder)) {
    if (input.bookedFillIds.has(f.fillId) || fills.some((x) => x.fillId === f.fillId)) continue;
    const p = positions.get(f.ticker) ?? emptyPosition(f.ticker);
    if (p.settled) {
      notes.push(`fill ${f.fillId} on ${f.ticker} arrived after its settlement was booked`);
    }
    const r = applyFillToPosition(p, f);
    positions.set(f.ticker, r.next);
    changed.add(f.ticker);
    fills.push({ ...f, clientOrderId: laneOrderIds.get(f.orderId) ?? null, cashMicros: r.cashMicros, realizedMicros: r.realizedMicros });
  }

  // (c) settlements of markets the lane holds
  const settlements: AppliedSettlement[] = [];
  for (const s of input.settlements) {
    if (input.settledTickers.has(s.ticker) || settlements.some((x) => x.ticker === s.ticker)) continue;
    const p = positions.get(s.ticker);
    if (!p) continue; // not the lane's market
    const revenue = settlementRevenue(p.positionCentis, s);
    if (revenue === null) {
      notes.push(`settlement of ${s.ticker}: unreadable result ${JSON.stringify(s.marketResult)}; not booked`);
      continue;
    }
    const pnl = revenue - p.costMicros;
    settlements.push({ ticker: s.ticker, marketResult: s.marketResult, positionCentis: p.positionCentis, revenueMicros: revenue, realizedPnlMicros: pnl, settledTime: s.settledTime });
    positions.set(s.ticker, { ...p, positionCentis: 0, costMicros: 0, realizedPnlMicros: p.realizedPnlMicros + pnl, settled: true });
    changed.add(s.ticker);
  }

  // (e) foreign positions; (f) position mismatches in markets the lane knows
  const known = new Set<string>([...input.journal.map((r) => r.ticker), ...adoptions.map((a) => a.order.ticker), ...positions.keys()]);
  const exchangePos = new Map<string, Centis>();
  for (const p of input.positions) exchangePos.set(p.ticker, (exchangePos.get(p.ticker) ?? 0) + p.position);
  const posMismatch: MismatchDetail['positions'] = [];
  for (const [ticker, qty] of exchangePos) {
    if (qty === 0) continue;
    if (!known.has(ticker)) foreign.push({ kind: 'position', ref: ticker, ticker, eventTicker: eventOf(ticker), detail: `position ${qty} centis (signed: + YES, − NO)` });
  }
  for (const ticker of [...known].sort()) {
    const ledger = positions.get(ticker)?.positionCentis ?? 0;
    const exchange = exchangePos.get(ticker) ?? 0;
    if (ledger !== exchange) posMismatch.push({ ticker, exchange, ledger });
  }

  // (f) cash since the lane started
  const ledgerChange = input.ledgerCashMicros + fills.reduce((a, f) => a + f.cashMicros, 0) + settlements.reduce((a, s) => a + s.revenueMicros, 0);
  // The balance through the one assumption about resting collateral (BALANCE_RESERVES_RESTING_COLLATERAL).
  const balance = unreservedBalanceMicros(input.balanceMicros, input.orders);
  const startBalanceMicros = input.startBalanceMicros ?? balance - (ledgerChange - input.ledgerCashMicros);
  const exchangeChange = balance - startBalanceMicros;
  const tolerance = CASH_TOLERANCE_PER_ORDER * Math.max(1, ordersWithFills.size);
  // The exchange floors each fill's change and rebates per order: it is at most `tolerance` BELOW the exact ledger.
  const cashOff = !(exchangeChange <= ledgerChange && ledgerChange - exchangeChange <= tolerance);
  const cash = cashOff ? { exchangeChange, ledgerChange, toleranceMicros: tolerance } : null;

  const mismatch = posMismatch.length > 0 || cash ? { positions: posMismatch, cash } : null;
  const consecutiveMismatches = mismatch ? input.previousMismatches + 1 : 0;
  return {
    transitions, adoptions, fills, settlements,
    positions: [...changed].sort().map((t) => positions.get(t)!),
    foreign, mismatch, consecutiveMismatches, latch: consecutiveMismatches >= MISMATCH_LATCH_RUNS, startBalanceMicros, notes, pastCutoff: step.pastCutoff,
  };
}
