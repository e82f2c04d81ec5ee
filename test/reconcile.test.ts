/**
 * Reconciliation from exchange truth (issue 9 "Every cycle starts with reconciliation"; docs/reconciliation.md), judged
 * by the simulator's state: the reconcile activity's core (reconcileLane) reads the simulator through the project's
 * KalshiClient and applies the pure plan to a real lane DB.
 *
 * Fee arithmetic (TS series: quadratic, takers only, rate 0.07, rounded up to $0.0001 per fill):
 *   taker 2.00 @ 0.52: 0.07·2·0.52·0.48 = 0.034944 → 0.0350; makers pay nothing in TS.
 */
import path from 'node:path';
import { openStore, Store } from '../src/store';
import type { SimHandle } from '../src/sim';
import { KalshiClient, CreateOrderInput, WriteResult } from '../src/venues/kalshi';
import { buildOrderRequest, isRefusal } from '../src/domain/order-request';
import { outcomeOfCreate } from '../src/domain/order-outcome';
import { clientOrderId, lanePrefix } from '../src/domain/order-id';
import { MISMATCH_LATCH_RUNS } from '../src/domain/reconcile';
import { reconcileLane, ReconciliationGate, reconciledThisCycle } from '../src/activities/reconcile';
import { silentLogger } from '../src/observability/logger';
import { makeKey, startTestSim, TestKey } from './sim/helpers';
import { tempDir } from './helpers/lane';

const FIRST_RUN_ID = 'c0ffee00-0000-4000-8000-00000000abcd';
const laneKey = makeKey('recon-lane');
const makerKey = makeKey('recon-maker');

let sim: SimHandle;
let store: Store;
let kc: KalshiClient;
let mm: KalshiClient;
let gate: ReconciliationGate;

