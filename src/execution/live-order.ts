/**
 * The live order path (issue 9 "The order activity", "Idempotency"; docs/journal.md "One order, in order"). Called
 * by the execute activity for a `live` lane. One order at a time, in the order given:
 *
 *   1. journal.get(client_order_id) first. A row that exists is never re-decided: a terminal row is reported as it is;
 *      a `pending_submit` / `unknown` row continues from the journal (the STORED bytes are resent, byte-identical —
 *      `inputFromStoredBody` — never rebuilt).
 *   2. A new order is checked fresh: run mode live, the DB's control state (kill switch, pause, halts — exits pass
 *      entry-only blocks), ticker in scope (the scan's market; an exit of a held market outside the scan: a fresh
 *      read), `unknown_order_outcome_guard` (journal.hasUnknown() from the DB), the
 *      optional `reconciledCycle` gate (not_reconciled_guard), exchange and trading active (`GET /exchange/status` read
 *      once per call — the call is one cycle's batch — and again after a create refused with `trading_is_paused`).
 *   3. A fresh book → `revalidate` (stale / no quote / drift / slippage / edge decay → a journal row `skipped:<code>`),
 *      `buildOrderRequest` (expiration from the venue clock), the book + `journal.insertPending` in one commit
 *      (durable) → `markSent` → `createOrder` → `outcomeOfCreate` → `recordOutcome`. Per order: two round trips
 *      (book, create) and three commits (pending row, send mark, outcome).
 *   4. An `unknown` answer is resent once, byte-identical, if the fresh checks and revalidation still pass (201 settles
 *      it; 409 order_already_exists → findOrderByClientOrderId → resolveUnknown); a 409 / unreadable 2xx goes straight
 *      to the lookup; otherwise it stays `unknown` and the guard blocks every new order of the lane until
 *      reconciliation (built separately) resolves it.
 *
 * Times written to the journal and the body's expiration come from the venue-clock port (`TradingDeps.venueNowMs`),
 * never from the activity input. The intent's decision time is the activity input's `nowMs` (the workflow's clock at
 * the cycle), which is what `stale_intent_guard` measures against.
 * Crash points (`before_journal_write`, `after_journal_write`, `after_create_sent`, `after_response`) call `TradingDeps.crashAt` (live-order-crash.ts).
 * Every journal write and every send is preceded by `guard.check` (attempt-guard.ts): a cancelled (timed-out) or
 * superseded attempt stops there with CancelledFailure while its retry runs; it heartbeats per order and per call.
 * Fills are not booked here: fills come from /portfolio/fills (reconciliation); `fills` in the outcome stays 0.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/activity';
import type { Logger } from 'pino';
import { exitBlockReason, expireHalts, tradingBlockReason } from '../domain/control';
import { buildOrderRequest, inputFromStoredBody, isRefusal, StoredBodyError } from '../domain/order-request';
import { notBeforeMs, outcomeOfCreate, resolveUnknown } from '../domain/order-outcome';
import { ORDER_GROUP_LIMIT_REACHED } from '../domain/order-group';
import { REASON } from '../domain/reason-codes';
import { revalidate, Revalidation } from '../domain/revalidate';
import { isMarketInAllowedScope } from '../domain/scope';
import type { MarketSnapshot, OrderIntent } from '../domain/trading-types';
import type { Store } from '../store';
import { IdempotencyConflictError, JournalRow } from '../store/journal-store';
import type { CreateOrderInput } from '../venues/kalshi/requests';
import type { KalshiOrderbook } from '../venues/kalshi/types';
import type { TradingDeps } from '../activities/trading-deps';
import { heldMarketSnapshot } from '../activities/held-markets';
import type { CrashPoint } from './live-order-crash';
import { subaccountParam } from './lane-subaccount';
import { attemptGuard } from './attempt-guard';

type Book = KalshiOrderbook;

import { codeOf, expirationOf, indexOf, PLACED, venueNow, type LiveExecuteInput, type LiveExecuteOutcome, type LiveOrder, type LiveOrderReport } from './live-order-types';

export type { LiveOrder, LiveExecuteInput, LiveOrderReport, LiveExecuteOutcome } from './live-order-types';
export { venueNow } from './live-order-types';

export async function executeLiveOrders(t: TradingDeps, store: Store, logger: Logger, input: LiveExecuteInput): Promise<LiveExecuteOutcome> {
  const { settings } = t;
  if (settings.mode !== 'live') throw ApplicationFailure.nonRetryable(`executeLiveOrders on a ${settings.mode} lane: only a live lane sends orders`, 'NotALiveLane');
  const out: LiveExecuteOutcome = { placed: 0, filledCentis: 0, fills: 0, skipped: {}, refused: [], orders: [], latch: [] };
  const crash = (p: CrashPoint) => t.crashAt?.(p);
  // One attempt at a time: checked before every journal write and send; heartbeats per order and around each call.
  const guard = attemptGuard(t.attemptFence ?? undefined);
  const report = (o: LiveOrder, status: LiveOrderReport['status'], code: string | null, detail: string) => {
    out.orders.push({ clientOrderId: o.clientOrderId, ticker: o.intent.ticker, status, code, detail });
    if (status !== null && PLACED.has(status)) return;
    if (code) {
      out.skipped[code] = (out.skipped[code] ?? 0) + 1;
      out.refused.push({ clientOrderId: o.clientOrderId, ticker: o.intent.ticker, code, detail });
      logger.warn({ cycle: input.cycle, ticker: o.intent.ticker, clientOrderId: o.clientOrderId, code, status, detail }, 'order_refused');
    }
  };
  const placedNow = (row: JournalRow, filled: number) => {
    if (PLACED.has(row.status)) {
      out.placed += 1;
      out.filledCentis += filled;
    }
  };

  /** Entries go in the lane's active order group (execution.order_group.enabled); exits never. */
  const groupOf = (intent: OrderIntent): { orderGroupId?: string } => {
    if (intent.reduceOnly || !settings.config.execution.order_group.enabled) return {};
    const g = store.orderGroups.current();
    return g?.state === 'active' ? { orderGroupId: g.orderGroupId } : {};
  };

  /** idempotency_conflict_guard: refuse this order, latch the lane (the workflow applies `latch`), refuse the rest. */
  const conflicted = (o: LiveOrder, e: IdempotencyConflictError) => {
    logger.error({ clientOrderId: o.clientOrderId, differences: e.differences }, 'idempotency conflict: the journal holds another order under this id');
    report(o, null, REASON.idempotency_conflict_guard, e.message);
    out.latch.push({ code: REASON.idempotency_conflict_guard, reason: e.message });
  };

  /**
   * The intent's market: this cycle's scan; for an EXIT of a held market the scan does not hold, a fresh read from the
   * venue (as the paper path does; its scope is then checked like any other). Never for an entry. Read once per call.
   */
  const held = new Map<string, MarketSnapshot | null>();
  const marketOf = async (intent: OrderIntent): Promise<MarketSnapshot | null> => {
    const m = store.scans.market(input.scanId, intent.ticker);
    if (m || !intent.reduceOnly) return m;
    if (!held.has(intent.ticker)) {
      let snap: MarketSnapshot | null = null;
      try {
        guard.beat('held market read', { ticker: intent.ticker });
        snap = await heldMarketSnapshot(t.venue, intent.ticker);
      } catch (err) {
        logger.warn({ ticker: intent.ticker, err: (err as Error).message }, 'held market unreadable at execution');
      }
      held.set(intent.ticker, snap);
    }
    return held.get(intent.ticker)!;
  };

  /**
   * The exchange's status, read once per call (the call is one cycle's batch) and again only after a create was
   * refused with `trading_is_paused` (the exchange stopped trading during the call).
   */
  let exchangeStatus: Awaited<ReturnType<TradingDeps['venue']['getExchangeStatus']>> | null = null;

  /** The fresh checks every write must pass (a new order and a resend alike); null = clear. */
  const freshBlock = async (intent: OrderIntent, nowMs: number): Promise<{ code: string; detail: string; market: MarketSnapshot | null } | null> => {
    const row = store.control.read();
    const control = row ? expireHalts(row, nowMs) : null;
    const blocked = control ? (intent.reduceOnly ? exitBlockReason(control) : tradingBlockReason(control)) : null;
    if (blocked) return { code: blocked, detail: intent.reduceOnly ? 'the lane DB refuses every order, exits too' : 'the lane DB refuses new orders', market: null };
    if (t.reconciledCycle && !t.reconciledCycle(input.cycle, input.firstRunId)) {
      return { code: REASON.not_reconciled_guard, detail: `cycle ${input.cycle} has not reconciled with the exchange in this worker`, market: null };
    }
    if (!intent.reduceOnly) {
      // What reconciliation found, read fresh from the DB: a mismatch with the exchange blocks entries (latched after
      // three runs until an operator clears it); foreign exposure blocks its market and event. Exits still pass.
      const mm = store.liveLedger.mismatchBlock();
      if (mm.blocked) {
        const why = mm.latched ? 'latched after three mismatching reconciliations: an operator must review and clear it' : 'the last reconciliation disagreed with the exchange';
        return { code: REASON.reconciliation_mismatch_guard, detail: why, market: null };
      }
      if (settings.config.execution.order_group.enabled && store.orderGroups.current()?.state === 'tripped') {
        return { code: REASON.order_group_tripped_guard, detail: "the lane's order group tripped on the exchange: no entry until an operator clears it", market: null };
      }
      const foreign = store.liveLedger.foreignBlocks();
      if (foreign.tickers.has(intent.ticker) || foreign.events.has(intent.eventTicker)) {
        return { code: REASON.duplicate_exposure_guard, detail: "foreign exposure (an order or position on the account that is not this lane's) in this market or event", market: null };
      }
    }
    const m = await marketOf(intent);
    if (!m || !isMarketInAllowedScope(m, settings.scope, settings.mode)) {
      const why = intent.reduceOnly ? 'held market unreadable' : "not in this cycle's scan";
      return { code: REASON.scope_guard, detail: m ? 'outside the allowed scope (checked inside execute)' : why, market: m };
    }
    if (t.clockCheck) {
      // Exchange times (expiration, journal times) come from the venue clock: refuse while it cannot be trusted.
      const c = await t.clockCheck();
      if (!c.ok) return { code: REASON.clock_skew_guard, detail: c.detail, market: m };
    }
    if (!exchangeStatus) {
      guard.beat('exchange status', { ticker: intent.ticker });
      exchangeStatus = await t.venue.getExchangeStatus();
    }
    const x = exchangeStatus;
    if (!x.exchangeActive || !x.tradingActive) {
      // A pause or maintenance: refuse (no retry storm against a closed exchange); the next cycle checks again.
      const detail = `exchange ${x.exchangeActive ? 'active' : 'inactive'}, trading ${x.tradingActive ? 'active' : 'inactive'}${x.estimatedResumeTime ? ` (resumes ${x.estimatedResumeTime})` : ''}: no order is sent`;
      return { code: REASON.exchange_not_trading_guard, detail, market: m };
    }
    return null;
  };

  /** A fresh book and the revalidation on it; the caller records the book (`recordBook` below, or with the insert). */
  const revalidateOnBook = async (intent: OrderIntent, m: MarketSnapshot, decidedAtMs: number, nowMs: number): Promise<{ rv: Revalidation; book: Book }> => {
    guard.beat('book read', { ticker: intent.ticker });
    const book = await t.venue.getOrderbook(intent.ticker);
    const rv = revalidate(
      { side: intent.side, action: intent.action, decidedPriceMicros: intent.priceMicros, fairMicros: intent.fairPpm, countCentis: intent.countCentis, decidedAtMs },
      book,
      {
        minEdgeAtExecution: settings.fixed.minEdgeAtExecution,
        maxPriceDrift: settings.fixed.maxPriceDrift,
        maxSubmitSlippage: settings.fixed.maxSubmitSlippage,
        orderTtlSeconds: settings.config.execution.order_ttl_seconds,
        feeMultiplierPpm: m.feeMultiplierPpm,
        priceRanges: m.priceRanges,
      },
      nowMs,
    );
    return { rv, book };
  };
  const recordBook = (book: Book, nowMs: number) => {
    guard.check('book record', { ticker: book.ticker });
    store.scans.recordBook(book, nowMs);
  };
  /** A fresh book recorded on its own, and the revalidation on it (a resend or a resumed row). */
  const revalidateFresh = async (intent: OrderIntent, m: MarketSnapshot, decidedAtMs: number, nowMs: number): Promise<Revalidation> => {
    const { rv, book } = await revalidateOnBook(intent, m, decidedAtMs, nowMs);
    recordBook(book, nowMs);
    return rv;
  };

  /** Look the order up on the exchange (three-way) and record what that proves. */
  const lookUp = async (row: JournalRow): Promise<JournalRow> => {
    const notBefore = notBeforeMs(row);
    const first = row.firstSentAtMs ?? row.sentAtMs;
    if (first === null) return row;
    try {
      guard.beat('order lookup', { clientOrderId: row.clientOrderId });
      const lookup = await t.venue.findOrderByClientOrderId({
        ticker: row.ticker, clientOrderId: row.clientOrderId, minTs: Math.max(0, Math.floor(first / 1000) - 120), sentAtMs: notBefore ?? first, firstSentAtMs: first,
        ...subaccountParam(settings.config),
      });
      const res = resolveUnknown(lookup, notBefore);
      const at = await venueNow(t);
      guard.check('journal: lookup outcome', { clientOrderId: row.clientOrderId });
      return store.journal.recordOutcome(row.clientOrderId, res.status, { atMs: at, exchangeOrderId: 'exchangeOrderId' in res ? res.exchangeOrderId : null, detail: res.detail });
    } catch (err) {
      if (err instanceof CancelledFailure) throw err;
      logger.warn({ clientOrderId: row.clientOrderId, err: (err as Error).message }, 'order lookup failed: the row stays unknown');
      return row;
    }
  };

  /** One send of the row's stored bytes, its answer recorded. */
  const sendOnce = async (row: JournalRow, body: CreateOrderInput): Promise<{ row: JournalRow; lookup: boolean; filled: number }> => {
    const sentAt = await venueNow(t);
    guard.check('send', { clientOrderId: row.clientOrderId });
    store.journal.markSent(row.clientOrderId, sentAt);
    const result = await t.venue.createOrder(body);
    crash('after_create_sent');
    // The exchange stopped trading since the status was read: the next order of this call reads it again.
    if (result.outcome === 'rejected' && result.error.code === 'trading_is_paused') exchangeStatus = null;
    const oc = outcomeOfCreate(result, row.countCentis);
    const at = await venueNow(t);
    // Cancelled during the send: the row stays pending_submit with its send recorded; the next attempt resolves it.
    guard.check('journal: create outcome', { clientOrderId: row.clientOrderId });
    if (result.outcome === 'rejected' && result.error.code === ORDER_GROUP_LIMIT_REACHED && body.orderGroupId) {
      // The exchange's order-group backstop tripped: latch (the workflow applies it), refuse entries from the DB too.
      const why = `order group ${body.orderGroupId} refused ${row.clientOrderId}: ${result.error.message}`;
      store.orderGroups.markTripped(body.orderGroupId, at, why);
      if (!out.latch.some((h) => h.code === REASON.order_group_tripped_guard)) out.latch.push({ code: REASON.order_group_tripped_guard, reason: why });
      logger.error({ clientOrderId: row.clientOrderId, orderGroupId: body.orderGroupId }, 'order group tripped: entries refused until an operator clears order_group_tripped_guard');
    }
    const recorded = oc.status === 'unknown'
      ? { row: store.journal.recordOutcome(row.clientOrderId, 'unknown', { atMs: at, detail: oc.detail }), lookup: oc.lookup, filled: 0 }
      : oc.status === 'rejected'
        ? { row: store.journal.recordOutcome(row.clientOrderId, 'rejected', { atMs: at, detail: oc.detail }), lookup: false, filled: 0 }
        : { row: store.journal.recordOutcome(row.clientOrderId, oc.status, { atMs: at, exchangeOrderId: oc.exchangeOrderId, detail: oc.detail }), lookup: false, filled: oc.filledCentis };
    crash('after_response');
    return recorded;
  };

  /**
   * Send a pending/unknown row's stored bytes (a first send, or the one resend of an unknown). `sends` = how many
   * sends this call may make. Returns the row as recorded.
   */
  const sendStored = async (o: LiveOrder, row: JournalRow, sends: number): Promise<{ row: JournalRow; filled: number }> => {
    let wire: CreateOrderInput;
    try {
      wire = inputFromStoredBody(row.requestBody, row);
    } catch (e) {
      if (!(e instanceof StoredBodyError)) throw e;
      logger.error({ clientOrderId: row.clientOrderId, err: e.message }, 'stored body cannot be resent byte-identical');
      return { row: row.sentAtMs === null ? row : await lookUp(row), filled: 0 };
    }
    let r = await sendOnce(row, wire);
    let filled = r.filled;
    for (let i = 1; i < sends && r.row.status === 'unknown' && !r.lookup; i += 1) {
      // The one resend: only if every fresh check and the revalidation still pass.
      const now = await venueNow(t);
      const block = await freshBlock(o.intent, now);
      if (block) break;
      const rv = await revalidateFresh(o.intent, (await marketOf(o.intent))!, input.nowMs, now);
      if (!rv.ok) break;
      r = await sendOnce(r.row, wire);
      filled = r.filled;
    }
    if (r.row.status === 'unknown' && r.lookup) return { row: await lookUp(r.row), filled };
    return { row: r.row, filled };
  };

  for (const o of input.orders) {
    const id = o.clientOrderId;
    guard.check('order', { clientOrderId: id });
    if (out.latch.length > 0) {
      // idempotency_conflict_guard blocks every order (all_orders) from the moment it is found, not from the next cycle.
      report(o, null, REASON.idempotency_conflict_guard, 'an idempotency conflict earlier in this call latched the lane: no order until an operator clears it');
      continue;
    }
    const existing = store.journal.get(id);
    const identityAt = existing ? await venueNow(t) : 0;
    if (existing) guard.check('journal: identity check', { clientOrderId: id });
    const conflict = existing && store.journal.checkIdentity(existing, {
      firstRunId: input.firstRunId, cycle: input.cycle, idx: indexOf(id), ticker: o.intent.ticker, eventTicker: o.intent.eventTicker,
      side: o.intent.side, action: o.intent.action, countCentis: o.intent.countCentis,
    }, identityAt);
    if (conflict) {
      conflicted(o, conflict);
      continue;
    }
    if (existing) {
      if (existing.status === 'pending_submit' || existing.status === 'unknown') {
        const r = await resume(o, existing);
        placedNow(r.row, r.filled);
        report(o, r.row.status, codeOf(r.row), r.row.detail ?? `resumed from the journal: ${r.row.status}`);
      } else {
        placedNow(existing, 0);
        report(o, existing.status, codeOf(existing), `already in the journal: ${existing.status}${existing.detail ? ` (${existing.detail})` : ''}`);
      }
      continue;
    }
    const now = await venueNow(t);
    if (store.journal.hasUnknown()) {
      const u = store.journal.unresolved().map((r) => r.clientOrderId);
      report(o, null, REASON.unknown_order_outcome_guard, `an order outcome is unresolved in the journal (${u.join(', ')}): no new order until it is resolved`);
      continue;
    }
    const block = await freshBlock(o.intent, now);
    if (block) {
      report(o, null, block.code, block.detail);
      continue;
    }
    const m = (await marketOf(o.intent))!;
    const { rv, book } = await revalidateOnBook(o.intent, m, input.nowMs, now);
    const price = rv.ok ? rv.limitPriceMicros : o.intent.priceMicros;
    const req = buildOrderRequest({
      clientOrderId: id, ticker: o.intent.ticker, side: o.intent.side, action: o.intent.action, priceMicros: price, countCentis: o.intent.countCentis,
      reduceOnly: o.intent.reduceOnly, nowMs: now, orderTtlSeconds: settings.config.execution.order_ttl_seconds, closeTimeMs: m.closeTimeMs,
      ...groupOf(o.intent), ...subaccountParam(settings.config),
    });
    if (isRefusal(req)) {
      recordBook(book, now);
      report(o, null, req.code, req.detail);
      continue;
    }
    guard.check('journal: insert', { clientOrderId: id });
    crash('before_journal_write');
    // The fresh book and the pending row in ONE commit (durable, synchronous=FULL, before any byte of the create is
    // sent). A conflict keeps its `conflict` event and the book: insertPending's error is returned, not thrown.
    const written = store.db.transaction(() => {
      store.scans.recordBook(book, now);
      try {
        return store.journal.insertPending({
          clientOrderId: id, firstRunId: input.firstRunId, cycle: input.cycle, idx: indexOf(id), ticker: o.intent.ticker, eventTicker: o.intent.eventTicker,
          side: o.intent.side, action: o.intent.action, priceMicros: price, countCentis: o.intent.countCentis, requestBody: req.body, createdAtMs: now,
        }).row;
      } catch (e) {
        if (e instanceof IdempotencyConflictError) return e;
        throw e;
      }
    }).immediate();
    if (written instanceof IdempotencyConflictError) {
      conflicted(o, written);
      continue;
    }
    let row: JournalRow = written;
    if (!rv.ok) {
      // Never sent: the row records why (skipped:<code>), so a retry of this activity reports the same skip.
      guard.check('journal: skip', { clientOrderId: id });
      row = store.journal.recordOutcome(id, 'skipped', { atMs: now, skipCode: rv.code, detail: rv.detail });
      report(o, row.status, rv.code, rv.detail);
      continue;
    }
    crash('after_journal_write');
    const r = await sendStored(o, row, 2);
    placedNow(r.row, r.filled);
    report(o, r.row.status, codeOf(r.row), r.row.detail ?? r.row.status);
  }
  return out;

  /** Continue a pending_submit / unknown row from the journal (a retry, or a restart after a crash). */
  async function resume(o: LiveOrder, row: JournalRow): Promise<{ row: JournalRow; filled: number }> {
    const now = await venueNow(t);
    // A pending row with a send recorded but no answer: the process died during the send. Its outcome is unknown.
    if (row.status === 'pending_submit' && row.sentAtMs !== null) {
      guard.check('journal: unknown', { clientOrderId: row.clientOrderId });
      row = store.journal.recordOutcome(row.clientOrderId, 'unknown', { atMs: now, detail: 'sent, but the answer was never recorded (the worker stopped during the send)' });
    }
    const neverSent = row.sentAtMs === null;
    const block = await freshBlock(o.intent, now);
    let rv: Revalidation | null = null;
    if (!block) rv = await revalidateFresh(o.intent, (await marketOf(o.intent))!, input.nowMs, now);
    const expired = expirationOf(row.requestBody) * 1000 <= now;
    if (block || !rv || !rv.ok || expired) {
      const code = block?.code ?? (rv && !rv.ok ? rv.code : REASON.stale_intent_guard);
      const detail = block?.detail ?? (rv && !rv.ok ? rv.detail : 'the stored order has expired');
      if (neverSent) guard.check('journal: skip', { clientOrderId: row.clientOrderId });
      if (neverSent) return { row: store.journal.recordOutcome(row.clientOrderId, 'skipped', { atMs: now, skipCode: code, detail }), filled: 0 };
      // Sent before: never skipped; look it up (it stays unknown unless the exchange proves otherwise).
      logger.warn({ clientOrderId: row.clientOrderId, code, detail }, 'unknown order not resent: fresh checks refuse it');
      return { row: await lookUp(row), filled: 0 };
    }
    // A sent row gets one more send (the resend); a never-sent row its first send and, if unknown, the resend.
    return sendStored(o, row, neverSent ? 2 : 1);
  }
}
