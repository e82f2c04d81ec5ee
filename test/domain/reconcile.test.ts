/**
 * The pure reconciliation plan (src/domain/reconcile.ts): netting arithmetic of fills, settlement revenue of the
 * lane's own position, the cash tolerance's edges, what absence does and does not prove, the 3-run latch count.
 */
import {
  applyFillToPosition, ExchangeFillLike, ExchangeOrderLike, JournalRowLike, LedgerPositionLike, MISMATCH_LATCH_RUNS, parseLaneOrderId,
  planReconciliation, ReconcileInput, settlementRevenue, walkMinTs,
} from '../../src/domain/reconcile';
import { exitBlockReason, initialControlState } from '../../src/domain/control';
import { reasonInfo } from '../../src/domain/reason-codes';

const PREFIX = 'ka1abc-';
const flat = (ticker = 'T-E-A'): LedgerPositionLike => ({ ticker, positionCentis: 0, costMicros: 0, realizedPnlMicros: 0, feesMicros: 0, settled: false });
const fill = (o: Partial<ExchangeFillLike>): ExchangeFillLike => ({
  fillId: 'f1', orderId: 'o1', ticker: 'T-E-A', bookSide: 'bid', yesPrice: 520_000, count: 200, fee: 0, isTaker: true, createdTime: '2026-09-01T12:00:00Z', ts: null, ...o,
});
const row = (o: Partial<JournalRowLike>): JournalRowLike => ({
  clientOrderId: `${PREFIX}1-0`, ticker: 'T-E-A', eventTicker: 'T-E', status: 'unknown', exchangeOrderId: null, sentAtMs: 1_000, firstSentAtMs: 1_000, attemptEndedAtMs: 1_500, ...o,
});
const exOrder = (o: Partial<ExchangeOrderLike>): ExchangeOrderLike => ({
  orderId: 'o1', clientOrderId: `${PREFIX}1-0`, ticker: 'T-E-A', status: 'resting', fillCount: 0, remainingCount: 100, side: 'yes', action: 'buy',
  price: 520_000, bookSide: 'bid', initialCount: 100, createdTime: null, ...o,
});
const base = (o: Partial<ReconcileInput> = {}): ReconcileInput => ({
  prefix: PREFIX, journal: [], orders: [], fills: [], positions: [], settlements: [], asOfMs: 2_000, asOfTime: '1970-01-01T00:00:02Z', ordersCutoffMs: 0,
  balanceMicros: 100_000_000, startBalanceMicros: 100_000_000, ledgerCashMicros: 0, bookedFillIds: new Set(), ledgerPositions: [], settledTickers: new Set(),
  eventOf: {}, previousMismatches: 0, ...o,
});

test('netting: opening YES, closing part of it with an ask fill (releases $1 a contract), flipping to NO', () => {
  const a = applyFillToPosition(flat(), fill({ fee: 35_000 }));
  expect(a).toEqual({ next: { ...flat(), positionCentis: 200, costMicros: 1_040_000, realizedPnlMicros: -35_000, feesMicros: 35_000 }, cashMicros: -1_075_000, realizedMicros: -35_000 });
  // Sell 1 YES at 0.60 (an ask fill): −0.40 + 1.00 = +0.60 cash; realised 0.60 − 0.52 = 0.08.
  const b = applyFillToPosition(a.next, fill({ bookSide: 'ask', yesPrice: 600_000, count: 100 }));
  expect([b.next.positionCentis, b.next.costMicros, b.cashMicros, b.realizedMicros]).toEqual([100, 520_000, 600_000, 80_000]);
  // 3 more asks at 0.50: closes the last YES (realised 0.50 − 0.52 = −0.02) and opens 2 NO at 0.50.
  const c = applyFillToPosition(b.next, fill({ bookSide: 'ask', yesPrice: 500_000, count: 300 }));
  expect([c.next.positionCentis, c.next.costMicros, c.cashMicros, c.realizedMicros]).toEqual([-200, 1_000_000, -500_000, -20_000]);
});

