/**
 * The live order path's refusals carry registered reason codes (src/domain/reason-codes.ts), judged by what the
 * simulator received: an exchange that is not trading refuses every order with exchange_not_trading_guard and nothing
 * is sent (no retried activity hammering a paused exchange); an order the exchange refuses (insufficient balance) is
 * journaled `rejected` and reported as order_rejected_guard.
 */
import { clientOrderId } from '../src/domain/order-id';
import { isReasonCode } from '../src/domain/reason-codes';
import { executeLiveOrders, LiveExecuteInput } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveKeys, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(60_000);
let rig: LiveRig;

beforeEach(async () => {
  rig = await liveRig();
  const r = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
  if (r.outcome !== 'ok') throw new Error(`maker order: ${r.outcome}`);
});
afterEach(async () => {
  await rig.close();
});

const ids = [clientOrderId(FIRST_RUN_ID, 1, 0), clientOrderId(FIRST_RUN_ID, 1, 1)];
async function input(): Promise<LiveExecuteInput> {
  const scanId = await rig.scan();
  return { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: ids.map((id) => ({ clientOrderId: id, intent: entryIntent(520_000, 600_000) })) };
}

test('trading paused on the exchange: every order refused with exchange_not_trading_guard; nothing sent, no journal row', async () => {
  const inp = await input();
  rig.sim.core.exchange.tradingOverride = false;
  const out = await executeLiveOrders(rig.t, rig.store, silentLogger(), inp);
  expect(out.skipped).toEqual({ exchange_not_trading_guard: 2 });
  expect(out.refused[0].detail).toContain('trading inactive');
  expect(rig.botRequests()).toEqual([]);
  expect(rig.store.journal.rows()).toEqual([]);
  // Trading resumes: the same input places (nothing was recorded that would block it).
  rig.sim.core.exchange.tradingOverride = null;
  expect((await executeLiveOrders(rig.t, rig.store, silentLogger(), inp)).placed).toBe(2);
});

test('an order the exchange refuses is journaled rejected and reported with the registered order_rejected_guard', async () => {
  const inp = await input();
  rig.sim.setBalance(liveKeys().bot.keyId, 0);
  const out = await executeLiveOrders(rig.t, rig.store, silentLogger(), { ...inp, orders: inp.orders.slice(0, 1) });
  expect(out.skipped).toEqual({ order_rejected_guard: 1 });
  expect(isReasonCode(Object.keys(out.skipped)[0])).toBe(true);
  expect(rig.store.journal.get(ids[0])).toMatchObject({ status: 'rejected' });
  expect(rig.botRequests(ids[0]).map((o) => o.outcome)).toEqual(['rejected']);
  expect(rig.botOrdersMade()).toEqual([]);
});

/** Counts the exchange-status reads of the bot's own client (the real call goes through). */
function countStatusReads(after?: () => void): () => number {
  const venue = rig.t.venue;
  const real = venue.getExchangeStatus.bind(venue);
  let n = 0;
  venue.getExchangeStatus = async () => {
    n += 1;
    const x = await real();
    after?.();
    return x;
  };
  return () => n;
}

test('the exchange status is read once per execute call, not once per order', async () => {
  const inp = await input();
  const reads = countStatusReads();
  const out = await executeLiveOrders(rig.t, rig.store, silentLogger(), inp);
  expect(out.placed).toBe(2);
  expect(reads()).toBe(1);
  expect(rig.botOrdersMade().map((o) => o.client_order_id)).toEqual(ids);
});

test('a create refused as trading_is_paused makes the next order read the status again: refused, never sent', async () => {
  const inp = await input();
  // The exchange pauses right after the call read it as trading.
  const reads = countStatusReads(() => { rig.sim.core.exchange.tradingOverride = false; });
  const out = await executeLiveOrders(rig.t, rig.store, silentLogger(), inp);
  expect(out.orders.map((o) => [o.status, o.code])).toEqual([['rejected', 'order_rejected_guard'], [null, 'exchange_not_trading_guard']]);
  expect(reads()).toBe(2);
  expect(rig.botRequests().map((o) => [o.client_order_id, o.outcome])).toEqual([[ids[0], 'rejected']]);
  expect(rig.store.journal.get(ids[1])).toBeNull();
});
