/**
 * Reconciliation defects from the issue-9 review, on the simulator (its own record of what it received is the judge):
 * the historical order cutoff (origin B11), the previous workflow's orders after `restart`, foreign resting orders
 * older than the walk's min_ts, never-sent pending rows of past cycles, an unreadable foreign market.
 */
import path from 'node:path';
import { openStore, Store } from '../src/store';
import type { SimHandle } from '../src/sim';
import { KalshiClient, CreateOrderInput, WriteResult } from '../src/venues/kalshi';
import { buildOrderRequest, isRefusal } from '../src/domain/order-request';
import { outcomeOfCreate } from '../src/domain/order-outcome';
import { clientOrderId } from '../src/domain/order-id';
import { reconcileLane, ReconciliationGate } from '../src/activities/reconcile';
import { liveLedgerStatus } from '../src/cli/status-live-ledger';
import { silentLogger } from '../src/observability/logger';
import { makeKey, startTestSim, TestKey } from './sim/helpers';
import { tempDir } from './helpers/lane';

const FIRST_RUN_ID = 'c0ffee00-0000-4000-8000-00000000abcd';
const RESTARTED_RUN_ID = 'beef0000-0000-4000-8000-00000000abcd';
const laneKey = makeKey('review-lane');
const makerKey = makeKey('review-maker');

let sim: SimHandle;
let store: Store;
let kc: KalshiClient;
let mm: KalshiClient;

