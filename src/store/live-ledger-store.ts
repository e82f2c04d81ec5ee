/**
 * The live ledger of a lane (migration 5; docs/reconciliation.md): fills booked once by fill_id (fee_cost as reported),
 * signed positions with cost and realised P&L, the cash ledger (integers), settlements applied once, reconciliation
 * runs (complete, mismatch detail, the 3-run latch) and the foreign exposure seen by the latest complete run.
 *
 *   applyPlan(ctx, plan, extras)   the whole plan of src/domain/reconcile.ts in ONE transaction (journal transitions
 *                                  and adoptions included); returns the run id. A crash mid-booking (the
 *                                  `during_fill_booking` point, `extras.afterFillBooked`) rolls ALL of it back: the
 *                                  next run books every fill, once (fill_id is the key)
 *   recordIncomplete(ctx, why)     a run whose reads failed: only the run row, nothing else changes
 *   mismatchBlock()                reconciliation_mismatch_guard: blocked while the latest complete run mismatched,
 *                                  or latched (3 in a row) until clearMismatchLatch
 *   foreignBlocks()                markets and events blocked by foreign exposure
 */
import type { Database } from 'better-sqlite3';
import type { Adoption, LedgerPositionLike, MismatchDetail, ReconcilePlan } from '../domain/reconcile';
import { RECONCILIATION_TRANSITIONS, type JournalStatus } from './journal-store';
import { JournalStore } from './journal-store';

export interface LiveFillRow {
  fillId: string; orderId: string; clientOrderId: string | null; ticker: string; bookSide: 'bid' | 'ask'; yesPriceMicros: number;
  countCentis: number; feeMicros: number; cashMicros: number; realizedMicros: number; isTaker: boolean; createdTime: string | null;
  bookedAtMs: number; reconcileRunId: number;
}

export interface ReconciliationRun {
  id: number; firstRunId: string; cycle: number; atMs: number; complete: boolean; mismatch: boolean; consecutiveMismatches: number;
  latched: boolean; clearedAtMs: number | null; clearedBy: string | null; summary: Record<string, unknown>; detail: unknown;
}

export interface ForeignExposureRow { kind: 'order' | 'position'; ref: string; ticker: string; eventTicker: string; detail: string; seenAtMs: number }

export interface RunContext { firstRunId: string; cycle: number; atMs: number }

export class LiveLedgerStore {
  private readonly journal: JournalStore;

  constructor(private readonly db: Database) {
    this.journal = new JournalStore(db);
  }

  /** The exchange balance when the lane first reconciled (null before). */
  startBalance(): number | null {
    const r = this.db.prepare("SELECT amount_micros AS a FROM live_cash_ledger WHERE kind = 'start'").get() as { a: number } | undefined;
    return r ? r.a : null;
  }

  startAtMs(): number | null {
    const r = this.db.prepare("SELECT at_ms AS t FROM live_cash_ledger WHERE kind = 'start'").get() as { t: number } | undefined;
    return r ? r.t : null;
  }

  /** Σ of the cash movements (fills, settlements) since the start. */
  cashChange(): number {
    return (this.db.prepare("SELECT COALESCE(SUM(amount_micros), 0) AS s FROM live_cash_ledger WHERE kind <> 'start'").get() as { s: number }).s;
  }

  bookedFillIds(): Set<string> {
    return new Set((this.db.prepare('SELECT fill_id FROM live_fills').all() as { fill_id: string }[]).map((r) => r.fill_id));
  }

  fills(): LiveFillRow[] {
    return (this.db.prepare('SELECT * FROM live_fills ORDER BY rowid').all() as Record<string, never>[]).map((r) => ({
      fillId: r.fill_id, orderId: r.order_id, clientOrderId: r.client_order_id, ticker: r.ticker, bookSide: r.book_side, yesPriceMicros: r.yes_price_micros,
      countCentis: r.count_centis, feeMicros: r.fee_micros, cashMicros: r.cash_micros, realizedMicros: r.realized_micros, isTaker: r.is_taker === 1,
      createdTime: r.created_time, bookedAtMs: r.booked_at_ms, reconcileRunId: r.reconcile_run_id,
    }));
  }

  positions(): LedgerPositionLike[] {
    return (this.db.prepare('SELECT * FROM live_positions ORDER BY ticker').all() as Record<string, never>[]).map((r) => ({
      ticker: r.ticker, positionCentis: r.position_centis, costMicros: r.cost_micros, realizedPnlMicros: r.realized_pnl_micros, feesMicros: r.fees_micros, settled: r.settled === 1,
    }));
  }

  settledTickers(): Set<string> {
    return new Set((this.db.prepare('SELECT ticker FROM live_settlements').all() as { ticker: string }[]).map((r) => r.ticker));
  }

  runs(): ReconciliationRun[] {
    return (this.db.prepare('SELECT * FROM reconciliation_runs ORDER BY id').all() as Record<string, never>[]).map(toRun);
  }

  lastCompleteRun(): ReconciliationRun | null {
    const r = this.db.prepare('SELECT * FROM reconciliation_runs WHERE complete = 1 ORDER BY id DESC LIMIT 1').get() as Record<string, never> | undefined;
    return r ? toRun(r) : null;
  }

