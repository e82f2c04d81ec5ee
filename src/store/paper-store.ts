/**
 * Paper trading state of a dry-run lane: orders, fills, positions, trade use and a cash ledger of signed micro-dollar
 * entries (cash = trading.bankroll + Σ entries). Integers only. Typed primitives; the fill/settle rules that combine
 * them live in src/execution/paper*.ts and run inside `tx()` so each fill is applied atomically.
 */
import type { Database } from 'better-sqlite3';
import type { Centis, Micros } from '../domain/fixed';
import type { Action, Side } from '../domain/trading-types';

export type PaperOrderStatus = 'resting' | 'filled' | 'canceled' | 'expired';
export type LedgerKind = 'buy_cost' | 'sell_proceeds' | 'fee' | 'rounding' | 'settlement';

export interface NewPaperOrder {
  clientOrderId: string;
  cycle: number;
  ticker: string;
  eventTicker: string;
  side: Side;
  action: Action;
  limitPriceMicros: Micros;
  countCentis: Centis;
  feeType: string;
  feeMultiplierPpm: number;
  placedAtMs: number;
  expiresAtMs: number;
  bookId: number | null;
}

export interface PaperOrder extends NewPaperOrder {
  id: number;
  filledCentis: Centis;
  status: PaperOrderStatus;
  closedAtMs: number | null;
  closeReason: string | null;
}

export interface NewPaperFill {
  orderId: number;
  countCentis: Centis;
  priceMicros: Micros;
  feeMicros: Micros;
  atMs: number;
  source: 'book' | 'trade';
  bookId: number | null;
  tradeId: string | null;
}
export interface PaperFill extends NewPaperFill { id: number }

export interface PaperPosition {
  ticker: string;
  side: Side;
  eventTicker: string;
  countCentis: Centis;
  /** Everything paid for the contracts held (price, fees, cent rounding), reduced pro rata by sells. */
  costMicros: Micros;
  realizedPnlMicros: Micros;
  settledResult: Side | null;
  settledAtMs: number | null;
}

export interface LedgerEntry {
  id: number;
  atMs: number;
  kind: LedgerKind;
  amountMicros: Micros;
  ticker: string | null;
  orderId: number | null;
  fillId: number | null;
  note: string | null;
}

const PAPER_TABLES = ['paper_fills', 'paper_trade_use', 'paper_positions', 'paper_ledger', 'paper_orders'] as const;

const int = (v: number, what: string): number => {
  if (!Number.isSafeInteger(v)) throw new RangeError(`${what} must be an integer (got ${String(v)})`);
  return v;
};

export class PaperStore {
  constructor(private readonly db: Database) {}

  /** Run `fn` in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  insertOrder(o: NewPaperOrder): PaperOrder {
    int(o.limitPriceMicros, 'limitPriceMicros'); int(o.countCentis, 'countCentis');
    const id = Number(this.db.prepare(
      `INSERT INTO paper_orders (client_order_id, cycle, ticker, event_ticker, side, action, limit_price_micros, count_centis, status,
         fee_type, fee_multiplier_ppm, placed_at_ms, expires_at_ms, book_id)
       VALUES (@clientOrderId, @cycle, @ticker, @eventTicker, @side, @action, @limitPriceMicros, @countCentis, 'resting',
         @feeType, @feeMultiplierPpm, @placedAtMs, @expiresAtMs, @bookId)`,
    ).run(o).lastInsertRowid);
    return this.order(id)!;
  }

  order(id: number): PaperOrder | null {
    const r = this.db.prepare('SELECT * FROM paper_orders WHERE id = ?').get(id) as Record<string, never> | undefined;
    return r ? toOrder(r) : null;
  }

  orderByClientOrderId(clientOrderId: string): PaperOrder | null {
    const r = this.db.prepare('SELECT * FROM paper_orders WHERE client_order_id = ?').get(clientOrderId) as Record<string, never> | undefined;
    return r ? toOrder(r) : null;
  }

  orders(q: { status?: PaperOrderStatus; ticker?: string } = {}): PaperOrder[] {
    return (this.db.prepare(
      `SELECT * FROM paper_orders WHERE (@status IS NULL OR status = @status) AND (@ticker IS NULL OR ticker = @ticker) ORDER BY id`,
    ).all({ status: q.status ?? null, ticker: q.ticker ?? null }) as Record<string, never>[]).map(toOrder);
  }

  /** Set the filled count (and status) of an order. */
  setFilled(orderId: number, filledCentis: Centis, status: PaperOrderStatus, atMs: number): void {
    this.db.prepare(`UPDATE paper_orders SET filled_centis = ?, status = ?, closed_at_ms = CASE WHEN ? = 'resting' THEN NULL ELSE ? END WHERE id = ?`)
      .run(int(filledCentis, 'filledCentis'), status, status, atMs, orderId);
  }

