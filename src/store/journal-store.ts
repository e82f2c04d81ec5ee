/**
 * The order journal of a live lane (migration 4; state machine and outcome table in docs/journal.md).
 *
 *   insertPending(row)   commits a `pending_submit` row holding the exact request bytes BEFORE any network call
 *                        (synchronous=FULL: it survives a crash or power loss). An id that exists with DIFFERENT
 *                        parameters throws IdempotencyConflictError (the caller latches idempotency_conflict_guard;
 *                        the row is never adopted); identical parameters return the existing row (a retry).
 *   markSent(id, atMs)   right before each send (first send or a byte-identical resend of an unknown).
 *   recordOutcome(id, status, { atMs, exchangeOrderId?, detail?, skipCode? })   allowed transitions only (TRANSITIONS);
 *                        `reconciled: true` applies the reconciliation rules (exchange truth; executed stays executed).
 *   unresolved(), hasUnknown()   read from the DB, so a restarted lane sees them (unknown_order_outcome_guard).
 * Every step appends a journal_events row in the same transaction. Integers only; times are exchange-clock ms.
 */
import type { Database } from 'better-sqlite3';
import type { Centis, Micros } from '../domain/fixed';
import { formatCount } from '../domain/fixed';
import type { Action, Side } from '../domain/trading-types';
import { toWireDirection } from '../venues/kalshi/direction';

export type JournalStatus = 'pending_submit' | 'resting' | 'executed' | 'canceled' | 'rejected' | 'unknown' | 'skipped';

export const JOURNAL_STATUSES: readonly JournalStatus[] = Object.freeze(['pending_submit', 'resting', 'executed', 'canceled', 'rejected', 'unknown', 'skipped'] as JournalStatus[]);

/**
 * Ordinary transitions (the order path). Staying in `unknown` or `resting` records a new detail (a lookup that could
 * not tell, a partial fill). `pending_submit → skipped` only while the row was never sent.
 */
export const TRANSITIONS: Readonly<Record<JournalStatus, readonly JournalStatus[]>> = Object.freeze({
  pending_submit: ['resting', 'executed', 'canceled', 'rejected', 'unknown', 'skipped'],
  unknown: ['resting', 'executed', 'canceled', 'rejected', 'unknown'],
  resting: ['resting', 'executed', 'canceled'],
  executed: [],
  canceled: [],
  rejected: [],
  skipped: [],
});

/**
 * Reconciliation transitions: the exchange's orders are the truth (an order found with the lane's id is what it says),
 * but an executed order stays executed and a canceled one can only turn out executed.
 */
export const RECONCILIATION_TRANSITIONS: Readonly<Record<JournalStatus, readonly JournalStatus[]>> = Object.freeze({
  // skipped: a never-sent row of a past cycle (never_sent_guard; recordOutcome refuses it once sent).
  pending_submit: ['resting', 'executed', 'canceled', 'rejected', 'unknown', 'skipped'],
  unknown: ['resting', 'executed', 'canceled', 'rejected', 'unknown'],
  resting: ['resting', 'executed', 'canceled'],
  rejected: ['resting', 'executed', 'canceled'],
  skipped: ['resting', 'executed', 'canceled'],
  canceled: ['executed', 'canceled'],
  executed: ['executed'],
});

export interface NewJournalRow {
  clientOrderId: string;
  firstRunId: string;
  cycle: number;
  idx: number;
  ticker: string;
  eventTicker: string;
  side: Side;
  action: Action;
  /** The limit in the side's terms (what the body says). */
  priceMicros: Micros;
  countCentis: Centis;
  /** The exact bytes sent (src/domain/order-request.ts). */
  requestBody: string;
  createdAtMs: number;
}

export interface JournalRow extends NewJournalRow {
  status: JournalStatus;
  skipCode: string | null;
  exchangeOrderId: string | null;
  /** Latest send (markSent). */
  sentAtMs: number | null;
  /** First send: the `min_ts` of an orders walk is derived from it. */
  firstSentAtMs: number | null;
  sendCount: number;
  /** When the latest send's answer (or its absence) was recorded; null while a send is in flight or after a crash. */
  attemptEndedAtMs: number | null;
  updatedAtMs: number;
  detail: string | null;
}

export interface JournalEvent {
  id: number;
  clientOrderId: string;
  atMs: number;
  kind: 'pending' | 'sent' | 'outcome' | 'reconciled' | 'conflict';
  fromStatus: JournalStatus | null;
  toStatus: JournalStatus | null;
  detail: string | null;
}