test('settlement revenue is the lane\'s own net position under the result', () => {
  expect(settlementRevenue(300, { marketResult: 'yes', value: null })).toBe(3_000_000);
  expect(settlementRevenue(300, { marketResult: 'no', value: null })).toBe(0);
  expect(settlementRevenue(-200, { marketResult: 'no', value: null })).toBe(2_000_000);
  expect(settlementRevenue(-200, { marketResult: 'scalar', value: 250_000 })).toBe(1_500_000);
  expect(settlementRevenue(100, { marketResult: 'void?', value: null })).toBeNull();
});

test('cash: the exchange may sit up to 1¢ per order with fills below the exact ledger, never above it', () => {
  const f = fill({ fee: 35_000 }); // exact −1.075; the exchange floors to −1.08
  const journal = [row({ status: 'resting', exchangeOrderId: 'o1' })];
  const orders = [exOrder({ fillCount: 200, remainingCount: 300 })];
  const positions = [{ ticker: 'T-E-A', position: 200 }];
  const run = (balance: number) => planReconciliation(base({ journal, orders, fills: [f], positions, balanceMicros: balance }));
  expect(run(100_000_000 - 1_080_000).mismatch).toBeNull();
  expect(run(100_000_000 - 1_075_000).mismatch).toBeNull();
  expect(run(100_000_000 - 1_085_001).mismatch).toEqual({ positions: [], cash: { exchangeChange: -1_085_001, ledgerChange: -1_075_000, toleranceMicros: 10_000 } });
  expect(run(100_000_000 - 1_074_999).mismatch?.cash).toEqual({ exchangeChange: -1_074_999, ledgerChange: -1_075_000, toleranceMicros: 10_000 });
  // First run (no start recorded): the start is derived, so the lane's own fills do not mismatch.
  const first = planReconciliation(base({ journal, orders, fills: [f], positions, balanceMicros: 98_920_000, startBalanceMicros: null }));
  expect([first.mismatch, first.startBalanceMicros]).toEqual([null, 99_995_000]);
});

test('absence proves "not placed" only after the user-data timestamp passed the send; a never-sent pending row is left alone', () => {
  const unknown = row({});
  const neverSent = row({ clientOrderId: `${PREFIX}1-1`, status: 'pending_submit', sentAtMs: null, firstSentAtMs: null, attemptEndedAtMs: null });
  expect(planReconciliation(base({ journal: [unknown, neverSent], asOfMs: 1_500 })).transitions).toEqual([]);
  expect(planReconciliation(base({ journal: [unknown, neverSent], asOfMs: null, asOfTime: null })).transitions).toEqual([]);
  const later = planReconciliation(base({ journal: [unknown, neverSent], asOfMs: 1_501 }));
  expect(later.transitions.map((t) => [t.clientOrderId, t.from, t.to])).toEqual([[`${PREFIX}1-0`, 'unknown', 'rejected']]);
  // Found: the exchange's status, whatever the timestamp.
  const found = planReconciliation(base({ journal: [unknown], orders: [exOrder({ status: 'canceled' })], asOfMs: 0 }));
  expect(found.transitions.map((t) => [t.to, t.exchangeOrderId])).toEqual([['canceled', 'o1']]);
});