  /** Close a resting order (canceled or expired) with a reason; a no-op on an order that is no longer resting. */
  close(orderId: number, status: 'canceled' | 'expired', atMs: number, reason: string): boolean {
    return this.db.prepare(`UPDATE paper_orders SET status = ?, closed_at_ms = ?, close_reason = ? WHERE id = ? AND status = 'resting'`)
      .run(status, atMs, reason, orderId).changes === 1;
  }

  insertFill(f: NewPaperFill): number {
    int(f.countCentis, 'countCentis'); int(f.priceMicros, 'priceMicros'); int(f.feeMicros, 'feeMicros');
    return Number(this.db.prepare(
      `INSERT INTO paper_fills (order_id, count_centis, price_micros, fee_micros, at_ms, source, book_id, trade_id)
       VALUES (@orderId, @countCentis, @priceMicros, @feeMicros, @atMs, @source, @bookId, @tradeId)`,
    ).run(f).lastInsertRowid);
  }

  fills(q: { orderId?: number } = {}): PaperFill[] {
    return (this.db.prepare('SELECT * FROM paper_fills WHERE (@o IS NULL OR order_id = @o) ORDER BY id').all({ o: q.orderId ?? null }) as Record<string, never>[])
      .map((r) => ({
        id: r.id, orderId: r.order_id, countCentis: r.count_centis, priceMicros: r.price_micros, feeMicros: r.fee_micros, atMs: r.at_ms,
        source: r.source, bookId: r.book_id, tradeId: r.trade_id,
      }));
  }

  /** Centi-contracts of a printed trade already used by paper orders. */
  tradeUsed(tradeId: string): Centis {
    const r = this.db.prepare('SELECT used_centis FROM paper_trade_use WHERE trade_id = ?').get(tradeId) as { used_centis: number } | undefined;
    return r?.used_centis ?? 0;
  }

  useTrade(tradeId: string, ticker: string, centis: Centis): void {
    this.db.prepare(`INSERT INTO paper_trade_use (trade_id, ticker, used_centis) VALUES (?, ?, ?)
      ON CONFLICT(trade_id) DO UPDATE SET used_centis = used_centis + excluded.used_centis`).run(tradeId, ticker, int(centis, 'centis'));
  }

  addLedger(e: Omit<LedgerEntry, 'id'>): number {
    return Number(this.db.prepare(
      `INSERT INTO paper_ledger (at_ms, kind, amount_micros, ticker, order_id, fill_id, note) VALUES (@atMs, @kind, @amountMicros, @ticker, @orderId, @fillId, @note)`,
    ).run({ ...e, amountMicros: int(e.amountMicros, 'amountMicros') }).lastInsertRowid);
  }

  ledger(): LedgerEntry[] {
    return (this.db.prepare('SELECT * FROM paper_ledger ORDER BY id').all() as Record<string, never>[]).map((r) => ({
      id: r.id, atMs: r.at_ms, kind: r.kind, amountMicros: r.amount_micros, ticker: r.ticker, orderId: r.order_id, fillId: r.fill_id, note: r.note,
    }));
  }

  /** An order's fee-rounding accumulator (kalshi-api.md §8 step 3): −Σ of its `rounding` entries (fees −, rebates +). */
  roundingAccumulator(orderId: number): Micros {
    const r = this.db.prepare("SELECT COALESCE(SUM(amount_micros), 0) AS s FROM paper_ledger WHERE order_id = ? AND kind = 'rounding'").get(orderId) as { s: number };
    return -r.s;
  }