  foreign(): ForeignExposureRow[] {
    return (this.db.prepare('SELECT * FROM foreign_exposure ORDER BY ticker, kind, ref').all() as Record<string, never>[]).map((r) => ({
      kind: r.kind, ref: r.ref, ticker: r.ticker, eventTicker: r.event_ticker, detail: r.detail, seenAtMs: r.seen_at_ms,
    }));
  }

  /** Markets and events the lane must not enter because the account holds foreign exposure there. */
  foreignBlocks(): { tickers: Set<string>; events: Set<string> } {
    const f = this.foreign();
    return { tickers: new Set(f.map((x) => x.ticker)), events: new Set(f.map((x) => x.eventTicker)) };
  }

  /**
   * reconciliation_mismatch_guard: blocked while the latest complete run mismatched, and while any latched run (3
   * mismatching runs in a row) has not been cleared by an operator — even after the mismatch went away.
   */
  mismatchBlock(): { blocked: boolean; latched: boolean; detail: unknown } {
    const latched = this.db.prepare('SELECT * FROM reconciliation_runs WHERE latched = 1 AND cleared_at_ms IS NULL ORDER BY id DESC LIMIT 1').get() as Record<string, never> | undefined;
    const last = this.lastCompleteRun();
    if (latched) return { blocked: true, latched: true, detail: toRun(latched).detail };
    if (last?.mismatch) return { blocked: true, latched: false, detail: last.detail };
    return { blocked: false, latched: false, detail: null };
  }

  /** An operator clears the latch (kalshi-autopilot … ); the next mismatching run starts counting from zero. */
  clearMismatchLatch(by: string, atMs: number): number {
    return this.db.prepare('UPDATE reconciliation_runs SET cleared_at_ms = ?, cleared_by = ? WHERE latched = 1 AND cleared_at_ms IS NULL').run(atMs, by).changes;
  }

  /** consecutive_mismatches to continue from (0 after an operator cleared a latch). */
  previousMismatches(): number {
    const last = this.lastCompleteRun();
    if (!last || (last.latched && last.clearedAtMs !== null)) return 0;
    return last.consecutiveMismatches;
  }

  /** A run whose reads failed or were cut short: records the run and NOTHING else (origin B3/B4). */
  recordIncomplete(ctx: RunContext, reason: string): number {
    return Number(this.db.prepare(
      'INSERT INTO reconciliation_runs (first_run_id, cycle, at_ms, complete, mismatch, summary, detail) VALUES (?, ?, ?, 0, 0, ?, ?)',
    ).run(ctx.firstRunId, ctx.cycle, ctx.atMs, JSON.stringify({ complete: false }), JSON.stringify({ reason })).lastInsertRowid);
  }