export interface OutcomeOptions {
  atMs: number;
  exchangeOrderId?: string | null;
  detail?: string | null;
  /** Required with `skipped` (a registered reason code), refused otherwise. */
  skipCode?: string;
  /** Apply RECONCILIATION_TRANSITIONS (exchange truth) instead of TRANSITIONS. */
  reconciled?: boolean;
}

/** An insert whose client_order_id exists with other parameters: latch idempotency_conflict_guard, never adopt. */
export class IdempotencyConflictError extends Error {
  constructor(
    readonly clientOrderId: string,
    readonly differences: readonly string[],
  ) {
    super(`order_journal: client_order_id ${clientOrderId} already holds another order (${differences.join(', ')}); it is never adopted`);
    this.name = 'IdempotencyConflictError';
  }
}

/** A status change the state machine forbids (or a step on a row that does not exist). */
export class JournalTransitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalTransitionError';
  }
}

const COMPARED: readonly (keyof NewJournalRow)[] = ['firstRunId', 'cycle', 'idx', 'ticker', 'eventTicker', 'side', 'action', 'priceMicros', 'countCentis', 'requestBody'];

function int(v: number, what: string, min: number): number {
  if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`${what} must be an integer ≥ ${min} (got ${String(v)})`);
  return v;
}

/** The row must describe its own bytes: client id, ticker, count, wire side and YES price all agree. */
function checkBodyMatches(r: NewJournalRow): void {
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(r.requestBody) as Record<string, unknown>;
  } catch {
    throw new RangeError(`order_journal ${r.clientOrderId}: request_body is not JSON`);
  }
  const wire = toWireDirection({ side: r.side, action: r.action, price: r.priceMicros });
  const want: Record<string, unknown> = { client_order_id: r.clientOrderId, ticker: r.ticker, count: formatCount(r.countCentis), side: wire.side, price: wire.price };
  const bad = Object.entries(want).filter(([k, v]) => b?.[k] !== v).map(([k, v]) => `${k} ${JSON.stringify(b?.[k])} ≠ ${JSON.stringify(v)}`);
  if (bad.length) throw new RangeError(`order_journal ${r.clientOrderId}: request_body disagrees with the row (${bad.join('; ')})`);
}

export class JournalStore {
  constructor(private readonly db: Database) {}

  /**
   * Commit a pending_submit row (returns once durable). Existing id: identical parameters → that row, as it is now
   * (`inserted: false`; the caller continues from its status and resends ITS body); different → IdempotencyConflictError
   * (and a `conflict` event).
   */
  insertPending(row: NewJournalRow): { row: JournalRow; inserted: boolean } {
    if (!row.clientOrderId || !row.firstRunId || !row.ticker || !row.eventTicker) throw new RangeError('order_journal: clientOrderId, firstRunId, ticker and eventTicker are required');
    int(row.cycle, 'cycle', 1); int(row.idx, 'idx', 0); int(row.priceMicros, 'priceMicros', 1); int(row.countCentis, 'countCentis', 1); int(row.createdAtMs, 'createdAtMs', 0);
    checkBodyMatches(row);
    let conflict: IdempotencyConflictError | null = null;
    const result = this.db.transaction(() => {
      const existing = this.get(row.clientOrderId);
      if (existing) {
        const diffs = COMPARED.filter((k) => existing[k] !== row[k]).map((k) => (k === 'requestBody' ? 'request body' : `${k} ${JSON.stringify(existing[k])} ≠ ${JSON.stringify(row[k])}`));
        if (diffs.length === 0) return { row: existing, inserted: false };
        conflict = new IdempotencyConflictError(row.clientOrderId, diffs);
        this.event(row.clientOrderId, row.createdAtMs, 'conflict', existing.status, null, `refused insert: ${diffs.join(', ')}; attempted body ${row.requestBody}`);
        return null;
      }
      this.db.prepare(
        `INSERT INTO order_journal (client_order_id, first_run_id, cycle, idx, ticker, event_ticker, side, action, price_micros, count_centis,
           request_body, status, created_at_ms, updated_at_ms)
         VALUES (@clientOrderId, @firstRunId, @cycle, @idx, @ticker, @eventTicker, @side, @action, @priceMicros, @countCentis,
           @requestBody, 'pending_submit', @createdAtMs, @createdAtMs)`,
      ).run(row);
      this.event(row.clientOrderId, row.createdAtMs, 'pending', null, 'pending_submit', null);
      return { row: this.get(row.clientOrderId)!, inserted: true };
    }).immediate();
    if (conflict) throw conflict;
    return result!;
  }