const clientFor = (k: TestKey, fetchImpl?: typeof fetch) => new KalshiClient({
  env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem }, fetchImpl, maxReadAttempts: 1,
  backoffBaseMs: 1, backoffMaxMs: 1,
});
function ok<V>(r: WriteResult<V>): V {
  if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}: ${r.error.message}`);
  return r.value;
}
const order = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });

const rec = (cycle: number, venue: KalshiClient = kc) =>
  reconcileLane({ store, venue, logger: silentLogger(), gate }, { firstRunId: FIRST_RUN_ID, cycle, nowMs: sim.nowMs() });

/** The lane's order path in miniature: journal row before the send, the create, its outcome recorded. */
async function placeLane(cycle: number, idx: number, o: { ticker: string; eventTicker: string; side: 'yes' | 'no'; price: number; count: number }, send: 'record' | 'lose' = 'record') {
  const id = clientOrderId(FIRST_RUN_ID, cycle, idx);
  const req = buildOrderRequest({ clientOrderId: id, ticker: o.ticker, side: o.side, action: 'buy', priceMicros: o.price, countCentis: o.count, reduceOnly: false, nowMs: sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
  if (isRefusal(req)) throw new Error(req.detail);
  store.journal.insertPending({ clientOrderId: id, firstRunId: FIRST_RUN_ID, cycle, idx, ticker: o.ticker, eventTicker: o.eventTicker, side: o.side, action: 'buy', priceMicros: o.price, countCentis: o.count, requestBody: req.body, createdAtMs: sim.nowMs() });
  store.journal.markSent(id, sim.nowMs());
  const res = await kc.createOrder(req.input);
  if (send === 'lose') {
    store.journal.recordOutcome(id, 'unknown', { atMs: sim.nowMs(), detail: 'timeout (test: the answer was lost)' });
  } else {
    const out = outcomeOfCreate(res as never, o.count);
    store.journal.recordOutcome(id, out.status, { atMs: sim.nowMs(), exchangeOrderId: 'exchangeOrderId' in out ? out.exchangeOrderId : null, detail: out.detail });
  }
  return id;
}

const ledgerFacts = () => ({
  fills: store.liveLedger.fills().map((f) => [f.fillId, f.ticker, f.countCentis, f.feeMicros]),
  positions: store.liveLedger.positions(),
  cash: store.liveLedger.cashChange(),
  journal: store.journal.rows().map((r) => [r.clientOrderId, r.status, r.exchangeOrderId]),
  foreign: store.liveLedger.foreign(),
  settled: [...store.liveLedger.settledTickers()],
});

beforeEach(async () => {
  sim = await startTestSim([laneKey, makerKey]);
  const dir = tempDir();
  store = openStore({ path: path.join(dir, 'live.sqlite'), mode: 'live', env: 'sim', cwd: dir });
  kc = clientFor(laneKey);
  mm = clientFor(makerKey);
  gate = new ReconciliationGate();
});
afterEach(async () => {
  store.close();
  await sim.close();
});

test('fills are booked once across partial fills and repeated runs; a settlement realises P&L once', async () => {
  expect(await rec(1)).toEqual({ complete: true, resolved: 0, fillsBooked: 0, settled: 0, adopted: 0, foreign: 0, mismatch: false, latched: false });
  expect(store.liveLedger.startBalance()).toBe(1_000_000_000);
  // A NO bid 2.00 @ 0.48 (= YES ask 0.52); the lane buys YES 5.00 @ 0.52: 2.00 fill now, 3.00 rest.
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mm-1' })));
  const id = await placeLane(1, 0, { ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', price: 520_000, count: 500 });
  expect(store.journal.get(id)!.status).toBe('resting');

  expect(await rec(2)).toMatchObject({ complete: true, fillsBooked: 1, mismatch: false });
  expect(await rec(2)).toMatchObject({ complete: true, fillsBooked: 0, mismatch: false });
  expect(store.liveLedger.fills().map((f) => [f.ticker, f.bookSide, f.countCentis, f.feeMicros, f.cashMicros])).toEqual([['TS-E1-A', 'bid', 200, 35_000, -1_075_000]]);
  expect(store.liveLedger.positions()).toEqual([{ ticker: 'TS-E1-A', positionCentis: 200, costMicros: 1_040_000, realizedPnlMicros: -35_000, feesMicros: 35_000, settled: false }]);

  // The rest fills as a maker (TS: no maker fee): the journal row becomes executed from the orders walk.
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 300, clientOrderId: 'mm-2' })));
  expect(await rec(3)).toMatchObject({ complete: true, resolved: 1, fillsBooked: 1, mismatch: false });
  expect(await rec(4)).toMatchObject({ complete: true, resolved: 0, fillsBooked: 0, mismatch: false });
  expect(store.journal.get(id)!.status).toBe('executed');
  expect(store.liveLedger.fills().map((f) => [f.countCentis, f.feeMicros, f.isTaker])).toEqual([[200, 35_000, true], [300, 0, false]]);
  expect(store.liveLedger.positions()).toEqual([{ ticker: 'TS-E1-A', positionCentis: 500, costMicros: 2_600_000, realizedPnlMicros: -35_000, feesMicros: 35_000, settled: false }]);
  // exact ledger −2.635 vs the exchange's cent-floored −2.64: within the 1¢-per-order tolerance.
  expect(store.liveLedger.cashChange()).toBe(-2_635_000);
  expect((await kc.getBalance()).balance).toBe(997_360_000);

  sim.forceSettle('TS-E1-A', 'yes');
  expect(await rec(5)).toMatchObject({ complete: true, settled: 1, mismatch: false });
  expect(await rec(6)).toMatchObject({ complete: true, settled: 0, fillsBooked: 0, mismatch: false });
  // 5.00 paid − 2.60 cost = 2.40 at settlement; with the 0.035 fee, 2.365 realised in all.
  expect(store.liveLedger.positions()).toEqual([{ ticker: 'TS-E1-A', positionCentis: 0, costMicros: 0, realizedPnlMicros: 2_365_000, feesMicros: 35_000, settled: true }]);
  expect(store.liveLedger.cashChange()).toBe(2_365_000);
  expect(store.db.prepare("SELECT COUNT(*) AS n FROM live_cash_ledger WHERE kind = 'settlement'").get()).toEqual({ n: 1 });
  expect(store.liveLedger.mismatchBlock()).toEqual({ blocked: false, latched: false, detail: null });
});

test('a positions call failing during reconciliation changes nothing locally: no fill, close, settlement or journal step; the gate stays shut', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mm-1' })));
  await placeLane(1, 0, { ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', price: 520_000, count: 200 });
  expect(await rec(2)).toMatchObject({ complete: true, fillsBooked: 1 });
  expect(reconciledThisCycle(FIRST_RUN_ID, 2, gate)).toBe(true);
  // Now there is work: a second lane order filled (a fill to book) and the market settles (a position to close).
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 100, clientOrderId: 'mm-2' })));
  await placeLane(2, 0, { ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', price: 520_000, count: 100 }, 'lose');
  sim.forceSettle('TS-E1-A', 'yes');
  const before = ledgerFacts();
  const runsBefore = store.liveLedger.runs().length;

  const failing = clientFor(laneKey, (async (url: string | URL | Request, init?: RequestInit) => {
    if (String(url).includes('/portfolio/positions')) return new Response('{"error":{"code":"internal","message":"boom"}}', { status: 500, headers: { 'content-type': 'application/json' } });
    return fetch(url, init);
  }) as typeof fetch);
  const r = await rec(3, failing);
  expect(r).toMatchObject({ complete: false, resolved: 0, fillsBooked: 0, settled: 0, adopted: 0, foreign: 0, mismatch: false });
  expect(r.reason).toMatch(/^GET \/portfolio\/positions: .*boom/);
  expect(ledgerFacts()).toEqual(before);
  expect(before.positions).toEqual([expect.objectContaining({ ticker: 'TS-E1-A', positionCentis: 200, settled: false })]);
  expect(store.liveLedger.runs().slice(runsBefore).map((x) => [x.cycle, x.complete])).toEqual([[3, false]]);
  expect(reconciledThisCycle(FIRST_RUN_ID, 3, gate)).toBe(false);

  // The next complete run does it all, once.
  expect(await rec(4)).toMatchObject({ complete: true, resolved: 1, fillsBooked: 1, settled: 1, mismatch: false });
  expect(reconciledThisCycle(FIRST_RUN_ID, 4, gate)).toBe(true);
  expect(store.liveLedger.positions()).toEqual([expect.objectContaining({ ticker: 'TS-E1-A', positionCentis: 0, settled: true })]);
});

test('foreign orders and positions (another client_order_id prefix) block their market and event and are never touched', async () => {
  // Before the lane starts, the account already holds a position and a resting order that are not the lane's.
  ok(await mm.createOrder(order({ ticker: 'TS-E1-B', side: 'no', action: 'buy', price: 650_000, count: 100, clientOrderId: 'mm-b' })));
  ok(await kc.createOrder(order({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 350_000, count: 100, clientOrderId: 'manual-pos' })));
  const manual = ok(await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 100_000, count: 300, clientOrderId: 'manual-rest' })));
  const simOrdersBefore = sim.listOrders().length;

  expect(await rec(1)).toMatchObject({ complete: true, foreign: 2, mismatch: false, fillsBooked: 0 });
  expect(await rec(2)).toMatchObject({ complete: true, foreign: 2, mismatch: false, fillsBooked: 0 });
  expect(store.liveLedger.foreign().map((f) => [f.kind, f.ref, f.ticker, f.eventTicker])).toEqual([
    ['order', manual.orderId, 'TM-E1-A', 'TM-E1'],
    ['position', 'TS-E1-B', 'TS-E1-B', 'TS-E1'],
  ]);
  const blocks = store.liveLedger.foreignBlocks();
  expect([[...blocks.tickers].sort(), [...blocks.events].sort()]).toEqual([['TM-E1-A', 'TS-E1-B'], ['TM-E1', 'TS-E1']]);
  // Never touched: the order still rests in full, the position is the account's, nothing booked, no new exchange order.
  expect(await kc.getOrder(manual.orderId)).toMatchObject({ status: 'resting', remainingCount: 300 });
  expect((await kc.getPositions()).marketPositions.map((p) => [p.ticker, p.position])).toEqual([['TS-E1-B', 100]]);
  expect(sim.listOrders().length).toBe(simOrdersBefore);
  expect(store.liveLedger.positions()).toEqual([]);
  expect(store.journal.rows()).toEqual([]);
  // When the foreign order is gone, its block goes with the next complete run; the position's stays.
  ok(await kc.cancelOrder(manual.orderId));
  expect(await rec(3)).toMatchObject({ complete: true, foreign: 1 });
  expect(store.liveLedger.foreign().map((f) => f.ticker)).toEqual(['TS-E1-B']);
});

test('a balance mismatch blocks entries (reconciliation_mismatch_guard) with both sides, latches after three runs, and clears only by an operator', async () => {
  expect(await rec(1)).toMatchObject({ complete: true, mismatch: false });
  sim.setBalance(laneKey.keyId, 1_005_000_000); // $5 appears that no fill or settlement explains
  for (let c = 2; c < 2 + MISMATCH_LATCH_RUNS; c++) {
    const r = await rec(c);
    expect(r).toMatchObject({ complete: true, mismatch: true, latched: c - 1 >= MISMATCH_LATCH_RUNS });
    expect(reconciledThisCycle(FIRST_RUN_ID, c, gate)).toBe(true); // complete: the mismatch guard blocks entries, not exits
    expect(store.liveLedger.mismatchBlock()).toMatchObject({ blocked: true, latched: c - 1 >= MISMATCH_LATCH_RUNS });
  }
  expect(store.liveLedger.runs().map((r) => [r.cycle, r.mismatch, r.consecutiveMismatches, r.latched])).toEqual([
    [1, false, 0, false], [2, true, 1, false], [3, true, 2, false], [4, true, 3, true],
  ]);
  expect(store.liveLedger.mismatchBlock().detail).toEqual({
    mismatch: { positions: [], cash: { exchangeChange: 5_000_000, ledgerChange: 0, toleranceMicros: 10_000 } }, notes: [],
  });
  // Nothing was "fixed": no position or cash invented.
  expect([store.liveLedger.positions(), store.liveLedger.cashChange()]).toEqual([[], 0]);

  // The money goes back: the mismatch is gone but the latch holds until an operator clears it.
  sim.setBalance(laneKey.keyId, 1_000_000_000);
  expect(await rec(5)).toMatchObject({ complete: true, mismatch: false, latched: false });
  expect(store.liveLedger.mismatchBlock()).toMatchObject({ blocked: true, latched: true });
  expect(store.liveLedger.clearMismatchLatch('operator', sim.nowMs())).toBe(1);
  expect(store.liveLedger.mismatchBlock()).toEqual({ blocked: false, latched: false, detail: null });
});

test('an unknown journal row is resolved from the orders walk; absent after the user-data timestamp passed the send → rejected; the lane prefix is adopted', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 100, clientOrderId: 'mm-1' })));
  // Placed on the exchange, the answer lost: unknown in the journal.
  const placed = await placeLane(1, 0, { ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', price: 520_000, count: 100 }, 'lose');
  // Journaled and marked sent, but the create never reached the exchange.
  const lostId = clientOrderId(FIRST_RUN_ID, 1, 1);
  const req = buildOrderRequest({ clientOrderId: lostId, ticker: 'TS-E1-A', side: 'yes', action: 'buy', priceMicros: 300_000, countCentis: 100, reduceOnly: false, nowMs: sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
  if (isRefusal(req)) throw new Error(req.detail);
  store.journal.insertPending({ clientOrderId: lostId, firstRunId: FIRST_RUN_ID, cycle: 1, idx: 1, ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 300_000, countCentis: 100, requestBody: req.body, createdAtMs: sim.nowMs() });
  store.journal.markSent(lostId, sim.nowMs());
  store.journal.recordOutcome(lostId, 'unknown', { atMs: sim.nowMs(), detail: 'timeout' });
  // An order with the lane's prefix that the journal never held (e.g. written by a lost process).
  const strayId = clientOrderId(FIRST_RUN_ID, 1, 2);
  const stray = ok(await kc.createOrder(order({ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 200_000, count: 100, clientOrderId: strayId })));

  // The exchange's data is not yet past the sends: found → its status; absent → still unknown.
  expect(await rec(2)).toMatchObject({ complete: true, resolved: 1, adopted: 1, fillsBooked: 1, foreign: 0, mismatch: false });
  expect(store.journal.get(placed)).toMatchObject({ status: 'executed' });
  expect(store.journal.get(lostId)).toMatchObject({ status: 'unknown' });
  expect(store.journal.get(strayId)).toMatchObject({ status: 'resting', exchangeOrderId: stray.orderId, cycle: 1, idx: 2, ticker: 'TS-E1-A', eventTicker: 'TS-E1' });
  expect(store.journal.hasUnknown()).toBe(true);

  sim.advance(1_000);
  expect(await rec(3)).toMatchObject({ complete: true, resolved: 1, adopted: 0, fillsBooked: 0, mismatch: false });
  expect(store.journal.get(lostId)).toMatchObject({ status: 'rejected' });
  expect(store.journal.get(lostId)!.detail).toMatch(/^reconciliation: not placed \(complete walk after the user-data timestamp passed the send time\)/);
  expect(store.journal.hasUnknown()).toBe(false);
  expect(store.journal.events(lostId).map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
    ['pending', null, 'pending_submit'], ['sent', 'pending_submit', 'pending_submit'], ['outcome', 'pending_submit', 'unknown'], ['reconciled', 'unknown', 'rejected'],
  ]);
  expect(lanePrefix(FIRST_RUN_ID)).toBe('ka1c0ffee0000004000800000000000abcd-');
});

test('a positions answer without its list, or an orders walk cut short at the page limit, is incomplete too: nothing closes', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mm-1' })));
  await placeLane(1, 0, { ticker: 'TS-E1-A', eventTicker: 'TS-E1', side: 'yes', price: 520_000, count: 200 });
  expect(await rec(2)).toMatchObject({ complete: true, fillsBooked: 1 });
  sim.forceSettle('TS-E1-A', 'yes');
  const before = ledgerFacts();
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  // 200 with no market_positions (an "empty" list that is really an error).
  const noList = clientFor(laneKey, (async (url: string | URL | Request, init?: RequestInit) =>
    (String(url).includes('/portfolio/positions') ? json({ cursor: '' }) : fetch(url, init))) as typeof fetch);
  expect(await rec(3, noList)).toMatchObject({ complete: false, settled: 0, reason: expect.stringMatching(/^GET \/portfolio\/positions: /) });
  // Orders that always have one more page: the walk stops at the page limit and refuses to return a partial list.
  let page = 0;
  const endless = clientFor(laneKey, (async (url: string | URL | Request, init?: RequestInit) =>
    (String(url).includes('/portfolio/orders') ? json({ orders: [], cursor: `c${++page}` }) : fetch(url, init))) as typeof fetch);
  expect(await rec(4, endless)).toMatchObject({ complete: false, settled: 0, reason: expect.stringMatching(/^GET \/portfolio\/orders: .*pages/) });
  expect(ledgerFacts()).toEqual(before);
  expect(reconciledThisCycle(FIRST_RUN_ID, 4, gate)).toBe(false);
  expect(await rec(5)).toMatchObject({ complete: true, settled: 1, mismatch: false });
});
