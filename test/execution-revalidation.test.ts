/**
 * Revalidation right before a live create (issue 9 "The order activity"): the live order path on the simulator reads
 * a fresh book and skips with a recorded reason on excessive drift or a decayed edge, and otherwise sends the
 * REVALIDATED price and count. Judged by the simulator's own log of what it received (sim.listOrders()), and the
 * journal row the skip leaves.
 *
 * Book: a maker's NO bid 0.48 × 100 → YES ask 0.52. TS is quadratic (fee 0.07·C·P·(1−P) rounded up to $0.0001):
 * 5 contracts at 0.52 → 0.08736 → $0.0874, $0.01748/contract.
 *   drift     decided 0.40, ask 0.52: |0.12| > max_price_drift 0.05 → price_drift_guard
 *   decay     fair 0.54 at 0.52: 0.02 − 0.01748 = 0.00252 < min_edge_at_execution 0.02 → edge_decay_guard
 *   proceeds  decided 0.51 (drift 0.01, slippage 0.01 ≤ 0.10), fair 0.60: edge 0.0825 → limit 0.52 (the fresh ask,
 *             under the cap 0.60 − 0.02 − 0.0175), 5 contracts → the simulator receives YES bid 0.52 × 5.00
 */
import { executeLiveOrders } from '../src/execution/live-order';
import { clientOrderId } from '../src/domain/order-id';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(60_000);
const logger = silentLogger();
let rig: LiveRig;

beforeEach(async () => {
  rig = await liveRig();
  const r = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
  expect(r.outcome).toBe('ok');
});
afterEach(async () => {
  await rig.close();
});

async function run(intent: ReturnType<typeof entryIntent>, index = 0) {
  const scanId = await rig.scan();
  const id = clientOrderId(FIRST_RUN_ID, 1, index);
  const out = await executeLiveOrders(rig.t, rig.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id, intent }] });
  return { id, out };
}

test('skipped on excessive drift: price_drift_guard, a skipped journal row, nothing reaches the simulator', async () => {
  const { id, out } = await run(entryIntent(400_000, 600_000));
  expect(out.placed).toBe(0);
  expect(out.skipped).toEqual({ price_drift_guard: 1 });
  expect(rig.store.journal.get(id)).toMatchObject({ status: 'skipped', skipCode: 'price_drift_guard', sentAtMs: null, sendCount: 0 });
  expect(rig.botRequests()).toEqual([]);
  expect(rig.store.journal.hasUnknown()).toBe(false);
});

test('skipped when the edge decayed below min_edge_at_execution: edge_decay_guard, nothing sent', async () => {
  const { id, out } = await run(entryIntent(520_000, 540_000));
  expect(out.skipped).toEqual({ edge_decay_guard: 1 });
  expect(rig.store.journal.get(id)).toMatchObject({ status: 'skipped', skipCode: 'edge_decay_guard', sentAtMs: null });
  expect(rig.botRequests()).toEqual([]);
});

test('proceeds when the checks pass: the simulator receives the revalidated price and count', async () => {
  const { id, out } = await run(entryIntent(510_000, 600_000));
  expect(out.skipped).toEqual({});
  expect(out.placed).toBe(1);
  const got = rig.botRequests(id);
  expect(got).toHaveLength(1);
  expect(got[0]).toMatchObject({ client_order_id: id, ticker: HELD, status: 201, outcome: 'created' });
  expect(String(got[0].price)).toMatch(/^0\.52/);
  expect(String(got[0].count)).toMatch(/^5(\.0+)?$/);
  const row = rig.store.journal.get(id)!;
  expect(row).toMatchObject({ priceMicros: 520_000, countCentis: 500, sendCount: 1, exchangeOrderId: got[0].order_id });
  expect(['executed', 'resting']).toContain(row.status);
  const body = JSON.parse(row.requestBody);
  expect(body).toMatchObject({ client_order_id: id, time_in_force: 'good_till_canceled', cancel_order_on_pause: true, self_trade_prevention_type: 'taker_at_cross', reduce_only: false });
  // expiration_time from the simulator's clock: now + order_ttl_seconds (600 s), floored to the second.
  expect(body.expiration_time).toBe(Math.floor((row.createdAtMs + 600_000) / 1000));
});