test('adoption by the lane prefix, foreign by anything else; a prefix without the id shape is foreign', () => {
  const plan = planReconciliation(base({
    orders: [
      exOrder({ orderId: 'o1', clientOrderId: `${PREFIX}a-2` }),
      exOrder({ orderId: 'o2', clientOrderId: 'manual', ticker: 'X-E-B' }),
      exOrder({ orderId: 'o3', clientOrderId: `${PREFIX}zz`, ticker: 'X-E-B' }),
      exOrder({ orderId: 'o4', clientOrderId: null, ticker: 'X-E-C', status: 'executed' }),
    ],
    positions: [{ ticker: 'X-E-C', position: -100 }],
    eventOf: { 'T-E-A': 'T-E', 'X-E-B': 'X-E', 'X-E-C': 'X-E' },
  }));
  expect(plan.adoptions.map((a) => [a.clientOrderId, a.cycle, a.idx, a.eventTicker])).toEqual([[`${PREFIX}a-2`, 10, 2, 'T-E']]);
  expect(plan.foreign.map((f) => [f.kind, f.ref, f.eventTicker])).toEqual([['order', 'o2', 'X-E'], ['order', 'o3', 'X-E'], ['position', 'X-E-C', 'X-E']]);
  // The adopted order's market is known: its (zero) exchange position matches the (empty) ledger.
  expect(plan.mismatch).toBeNull();
  expect(parseLaneOrderId(PREFIX, `${PREFIX}1-0`)).toEqual({ cycle: 1, idx: 0 });
  expect(parseLaneOrderId(PREFIX, `${PREFIX}0-0`)).toBeNull();
  expect(walkMinTs(10_000_000, [row({ firstSentAtMs: 5_000_000 })])).toBe(5_000 - 120);
});

test('a position mismatch in a known market, booked fills skipped, and the latch at the third run in a row', () => {
  const input = base({
    journal: [row({ status: 'executed', exchangeOrderId: 'o1' })], fills: [fill({})], bookedFillIds: new Set(['f1']),
    ledgerPositions: [{ ...flat(), positionCentis: 200, costMicros: 1_040_000 }], positions: [{ ticker: 'T-E-A', position: 300 }],
    ledgerCashMicros: -1_040_000, balanceMicros: 100_000_000 - 1_040_000, previousMismatches: MISMATCH_LATCH_RUNS - 1,
  });
  const plan = planReconciliation(input);
  expect(plan.fills).toEqual([]);
  expect(plan.mismatch).toEqual({ positions: [{ ticker: 'T-E-A', exchange: 300, ledger: 200 }], cash: null });
  expect([plan.consecutiveMismatches, plan.latch]).toEqual([3, true]);
  expect(planReconciliation({ ...input, positions: [{ ticker: 'T-E-A', position: 200 }] })).toMatchObject({ mismatch: null, consecutiveMismatches: 0, latch: false });
});

test('historical cutoff (origin B11): a row first sent before orders_updated_ts, absent from the walk, stays unknown and is listed for an alert', () => {
  const old = row({ sentAtMs: 1_000, firstSentAtMs: 1_000, attemptEndedAtMs: 1_500 });
  // The same complete walk, the data fresh past the send: after the cutoff → rejected; before it → stays unknown.
  const after = planReconciliation(base({ journal: [old], asOfMs: 5_000, ordersCutoffMs: 999 }));
  expect(after.transitions.map((t) => t.to)).toEqual(['rejected']);
  expect(after.pastCutoff).toEqual([]);
  const before = planReconciliation(base({ journal: [old], asOfMs: 5_000, ordersCutoffMs: 1_001 }));
  expect(before.transitions).toEqual([]);
  expect(before.pastCutoff).toEqual([old.clientOrderId]);
  expect(before.notes.join('\n')).toMatch(/before the historical order cutoff.*stays unknown/);
  // A resend after the cutoff does not help: the FIRST send is what the exchange may have archived.
  const resent = planReconciliation(base({ journal: [{ ...old, sentAtMs: 3_000, attemptEndedAtMs: 3_100 }], asOfMs: 5_000, ordersCutoffMs: 2_000 }));
  expect([resent.transitions, resent.pastCutoff]).toEqual([[], [old.clientOrderId]]);
  // The cutoff unreadable: nothing is concluded absent either.
  expect(planReconciliation(base({ journal: [old], asOfMs: 5_000, ordersCutoffMs: null })).transitions).toEqual([]);
  // Found in the walk: resolved whatever the cutoff.
  expect(planReconciliation(base({ journal: [old], orders: [exOrder({ status: 'executed', remainingCount: 0, fillCount: 100 })], asOfMs: 5_000, ordersCutoffMs: 9_999 })).transitions.map((t) => t.to)).toEqual(['executed']);
});