  /**
   * Apply a complete run's plan in one transaction: the start balance (first run), journal transitions (exchange
   * truth) and adoptions, fills, positions, settlements, cash, the foreign exposure (replaced) and the run row.
   */
  applyPlan(ctx: RunContext, plan: ReconcilePlan, extras: { summary: Record<string, unknown>; afterFillBooked?: () => void }): number {
    return this.db.transaction((): number => {
      if (this.startBalance() === null) {
        this.db.prepare("INSERT INTO live_cash_ledger (at_ms, kind, ref, amount_micros) VALUES (?, 'start', 'start', ?)").run(ctx.atMs, plan.startBalanceMicros);
      }
      const detail = plan.mismatch || plan.notes.length > 0 ? JSON.stringify({ mismatch: plan.mismatch, notes: plan.notes }) : null;
      const runId = Number(this.db.prepare(
        'INSERT INTO reconciliation_runs (first_run_id, cycle, at_ms, complete, mismatch, consecutive_mismatches, latched, summary, detail) VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)',
      ).run(ctx.firstRunId, ctx.cycle, ctx.atMs, plan.mismatch ? 1 : 0, plan.consecutiveMismatches, plan.latch ? 1 : 0, JSON.stringify(extras.summary), detail).lastInsertRowid);

      for (const t of plan.transitions) {
        const row = this.journal.get(t.clientOrderId);
        if (!row || row.status !== t.from) continue; // changed meanwhile: the next run sees it
        if (!RECONCILIATION_TRANSITIONS[row.status].includes(t.to as JournalStatus)) continue;
        if (t.exchangeOrderId && row.exchangeOrderId && t.exchangeOrderId !== row.exchangeOrderId) continue; // the run detail notes it
        if (t.to === 'skipped' && (row.sentAtMs !== null || row.firstSentAtMs !== null || !t.skipCode)) continue; // sent meanwhile: not skippable
        this.journal.recordOutcome(t.clientOrderId, t.to, { atMs: ctx.atMs, exchangeOrderId: t.exchangeOrderId, detail: t.detail, reconciled: true, ...(t.to === 'skipped' ? { skipCode: t.skipCode } : {}) });
      }
      for (const a of plan.adoptions) this.adopt(ctx, a);

      const insFill = this.db.prepare(`INSERT INTO live_fills (fill_id, order_id, client_order_id, ticker, book_side, yes_price_micros, count_centis, fee_micros,
        cash_micros, realized_micros, is_taker, created_time, booked_at_ms, reconcile_run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fill_id) DO NOTHING`);
      const insCash = this.db.prepare('INSERT INTO live_cash_ledger (at_ms, kind, ref, amount_micros) VALUES (?, ?, ?, ?) ON CONFLICT (kind, ref) DO NOTHING');
      for (const f of plan.fills) {
        const r = insFill.run(f.fillId, f.orderId, f.clientOrderId, f.ticker, f.bookSide, f.yesPrice, f.count, f.fee, f.cashMicros, f.realizedMicros, f.isTaker ? 1 : 0, f.createdTime, ctx.atMs, runId);
        if (r.changes !== 1) throw new Error(`live_fills: fill ${f.fillId} is already booked (a concurrent reconciliation?)`);
        insCash.run(ctx.atMs, 'fill', f.fillId, f.cashMicros);
        // The `during_fill_booking` crash point (tests): the process dies here, mid-booking, inside the transaction.
        extras.afterFillBooked?.();
      }
      const insSettle = this.db.prepare(`INSERT INTO live_settlements (ticker, market_result, position_centis, revenue_micros, realized_pnl_micros, settled_time, booked_at_ms, reconcile_run_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const s of plan.settlements) {
        insSettle.run(s.ticker, s.marketResult, s.positionCentis, s.revenueMicros, s.realizedPnlMicros, s.settledTime, ctx.atMs, runId);
        insCash.run(ctx.atMs, 'settlement', s.ticker, s.revenueMicros);
      }
      const upPos = this.db.prepare(`INSERT INTO live_positions (ticker, position_centis, cost_micros, realized_pnl_micros, fees_micros, settled, updated_at_ms)
        VALUES (@ticker, @positionCentis, @costMicros, @realizedPnlMicros, @feesMicros, @settled, @atMs)
        ON CONFLICT (ticker) DO UPDATE SET position_centis = excluded.position_centis, cost_micros = excluded.cost_micros,
          realized_pnl_micros = excluded.realized_pnl_micros, fees_micros = excluded.fees_micros, settled = excluded.settled, updated_at_ms = excluded.updated_at_ms`);
      for (const p of plan.positions) upPos.run({ ...p, settled: p.settled ? 1 : 0, atMs: ctx.atMs });

      this.db.prepare('DELETE FROM foreign_exposure').run();
      const insForeign = this.db.prepare('INSERT INTO foreign_exposure (kind, ref, ticker, event_ticker, detail, seen_at_ms, reconcile_run_id) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (kind, ref) DO NOTHING');
      for (const f of plan.foreign) insForeign.run(f.kind, f.ref, f.ticker, f.eventTicker, f.detail, ctx.atMs, runId);
      return runId;
    }).immediate();
  }

  /** An exchange order with the lane's prefix that the journal lacks: a row in the exchange's status (never re-sent). */
  private adopt(ctx: RunContext, a: Adoption): void {
    const o = a.order;
    const status = o.status === 'resting' || o.status === 'executed' || o.status === 'canceled' ? o.status : 'unknown';
    const count = o.initialCount ?? o.fillCount + o.remainingCount;
    const body = `adopted:${JSON.stringify({ order_id: o.orderId, ticker: o.ticker, book_side: o.bookSide, price: o.price, count, created_time: o.createdTime })}`;
    this.db.prepare(`INSERT INTO order_journal (client_order_id, first_run_id, cycle, idx, ticker, event_ticker, side, action, price_micros, count_centis, request_body,
      status, exchange_order_id, created_at_ms, sent_at_ms, first_sent_at_ms, send_count, attempt_ended_at_ms, updated_at_ms, detail)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 0, ?, ?, ?)`).run(
      a.clientOrderId, ctx.firstRunId, a.cycle, a.idx, o.ticker, a.eventTicker, o.side, o.action, o.price, Math.max(1, count), body,
      status, o.orderId, ctx.atMs, ctx.atMs, ctx.atMs, `adopted by reconciliation: exchange order ${o.orderId} ${o.status}`,
    );
    this.db.prepare("INSERT INTO journal_events (client_order_id, at_ms, kind, from_status, to_status, detail) VALUES (?, ?, 'reconciled', NULL, ?, ?)")
      .run(a.clientOrderId, ctx.atMs, status, `adopted: exchange order ${o.orderId} carries the lane's prefix but was not in the journal`);
  }
}

function toRun(r: Record<string, never>): ReconciliationRun {
  return {
    id: r.id, firstRunId: r.first_run_id, cycle: r.cycle, atMs: r.at_ms, complete: r.complete === 1, mismatch: r.mismatch === 1,
    consecutiveMismatches: r.consecutive_mismatches, latched: r.latched === 1, clearedAtMs: r.cleared_at_ms, clearedBy: r.cleared_by,
    summary: JSON.parse(r.summary), detail: r.detail === null ? null : JSON.parse(r.detail) as { mismatch: MismatchDetail | null },
  };
}
