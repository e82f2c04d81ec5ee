/**
 * Cancelling a live lane's resting orders on the simulator (src/execution/live-cancel.ts), judged by the SIMULATOR's
 * own order states (sim.core.exchange.orders), not by the journal:
 * - after its TTL (measured from the first send; here the lane's TTL was lowered after the order was placed, so the
 *   order's own expiration_time has not fired and only the bot's cancel can take it off the book), with the part
 *   filled before the cancel kept truthfully in the journal;
 * - before its market closes (close − now ≤ execution.cancel_before_close_seconds), not a moment earlier;
 * - a cancel answered 404 (already gone) or 409 market_closed counts as done and invents nothing;
 * - a refusal during an exchange pause leaves the order resting, counted cancel_retry;
 * - a foreign resting order (no lane prefix) is never touched, by any reason;
 * - a 500 on the cancel is `failed` (the activity then fails retryably).
 */
import { cancelResting, CancelDeps } from '../src/execution/live-cancel';
import { executeLiveOrders } from '../src/execution/live-order';
import { clientOrderId } from '../src/domain/order-id';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(60_000);
const logger = silentLogger();
let rig: LiveRig;
const id0 = clientOrderId(FIRST_RUN_ID, 1, 0);

afterEach(async () => {
  await rig?.close();
});

/** A live lane with one resting bot order on HELD: 2 of its 5 contracts filled against the maker, 3 resting. */
async function restingOrder(orderTtlSeconds = 3600, afterMaintenance = false): Promise<{ orderId: string }> {
  rig = await liveRig({ execution: { order_ttl_seconds: orderTtlSeconds } });
  // The scenario's maintenance pause (07:00–09:00 UTC on day 2) cancels orders flagged cancel_order_on_pause, as ours are.
  if (afterMaintenance) rig.sim.setTime(Math.max(...rig.sim.core.exchange.maintenance.map((w) => w.endMs)) + 1000);
  const mk = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mk-no-48' }));
  if (mk.outcome !== 'ok') throw new Error(`maker order: ${mk.outcome}`);
  const scanId = await rig.scan();
  await executeLiveOrders(rig.t, rig.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id0, intent: entryIntent(520_000, 600_000) }] });
  const row = rig.store.journal.get(id0)!;
  expect(row.status).toBe('resting');
  expect(simOrder(row.exchangeOrderId!)).toMatchObject({ status: 'resting', filled: 200, remaining: 300 });
  return { orderId: row.exchangeOrderId! };
}

function simOrder(orderId: string) {
  const o = rig.sim.core.exchange.orders.get(orderId);
  if (!o) throw new Error(`the simulator holds no order ${orderId}`);
  return o;
}

function deps(o: Partial<CancelDeps> = {}): CancelDeps {
  return {
    venue: rig.t.venue, journal: rig.store.journal, logger, venueNowMs: async () => rig.sim.nowMs(),
    orderTtlSeconds: 600, cancelBeforeCloseSeconds: 120, ...o,
  };
}

test('after its TTL: kept a millisecond before, cancelled at the TTL; the journal keeps the 2 filled of 5', async () => {
  const { orderId } = await restingOrder(3600);
  const sent = rig.store.journal.get(id0)!.firstSentAtMs!;
  rig.sim.setTime(sent + 600_000 - 1);
  const early = await cancelResting(deps(), { reason: 'ttl', firstRunId: FIRST_RUN_ID });
  expect({ requested: early.requested, kept: early.kept }).toEqual({ requested: 0, kept: 1 });
  expect(simOrder(orderId).status).toBe('resting');

  rig.sim.setTime(sent + 600_000);
  const out = await cancelResting(deps(), { reason: 'ttl', firstRunId: FIRST_RUN_ID });
  expect(out).toMatchObject({ requested: 1, canceled: 1, gone: 0, retry: 0, failed: 0 });
  expect(out.results).toEqual([expect.objectContaining({ orderId, clientOrderId: id0, why: 'ttl', result: 'canceled', filledCentis: 200 })]);
  expect(simOrder(orderId)).toMatchObject({ status: 'canceled', filled: 200, remaining: 0 });
  const row = rig.store.journal.get(id0)!;
  expect(row.status).toBe('canceled');
  expect(row.detail).toMatch(/filled before the cancel 2\.00 of 5\.00/);
  expect(rig.store.journal.events(id0).at(-1)).toMatchObject({ kind: 'outcome', fromStatus: 'resting', toStatus: 'canceled' });

  // A retried activity: the order is gone (404), nothing is recorded twice or invented.
  const again = await cancelResting(deps({ orderTtlSeconds: 600 }), { reason: 'stop', firstRunId: FIRST_RUN_ID });
  expect(again.requested).toBe(0);
});

