/**
 * The order journal (migration 4, src/store/journal-store.ts) on real SQLite files: a pending row holds the exact
 * bytes and is durable before any send (a second connection — a restarted lane — sees it); a retry with identical
 * parameters gets the row back, any difference is an IdempotencyConflictError (recorded, never adopted); only allowed
 * transitions happen (executed stays executed, even by reconciliation); unresolved()/hasUnknown() read the DB.
 */
import path from 'node:path';
import { buildOrderRequest, isRefusal } from '../../src/domain/order-request';
import { IdempotencyConflictError, JournalTransitionError, NewJournalRow, openStore, Store } from '../../src/store';
import { tempDir } from '../helpers/lane';

const NOW = 1_788_264_000_000;
let file: string;
let s: Store;
const open = () => openStore({ path: file, mode: 'live', env: 'sim', cwd: path.dirname(file) });
beforeEach(() => {
  file = path.join(tempDir(), 'live.sqlite');
  s = open();
});
afterEach(() => s.close());

function pending(idx: number, o: { priceMicros?: number; countCentis?: number; nowMs?: number } = {}): NewJournalRow {
  const clientOrderId = `ka1c0ffee-1-${idx}`;
  const priceMicros = o.priceMicros ?? 520_000;
  const countCentis = o.countCentis ?? 100;
  const r = buildOrderRequest({
    clientOrderId, ticker: 'TS-E1-A', side: 'yes', action: 'buy', priceMicros, countCentis, reduceOnly: false,
    nowMs: o.nowMs ?? NOW, orderTtlSeconds: 600, closeTimeMs: null,
  });
  if (isRefusal(r)) throw new Error(r.detail);
  return {
    clientOrderId, firstRunId: 'c0ffee00-0000-4000-8000-000000000000', cycle: 1, idx, ticker: 'TS-E1-A', eventTicker: 'TS-E1',
    side: 'yes', action: 'buy', priceMicros, countCentis, requestBody: r.body, createdAtMs: o.nowMs ?? NOW,
  };
}

test('insertPending commits the exact bytes before any send; a restarted lane (new connection) sees it as unknown-blocking', () => {
  const row = pending(0);
  const { row: got, inserted } = s.journal.insertPending(row);
  expect(inserted).toBe(true);
  expect(got).toEqual({
    ...row, status: 'pending_submit', skipCode: null, exchangeOrderId: null, sentAtMs: null, firstSentAtMs: null, sendCount: 0,
    attemptEndedAtMs: null, updatedAtMs: NOW, detail: null,
  });
  expect(got.requestBody).toBe(
    '{"ticker":"TS-E1-A","side":"bid","price":"0.5200","count":"1.00","time_in_force":"good_till_canceled",' +
    '"self_trade_prevention_type":"taker_at_cross","client_order_id":"ka1c0ffee-1-0","expiration_time":1788264600,' +
    '"cancel_order_on_pause":true,"reduce_only":false}',
  );
  s.close();
  s = open(); // the "crash": a new process opens the file
  expect(s.journal.hasUnknown()).toBe(true);
  expect(s.journal.unresolved().map((r) => [r.clientOrderId, r.status, r.requestBody])).toEqual([['ka1c0ffee-1-0', 'pending_submit', row.requestBody]]);
});

test('a retry with identical parameters returns the existing row as it is now; different parameters throw and are never adopted', () => {
  const row = pending(0);
  s.journal.insertPending(row);
  s.journal.markSent(row.clientOrderId, NOW + 10);
  const again = s.journal.insertPending({ ...row, createdAtMs: NOW + 5_000 });
  expect([again.inserted, again.row.status, again.row.sentAtMs, again.row.createdAtMs]).toEqual([false, 'pending_submit', NOW + 10, NOW]);

  const other = pending(0, { priceMicros: 530_000 });
  let err: unknown;
  try {
    s.journal.insertPending(other);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(IdempotencyConflictError);
  expect((err as IdempotencyConflictError).differences).toEqual(['priceMicros 520000 ≠ 530000', 'request body']);
  // A new "now" changes the expiration_time in the body: that is a different order too.
  expect(() => s.journal.insertPending(pending(0, { nowMs: NOW + 1_000 }))).toThrow(IdempotencyConflictError);
  expect(s.journal.get(row.clientOrderId)!.requestBody).toBe(row.requestBody);
  expect(s.journal.events(row.clientOrderId).map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
    ['pending', null, 'pending_submit'], ['sent', 'pending_submit', 'pending_submit'], ['conflict', 'pending_submit', null], ['conflict', 'pending_submit', null],
  ]);
});

test('a row that disagrees with its own bytes is refused', () => {
  expect(() => s.journal.insertPending({ ...pending(0), countCentis: 200 })).toThrow('request_body disagrees with the row (count "1.00" ≠ "2.00")');
  expect(() => s.journal.insertPending({ ...pending(0), side: 'no' })).toThrow('side "bid" ≠ "ask"; price "0.5200" ≠ "0.4800"');
  expect(s.journal.rows()).toEqual([]);
});