const clientFor = (k: TestKey, fetchImpl?: typeof fetch) => new KalshiClient({
  env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem }, fetchImpl, maxReadAttempts: 1, backoffBaseMs: 1, backoffMaxMs: 1,
});
function ok<V>(r: WriteResult<V>): V {
  if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}: ${r.error.message}`);
  return r.value;
}
const order = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });
const rec = (cycle: number, firstRunId = FIRST_RUN_ID, venue: KalshiClient = kc) =>
  reconcileLane({ store, venue, logger: silentLogger(), gate: new ReconciliationGate() }, { firstRunId, cycle, nowMs: sim.nowMs() });
const lastRunNotes = () => (store.liveLedger.runs().at(-1)!.detail as { notes?: string[] } | null)?.notes ?? [];
const simMade = (id: string) => sim.listOrders().filter((o) => o.client_order_id === id && o.order_id !== null);

/** The lane's order path in miniature: journal row, (optionally) the send, its outcome recorded or lost. */
async function placeLane(firstRunId: string, cycle: number, idx: number, o: { ticker: string; side: 'yes' | 'no'; price: number; count: number }, send: 'record' | 'lose' | 'never') {
  const id = clientOrderId(firstRunId, cycle, idx);
  const req = buildOrderRequest({ clientOrderId: id, ticker: o.ticker, side: o.side, action: 'buy', priceMicros: o.price, countCentis: o.count, reduceOnly: false, nowMs: sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
  if (isRefusal(req)) throw new Error(req.detail);
  store.journal.insertPending({ clientOrderId: id, firstRunId, cycle, idx, ticker: o.ticker, eventTicker: o.ticker.replace(/-[^-]+$/, ''), side: o.side, action: 'buy', priceMicros: o.price, countCentis: o.count, requestBody: req.body, createdAtMs: sim.nowMs() });
  if (send === 'never') return id;
  store.journal.markSent(id, sim.nowMs());
  const res = await kc.createOrder(req.input);
  if (send === 'lose') store.journal.recordOutcome(id, 'unknown', { atMs: sim.nowMs(), detail: 'timeout (test: the answer was lost)' });
  else {
    const out = outcomeOfCreate(res as never, o.count);
    store.journal.recordOutcome(id, out.status, { atMs: sim.nowMs(), exchangeOrderId: 'exchangeOrderId' in out ? out.exchangeOrderId : null, detail: out.detail });
  }
  return id;
}

beforeEach(async () => {
  sim = await startTestSim([laneKey, makerKey]);
  const dir = tempDir();
  store = openStore({ path: path.join(dir, 'live.sqlite'), mode: 'live', env: 'sim', cwd: dir });
  kc = clientFor(laneKey);
  mm = clientFor(makerKey);
});
afterEach(async () => {
  store.close();
  await sim.close();
});

test('an unknown order canceled before the historical cutoff is never concluded "not placed": it stays unknown and the run says so (origin B11)', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  const id = await placeLane(FIRST_RUN_ID, 1, 0, { ticker: 'TS-E1-A', side: 'yes', price: 200_000, count: 100 }, 'lose');
  const [made] = simMade(id);
  expect(made).toBeDefined(); // the simulator did place it
  ok(await kc.cancelOrder(made.order_id!));
  sim.advance(60_000);
  sim.setHistoricalCutoff(sim.nowMs()); // Kalshi moved the canceled order to /historical/orders
  expect((await kc.getHistoricalCutoff()).ordersUpdatedMs).toBe(sim.nowMs());
  expect((await kc.listOrders({ limit: 1000 })).map((o) => o.clientOrderId)).not.toContain(id);

  expect(await rec(2)).toMatchObject({ complete: true, resolved: 0 });
  expect(store.journal.get(id)).toMatchObject({ status: 'unknown' });
  expect(store.journal.hasUnknown()).toBe(true);
  expect(lastRunNotes().join('\n')).toMatch(/before the historical order cutoff.*stays unknown/);
  // The order path's own lookup says cannot_tell too.
  const row = store.journal.get(id)!;
  expect(await kc.findOrderByClientOrderId({ ticker: 'TS-E1-A', clientOrderId: id, minTs: 0, sentAtMs: row.attemptEndedAtMs!, firstSentAtMs: row.firstSentAtMs! }))
    .toMatchObject({ status: 'cannot_tell', reason: expect.stringMatching(/historical order cutoff/) });

  // The cutoff back a year: the order is listed again and resolves to what the simulator holds.
  sim.setHistoricalCutoff(null);
  expect(await rec(3)).toMatchObject({ complete: true, resolved: 1 });
  expect(store.journal.get(id)).toMatchObject({ status: 'canceled', exchangeOrderId: made.order_id });
});

test('after restart (a new first run id) the previous workflow\'s resting order is the lane\'s: not foreign, its fill booked, no mismatch', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  const id = await placeLane(FIRST_RUN_ID, 1, 0, { ticker: 'TS-E1-A', side: 'yes', price: 400_000, count: 200 }, 'record');
  expect(store.journal.get(id)).toMatchObject({ status: 'resting' });
  // `restart`: a new workflow reconciles with its own prefix.
  expect(await rec(1, RESTARTED_RUN_ID)).toMatchObject({ complete: true, foreign: 0, adopted: 0, mismatch: false });
  expect(store.liveLedger.foreign()).toEqual([]);
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 600_000, count: 200, clientOrderId: 'mm-x' })));
  expect(await rec(2, RESTARTED_RUN_ID)).toMatchObject({ complete: true, foreign: 0, fillsBooked: 1, resolved: 1, mismatch: false });
  expect(store.liveLedger.fills().map((f) => [f.clientOrderId, f.countCentis])).toEqual([[id, 200]]);
  expect(store.journal.get(id)).toMatchObject({ status: 'executed' });
});

test('a foreign resting order placed long before the lane started blocks its market and event (read with no min_ts)', async () => {
  const manual = ok(await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 100_000, count: 300, clientOrderId: 'manual-early' })));
  sim.advance(3_600_000); // the lane starts an hour later: its walk's min_ts is lane start − 120 s
  expect(await rec(1)).toMatchObject({ complete: true, foreign: 1 });
  expect(store.liveLedger.foreign().map((f) => [f.kind, f.ref, f.ticker, f.eventTicker])).toEqual([['order', manual.orderId, 'TM-E1-A', 'TM-E1']]);
  expect(await kc.getOrder(manual.orderId)).toMatchObject({ status: 'resting', remainingCount: 300 }); // never touched
});

test('a never-sent pending row of a past cycle is skipped (never_sent_guard) and stops blocking; status counted it as unknown while it did', async () => {
  expect(await rec(1)).toMatchObject({ complete: true });
  const id = await placeLane(FIRST_RUN_ID, 1, 0, { ticker: 'TS-E1-A', side: 'yes', price: 300_000, count: 100 }, 'never');
  expect(store.journal.hasUnknown()).toBe(true);
  expect(liveLedgerStatus(store.db, 100_000_000)!.reconciliation.unknownOrders).toBe(1); // what hasUnknown counts
  // The same cycle: left to the order path.
  expect(await rec(1)).toMatchObject({ complete: true, resolved: 0 });
  expect(store.journal.get(id)).toMatchObject({ status: 'pending_submit' });
  expect(await rec(2)).toMatchObject({ complete: true, resolved: 1 });
  expect(store.journal.get(id)).toMatchObject({ status: 'skipped', skipCode: 'never_sent_guard' });
  expect(store.journal.hasUnknown()).toBe(false);
  expect(liveLedgerStatus(store.db, 100_000_000)!.reconciliation.unknownOrders).toBe(0);
  expect(sim.listOrders().filter((o) => o.client_order_id === id)).toEqual([]); // its bytes never left
  expect(() => store.journal.markSent(id, sim.nowMs())).toThrow(/cannot send an order in status skipped/);
});

test('an unreadable foreign market leaves the run complete: the ticker is blocked, its event unknown', async () => {
  const manual = ok(await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 100_000, count: 100, clientOrderId: 'manual-hist' })));
  const venue = clientFor(laneKey, (async (url: string | URL | Request, init?: RequestInit) =>
    (new URL(String(url)).pathname.endsWith('/markets/TM-E1-A')
      ? new Response('{"error":{"code":"not_found","message":"market moved to historical"}}', { status: 404, headers: { 'content-type': 'application/json' } })
      : fetch(url, init))) as typeof fetch);
  expect(await rec(1, FIRST_RUN_ID, venue)).toMatchObject({ complete: true, foreign: 1 });
  expect(store.liveLedger.foreign().map((f) => [f.ref, f.ticker, f.eventTicker])).toEqual([[manual.orderId, 'TM-E1-A', 'TM-E1-A']]);
  expect(store.liveLedger.foreignBlocks().tickers.has('TM-E1-A')).toBe(true);
  expect(lastRunNotes().join('\n')).toMatch(/foreign market TM-E1-A: .*its event is unknown/);
});