  /**
   * An existing row met again under its client_order_id (a retry, a restart, or a planted/foreign row): does it describe
   * the same order? Compared: what the workflow fixes for the id — run, cycle, index, market, event, side, action and
   * count (the limit price and the body's expiration are the revalidation's, so a retry may not repeat them). Any
   * difference records a `conflict` event and returns the IdempotencyConflictError (the caller latches
   * idempotency_conflict_guard; the row is never adopted, resent or reported as this intent's); null = the same order.
   */
  checkIdentity(existing: JournalRow, want: Pick<NewJournalRow, 'firstRunId' | 'cycle' | 'idx' | 'ticker' | 'eventTicker' | 'side' | 'action' | 'countCentis'>, atMs: number): IdempotencyConflictError | null {
    const keys = ['firstRunId', 'cycle', 'idx', 'ticker', 'eventTicker', 'side', 'action', 'countCentis'] as const;
    const diffs = keys.filter((k) => existing[k] !== want[k]).map((k) => `${k} ${JSON.stringify(existing[k])} ≠ ${JSON.stringify(want[k])}`);
    if (diffs.length === 0) return null;
    this.event(existing.clientOrderId, Math.max(0, Math.trunc(atMs)), 'conflict', existing.status, null, `refused: the intent differs (${diffs.join(', ')})`);
    return new IdempotencyConflictError(existing.clientOrderId, diffs);
  }

  /** Record a send about to happen (first send from pending_submit, or a resend of an unknown). */
  markSent(clientOrderId: string, atMs: number): JournalRow {
    int(atMs, 'atMs', 0);
    return this.db.transaction(() => {
      const r = this.must(clientOrderId);
      if (r.status !== 'pending_submit' && r.status !== 'unknown') {
        throw new JournalTransitionError(`order_journal ${clientOrderId}: cannot send an order in status ${r.status}`);
      }
      this.db.prepare(
        `UPDATE order_journal SET sent_at_ms = @atMs, first_sent_at_ms = COALESCE(first_sent_at_ms, @atMs), send_count = send_count + 1,
           attempt_ended_at_ms = NULL, updated_at_ms = @atMs WHERE client_order_id = @id`,
      ).run({ atMs, id: clientOrderId });
      this.event(clientOrderId, atMs, 'sent', r.status, r.status, `send #${r.sendCount + 1}`);
      return this.get(clientOrderId)!;
    }).immediate();
  }

  /** Move a row to `status` if the state machine allows it; throws JournalTransitionError otherwise. */
  recordOutcome(clientOrderId: string, status: JournalStatus, o: OutcomeOptions): JournalRow {
    int(o.atMs, 'atMs', 0);
    if (!JOURNAL_STATUSES.includes(status)) throw new JournalTransitionError(`order_journal: unknown status ${JSON.stringify(status)}`);
    if ((status === 'skipped') !== (o.skipCode !== undefined)) throw new JournalTransitionError('order_journal: a skip code goes with status skipped, and only with it');
    return this.db.transaction(() => {
      const r = this.must(clientOrderId);
      const table = o.reconciled ? RECONCILIATION_TRANSITIONS : TRANSITIONS;
      if (!table[r.status].includes(status)) {
        throw new JournalTransitionError(`order_journal ${clientOrderId}: ${r.status} → ${status} is not allowed${o.reconciled ? ' (even by reconciliation)' : ''}`);
      }
      if (status === 'skipped' && r.sentAtMs !== null) {
        throw new JournalTransitionError(`order_journal ${clientOrderId}: a sent order cannot be skipped (its outcome is unknown until resolved)`);
      }
      if (o.exchangeOrderId && r.exchangeOrderId && o.exchangeOrderId !== r.exchangeOrderId) {
        throw new JournalTransitionError(`order_journal ${clientOrderId}: exchange order id ${o.exchangeOrderId} ≠ the recorded ${r.exchangeOrderId}`);
      }
      this.db.prepare(
        `UPDATE order_journal SET status = @status, skip_code = @skipCode, exchange_order_id = COALESCE(exchange_order_id, @exchangeOrderId),
           attempt_ended_at_ms = CASE WHEN sent_at_ms IS NULL THEN attempt_ended_at_ms ELSE COALESCE(attempt_ended_at_ms, @atMs) END,
           updated_at_ms = @atMs, detail = COALESCE(@detail, detail) WHERE client_order_id = @id`,
      ).run({ status, skipCode: o.skipCode ?? null, exchangeOrderId: o.exchangeOrderId ?? null, atMs: o.atMs, detail: o.detail ?? null, id: clientOrderId });
      this.event(clientOrderId, o.atMs, o.reconciled ? 'reconciled' : 'outcome', r.status, status, [o.skipCode, o.exchangeOrderId, o.detail].filter(Boolean).join(' · ') || null);
      return this.get(clientOrderId)!;
    }).immediate();
  }