test('before close: kept at close − 121 s, cancelled at close − 120 s (before its own expiration at close − 60 s)', async () => {
  const { orderId } = await restingOrder(86_400, true);
  const close = Date.parse((await rig.t.venue.getMarket(HELD)).closeTime!);
  rig.sim.setTime(close - 121_000);
  expect((await cancelResting(deps({ orderTtlSeconds: 86_400 }), { reason: 'ttl', firstRunId: FIRST_RUN_ID })).kept).toBe(1);
  expect(simOrder(orderId).status).toBe('resting');
  rig.sim.setTime(close - 120_000);
  const out = await cancelResting(deps({ orderTtlSeconds: 86_400 }), { reason: 'ttl', firstRunId: FIRST_RUN_ID });
  expect(out.results.map((r) => [r.why, r.result])).toEqual([['before_close', 'canceled']]);
  expect(simOrder(orderId).status).toBe('canceled');
});

test('404 (already off the book) and 409 market_closed count as done; the journal row is left to reconciliation', async () => {
  const { orderId } = await restingOrder();
  // Someone else (the exchange, another session) cancelled it: the journal still says resting.
  rig.sim.core.exchange.cancelResting(simOrder(orderId));
  const gone = await cancelResting(deps(), { reason: 'stop', firstRunId: FIRST_RUN_ID });
  expect(gone).toMatchObject({ requested: 1, canceled: 0, gone: 1, failed: 0 });
  expect(gone.results[0].detail).toMatch(/404 not_found/);
  expect(rig.store.journal.get(id0)!.status).toBe('resting'); // not invented: reconciliation reads the exchange's word

  // The market closed: every order operation, cancels included, is refused with 409 market_closed.
  rig.sim.forceSettle(HELD, 'yes');
  const closed = await cancelResting(deps(), { reason: 'kill_switch', firstRunId: FIRST_RUN_ID });
  expect(closed).toMatchObject({ requested: 1, gone: 1, failed: 0 });
  expect(closed.results[0].detail).toMatch(/409 market_closed/);
  expect(rig.store.journal.get(id0)!.status).toBe('resting');
});

test('an exchange pause refuses the cancel: left resting, counted cancel_retry; the next sweep after the pause cancels it', async () => {
  const { orderId } = await restingOrder();
  rig.sim.core.exchange.exchangeActive = false;
  const paused = await cancelResting(deps(), { reason: 'kill_switch', firstRunId: FIRST_RUN_ID });
  expect(paused).toMatchObject({ requested: 1, canceled: 0, retry: 1, failed: 0 });
  expect(paused.results[0].result).toBe('cancel_retry');
  expect(simOrder(orderId).status).toBe('resting');
  rig.sim.core.exchange.exchangeActive = true;
  const after = await cancelResting(deps(), { reason: 'kill_switch', firstRunId: FIRST_RUN_ID });
  expect(after).toMatchObject({ canceled: 1, retry: 0 });
  expect(simOrder(orderId).status).toBe('canceled');
});

test('a foreign resting order on the same account is never touched, whatever the reason', async () => {
  const { orderId } = await restingOrder();
  // The bot's own key places an order by hand (no lane prefix): foreign exposure.
  const manual = await rig.t.venue.createOrder(makerOrder({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 100_000, count: 100, clientOrderId: 'manual-order-1' }));
  if (manual.outcome !== 'ok') throw new Error('manual order');
  const foreignId = manual.value.orderId;
  rig.sim.setTime(rig.sim.nowMs() + 600_000); // past every TTL
  for (const reason of ['ttl', 'kill_switch', 'stop'] as const) {
    const out = await cancelResting(deps(), { reason, firstRunId: FIRST_RUN_ID });
    expect(out.foreignLeft).toBe(1);
    expect(out.results.every((r) => r.orderId !== foreignId)).toBe(true);
  }
  expect(simOrder(foreignId).status).toBe('resting');
  expect(simOrder(orderId).status).toBe('canceled'); // the lane's own order went at the first (ttl) sweep
});

test('a 500 on the cancel is failed (never counted done); the order stays resting', async () => {
  const { orderId } = await restingOrder();
  const out = await cancelResting(
    deps({ venue: { ...pick(rig.t.venue), cancelOrder: async (id, o) => { rig.sim.setFaults({ fail5xxNext: 1 }); return rig.t.venue.cancelOrder(id, o); } } }),
    { reason: 'stop', firstRunId: FIRST_RUN_ID },
  );
  expect(out).toMatchObject({ requested: 1, canceled: 0, gone: 0, failed: 1 });
  expect(simOrder(orderId).status).toBe('resting');
  expect(rig.store.journal.get(id0)!.status).toBe('resting');
});

function pick(v: LiveRig['t']['venue']): CancelDeps['venue'] {
  return { listOrders: (f, p) => v.listOrders(f, p), cancelOrder: (id, o) => v.cancelOrder(id, o), getMarket: (t) => v.getMarket(t) };
}