test('after restart (a new first run id = a new prefix) the previous run\'s journaled orders are the lane\'s, not foreign; their fills are booked', () => {
  const oldPrefix = 'ka1old-';
  const prev = row({ clientOrderId: `${oldPrefix}3-0`, status: 'resting', exchangeOrderId: null, firstRunId: 'old', cycle: 3 });
  const orders = [exOrder({ orderId: 'o9', clientOrderId: `${oldPrefix}3-0`, status: 'resting', fillCount: 100, remainingCount: 100 })];
  const fills = [fill({ fillId: 'f9', orderId: 'o9', count: 100 })];
  const plan = planReconciliation(base({ journal: [prev], orders, fills, positions: [{ ticker: 'T-E-A', position: 100 }], balanceMicros: 100_000_000 - 520_000, current: { firstRunId: 'new', cycle: 1 } }));
  expect(plan.foreign).toEqual([]);
  expect(plan.adoptions).toEqual([]);
  expect(plan.fills.map((f) => [f.fillId, f.clientOrderId])).toEqual([['f9', `${oldPrefix}3-0`]]);
  expect(plan.mismatch).toBeNull();
  // An order with an old prefix the journal does NOT hold is still foreign.
  const stranger = planReconciliation(base({ orders: [exOrder({ orderId: 'o8', clientOrderId: `${oldPrefix}3-1` })] }));
  expect(stranger.foreign.map((f) => f.ref)).toEqual(['o8']);
});

test('a never-sent pending row of a past cycle is skipped (never_sent_guard); of the current cycle it is left to the order path; one the walk holds is resolved', () => {
  const never = (o: Partial<JournalRowLike>) => row({ status: 'pending_submit', sentAtMs: null, firstSentAtMs: null, attemptEndedAtMs: null, firstRunId: 'run', cycle: 2, ...o });
  const past = planReconciliation(base({ journal: [never({})], current: { firstRunId: 'run', cycle: 3 } }));
  expect(past.transitions).toEqual([expect.objectContaining({ clientOrderId: `${PREFIX}1-0`, from: 'pending_submit', to: 'skipped', skipCode: 'never_sent_guard' })]);
  // Another workflow's row (after restart) is past too, whatever its cycle number.
  expect(planReconciliation(base({ journal: [never({ firstRunId: 'old', cycle: 9 })], current: { firstRunId: 'run', cycle: 1 } })).transitions.map((t) => t.to)).toEqual(['skipped']);
  expect(planReconciliation(base({ journal: [never({})], current: { firstRunId: 'run', cycle: 2 } })).transitions).toEqual([]);
  // The exchange holds an order with its id (bytes did leave): the exchange's status, never skipped.
  expect(planReconciliation(base({ journal: [never({})], orders: [exOrder({})], current: { firstRunId: 'run', cycle: 3 } })).transitions.map((t) => t.to)).toEqual(['resting']);
  // A sent pending row is never skipped (it may be on the exchange).
  expect(planReconciliation(base({ journal: [never({ sentAtMs: 1_000, firstSentAtMs: 1_000 })], asOfMs: 500, current: { firstRunId: 'run', cycle: 3 } })).transitions.map((t) => t.to)).toEqual(['unknown']);
});

test('the registry says what execute does: reconciliation_mismatch_guard blocks entries only; a latched one lets exits through', () => {
  expect(reasonInfo('reconciliation_mismatch_guard')).toMatchObject({ blocks: 'new_entries', latches: true });
  const latched = { ...initialControlState(), latchedHalts: [{ code: 'reconciliation_mismatch_guard', reason: 'three runs', atMs: 1 }] };
  expect(exitBlockReason(latched)).toBeNull();
  expect(reasonInfo('never_sent_guard')).toMatchObject({ blocks: 'new_entries', clears: 'per_decision' });
});