  get(clientOrderId: string): JournalRow | null {
    const r = this.db.prepare('SELECT * FROM order_journal WHERE client_order_id = ?').get(clientOrderId) as Record<string, never> | undefined;
    return r ? toRow(r) : null;
  }

  rows(q: { status?: JournalStatus; firstRunId?: string; cycle?: number } = {}): JournalRow[] {
    return (this.db.prepare(
      `SELECT * FROM order_journal WHERE (@status IS NULL OR status = @status) AND (@firstRunId IS NULL OR first_run_id = @firstRunId)
         AND (@cycle IS NULL OR cycle = @cycle) ORDER BY created_at_ms, first_run_id, cycle, idx`,
    ).all({ status: q.status ?? null, firstRunId: q.firstRunId ?? null, cycle: q.cycle ?? null }) as Record<string, never>[]).map(toRow);
  }

  /** Rows whose outcome is not known yet: pending_submit and unknown, oldest first. */
  unresolved(): JournalRow[] {
    return (this.db.prepare(`SELECT * FROM order_journal WHERE status IN ('pending_submit', 'unknown') ORDER BY created_at_ms, first_run_id, cycle, idx`).all() as Record<string, never>[]).map(toRow);
  }

  /**
   * unknown_order_outcome_guard: true while any row is `unknown`, or `pending_submit` (its send may have started; one
   * that never did must still be sent or skipped first — one order at a time). Read from the DB on every call.
   */
  hasUnknown(): boolean {
    return this.db.prepare(`SELECT 1 FROM order_journal WHERE status IN ('pending_submit', 'unknown') LIMIT 1`).get() !== undefined;
  }

  events(clientOrderId?: string): JournalEvent[] {
    return (this.db.prepare('SELECT * FROM journal_events WHERE (@id IS NULL OR client_order_id = @id) ORDER BY id').all({ id: clientOrderId ?? null }) as Record<string, never>[]).map((e) => ({
      id: e.id, clientOrderId: e.client_order_id, atMs: e.at_ms, kind: e.kind, fromStatus: e.from_status, toStatus: e.to_status, detail: e.detail,
    }));
  }

  private must(clientOrderId: string): JournalRow {
    const r = this.get(clientOrderId);
    if (!r) throw new JournalTransitionError(`order_journal: no row for client_order_id ${clientOrderId}`);
    return r;
  }

  private event(id: string, atMs: number, kind: JournalEvent['kind'], from: JournalStatus | null, to: JournalStatus | null, detail: string | null): void {
    this.db.prepare('INSERT INTO journal_events (client_order_id, at_ms, kind, from_status, to_status, detail) VALUES (?, ?, ?, ?, ?, ?)').run(id, atMs, kind, from, to, detail);
  }
}

function toRow(r: Record<string, never>): JournalRow {
  return {
    clientOrderId: r.client_order_id, firstRunId: r.first_run_id, cycle: r.cycle, idx: r.idx, ticker: r.ticker, eventTicker: r.event_ticker,
    side: r.side, action: r.action, priceMicros: r.price_micros, countCentis: r.count_centis, requestBody: r.request_body, createdAtMs: r.created_at_ms,
    status: r.status, skipCode: r.skip_code, exchangeOrderId: r.exchange_order_id, sentAtMs: r.sent_at_ms, firstSentAtMs: r.first_sent_at_ms,
    sendCount: r.send_count, attemptEndedAtMs: r.attempt_ended_at_ms, updatedAtMs: r.updated_at_ms, detail: r.detail,
  };
}