test('the happy path: pending → sent → resting → executed; executed stays executed, even by reconciliation', () => {
  const id = s.journal.insertPending(pending(0)).row.clientOrderId;
  s.journal.markSent(id, NOW + 10);
  const resting = s.journal.recordOutcome(id, 'resting', { atMs: NOW + 40, exchangeOrderId: 'ord-1', detail: 'fill 0.00, remaining 1.00' });
  expect([resting.status, resting.exchangeOrderId, resting.sentAtMs, resting.firstSentAtMs, resting.sendCount, resting.attemptEndedAtMs]).toEqual(['resting', 'ord-1', NOW + 10, NOW + 10, 1, NOW + 40]);
  expect(s.journal.hasUnknown()).toBe(false);
  expect(s.journal.recordOutcome(id, 'executed', { atMs: NOW + 90 }).status).toBe('executed');
  for (const to of ['resting', 'canceled', 'unknown', 'rejected'] as const) {
    expect(() => s.journal.recordOutcome(id, to, { atMs: NOW + 99 })).toThrow(JournalTransitionError);
    expect(() => s.journal.recordOutcome(id, to, { atMs: NOW + 99, reconciled: true })).toThrow(`executed → ${to} is not allowed (even by reconciliation)`);
  }
  expect(() => s.journal.markSent(id, NOW + 99)).toThrow('cannot send an order in status executed');
  expect(() => s.journal.recordOutcome(id, 'executed', { atMs: NOW + 99, exchangeOrderId: 'ord-2' })).toThrow(JournalTransitionError);
  // Below the store, SQLite refuses it too.
  expect(() => s.db.prepare("UPDATE order_journal SET status = 'canceled' WHERE client_order_id = ?").run(id)).toThrow('an executed order stays executed');
  expect(() => s.db.prepare('UPDATE order_journal SET request_body = ? WHERE client_order_id = ?').run('{}', id)).toThrow('never change');
  expect(() => s.db.prepare('DELETE FROM order_journal').run()).toThrow('never deleted');
  expect(() => s.db.prepare('DELETE FROM journal_events').run()).toThrow('append-only');
  expect(s.journal.get(id)!.status).toBe('executed');
});

test('unknown: blocks until resolved; a resend keeps the first send time; terminal states need reconciliation', () => {
  const id = s.journal.insertPending(pending(0)).row.clientOrderId;
  s.journal.markSent(id, NOW + 10);
  s.journal.recordOutcome(id, 'unknown', { atMs: NOW + 10_010, detail: 'timeout' });
  expect(s.journal.hasUnknown()).toBe(true);
  expect(s.journal.recordOutcome(id, 'unknown', { atMs: NOW + 20_000, detail: 'lookup: cannot tell' }).attemptEndedAtMs).toBe(NOW + 10_010);
  const resent = s.journal.markSent(id, NOW + 30_000);
  expect([resent.status, resent.sentAtMs, resent.firstSentAtMs, resent.sendCount, resent.attemptEndedAtMs]).toEqual(['unknown', NOW + 30_000, NOW + 10, 2, null]);
  const done = s.journal.recordOutcome(id, 'canceled', { atMs: NOW + 30_050, exchangeOrderId: 'ord-9' });
  expect([done.status, done.attemptEndedAtMs, done.detail]).toEqual(['canceled', NOW + 30_050, 'lookup: cannot tell']);
  expect(s.journal.hasUnknown()).toBe(false);
  expect(() => s.journal.recordOutcome(id, 'resting', { atMs: NOW + 31_000 })).toThrow('canceled → resting is not allowed');
  // Reconciliation may find a "canceled" order executed (filled before the cancel landed), never the reverse.
  expect(s.journal.recordOutcome(id, 'executed', { atMs: NOW + 32_000, reconciled: true }).status).toBe('executed');
});

test('skipped only while never sent, with a code; a sent order stays unknown until resolved', () => {
  const a = s.journal.insertPending(pending(0)).row.clientOrderId;
  const b = s.journal.insertPending(pending(1)).row.clientOrderId;
  expect(() => s.journal.recordOutcome(a, 'skipped', { atMs: NOW })).toThrow('a skip code goes with status skipped');
  const skipped = s.journal.recordOutcome(a, 'skipped', { atMs: NOW + 5, skipCode: 'edge_decay_guard', detail: 'edge 0.0020 < 0.0200' });
  expect([skipped.status, skipped.skipCode, skipped.attemptEndedAtMs]).toEqual(['skipped', 'edge_decay_guard', null]);
  s.journal.markSent(b, NOW + 10);
  expect(() => s.journal.recordOutcome(b, 'skipped', { atMs: NOW + 20, skipCode: 'stale_intent_guard' })).toThrow('a sent order cannot be skipped');
  expect(() => s.journal.recordOutcome(b, 'resting', { atMs: NOW + 20, skipCode: 'x' })).toThrow('a skip code goes with status skipped');
  // The crash after the send: on restart the row is pending_submit with a send time → recorded unknown (end = now).
  expect(s.journal.unresolved().map((r) => [r.clientOrderId, r.status, r.sentAtMs])).toEqual([[b, 'pending_submit', NOW + 10]]);
  expect(s.journal.recordOutcome(b, 'unknown', { atMs: NOW + 60_000 }).attemptEndedAtMs).toBe(NOW + 60_000);
  expect(() => s.journal.recordOutcome('ka1nope-1-0', 'resting', { atMs: NOW })).toThrow('no row for client_order_id ka1nope-1-0');
  expect(s.journal.rows({ status: 'skipped' }).map((r) => r.clientOrderId)).toEqual([a]);
});