  /** Cash = bankroll + Σ ledger entries (summed as BigInt: exact whatever the row count). */
  cashMicros(bankrollMicros: Micros): Micros {
    const rows = this.db.prepare('SELECT amount_micros AS a FROM paper_ledger').raw().all() as [number][];
    const total = rows.reduce((s, [a]) => s + BigInt(a), BigInt(int(bankrollMicros, 'bankrollMicros')));
    if (total > BigInt(Number.MAX_SAFE_INTEGER) || total < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('paper cash out of range');
    return Number(total);
  }

  position(ticker: string, side: Side): PaperPosition | null {
    const r = this.db.prepare('SELECT * FROM paper_positions WHERE ticker = ? AND side = ?').get(ticker, side) as Record<string, never> | undefined;
    return r ? toPosition(r) : null;
  }

  putPosition(p: PaperPosition): void {
    for (const k of ['countCentis', 'costMicros', 'realizedPnlMicros'] as const) int(p[k], k);
    this.db.prepare(
      `INSERT INTO paper_positions (ticker, side, event_ticker, count_centis, cost_micros, realized_pnl_micros, settled_result, settled_at_ms)
       VALUES (@ticker, @side, @eventTicker, @countCentis, @costMicros, @realizedPnlMicros, @settledResult, @settledAtMs)
       ON CONFLICT(ticker, side) DO UPDATE SET event_ticker = @eventTicker, count_centis = @countCentis, cost_micros = @costMicros,
         realized_pnl_micros = @realizedPnlMicros, settled_result = @settledResult, settled_at_ms = @settledAtMs`,
    ).run(p);
  }

  /** Positions; `open: true` = held contracts not yet settled. */
  positions(q: { open?: boolean; ticker?: string } = {}): PaperPosition[] {
    return (this.db.prepare(
      `SELECT * FROM paper_positions WHERE (@open = 0 OR (count_centis > 0 AND settled_result IS NULL)) AND (@ticker IS NULL OR ticker = @ticker) ORDER BY ticker, side`,
    ).all({ open: q.open ? 1 : 0, ticker: q.ticker ?? null }) as Record<string, never>[]).map(toPosition);
  }

  /** Realised P&L of all paper positions (settlements and sells), micros. */
  realizedPnlMicros(): Micros {
    return this.positions().reduce((s, p) => s + p.realizedPnlMicros, 0);
  }

  /** Wipe the paper tables (only those: scans, decisions, control state stay). Returns rows deleted per table. */
  resetPaper(confirm: true): Record<(typeof PAPER_TABLES)[number], number> {
    if (confirm !== true) throw new Error('resetPaper needs confirm: true');
    return this.tx(() => Object.fromEntries(PAPER_TABLES.map((t) => [t, this.db.prepare(`DELETE FROM ${t}`).run().changes]))) as Record<(typeof PAPER_TABLES)[number], number>;
  }
}

function toOrder(r: Record<string, never>): PaperOrder {
  return {
    id: r.id, clientOrderId: r.client_order_id, cycle: r.cycle, ticker: r.ticker, eventTicker: r.event_ticker, side: r.side, action: r.action,
    limitPriceMicros: r.limit_price_micros, countCentis: r.count_centis, filledCentis: r.filled_centis, status: r.status, feeType: r.fee_type,
    feeMultiplierPpm: r.fee_multiplier_ppm, placedAtMs: r.placed_at_ms, expiresAtMs: r.expires_at_ms, bookId: r.book_id,
    closedAtMs: r.closed_at_ms, closeReason: r.close_reason,
  };
}

function toPosition(r: Record<string, never>): PaperPosition {
  return {
    ticker: r.ticker, side: r.side, eventTicker: r.event_ticker, countCentis: r.count_centis, costMicros: r.cost_micros,
    realizedPnlMicros: r.realized_pnl_micros, settledResult: r.settled_result, settledAtMs: r.settled_at_ms,
  };
}
