/**
 * The exchange-side order group (execution.order_group.enabled; docs/reconciliation.md "Order groups"), on the
 * simulator — whose order-group semantics are our guess (kalshi-api.md documents only the endpoints): reconciliation
 * creates the group with the limit derived from risk.max_notional_per_cycle; entries carry its order_group_id (the
 * simulator's own orders say so); a tripped group refuses the next entry (409 order_group_limit_reached) → the order
 * path latches order_group_tripped_guard and refuses entries without a request; reconciliation re-latches a trip the
 * workflow never saw, and resets the group only once the latched halt was seen and then cleared by an operator.
 */
import { reconcileLane, ReconciliationGate } from '../../src/activities/reconcile';
import { clearHalt, initialControlState, latchHalt } from '../../src/domain/control';
import { clientOrderId } from '../../src/domain/order-id';
import { orderGroupContractsLimit } from '../../src/domain/order-group';
import { executeLiveOrders } from '../../src/execution/live-order';
import { silentLogger } from '../../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from '../helpers/live';

jest.setTimeout(60_000);
let rig: LiveRig;
const logger = silentLogger();

beforeEach(async () => {
  rig = await liveRig({ execution: { order_group: { enabled: true } } });
  const r = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
  if (r.outcome !== 'ok') throw new Error(`maker order: ${r.outcome}`);
});
afterEach(async () => {
  await rig.close();
});

test('the limit is derived from risk.max_notional_per_cycle at the smallest price', () => {
  expect(orderGroupContractsLimit(2_000_000_000)).toBe(200_000 * 100);
  expect(orderGroupContractsLimit(5_000)).toBe(100);
  expect(() => orderGroupContractsLimit(0)).toThrow('risk.max_notional_per_cycle');
});

test('created by reconciliation, carried by entries, tripped → latched and refused, reset only after the operator cleared it', async () => {
  const limit = orderGroupContractsLimit(rig.t.settings.fixed.maxNotionalPerCycle);
  const gate = new ReconciliationGate();
  const rec = (cycle: number) => reconcileLane({ store: rig.store, venue: rig.t.venue, logger, gate, orderGroup: { enabled: true, contractsLimitCentis: limit } }, { firstRunId: FIRST_RUN_ID, cycle, nowMs: rig.sim.nowMs() });
  const ex = rig.sim.core.exchange;
  const scanId = await rig.scan();
  const place = (idx: number) => executeLiveOrders(rig.t, rig.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: clientOrderId(FIRST_RUN_ID, 1, idx), intent: entryIntent(520_000, 600_000) }] });

  expect(await rec(1)).toMatchObject({ complete: true, orderGroup: 'order group created' });
  const group = rig.store.orderGroups.current()!;
  expect(group).toMatchObject({ state: 'active', contractsLimitCentis: limit });
  expect(ex.groups.get(group.orderGroupId)).toMatchObject({ limit, triggered: false });

  expect((await place(0)).placed).toBe(1);
  const made = rig.botOrdersMade();
  expect(made.map((o) => ex.orders.get(o.order_id!)?.orderGroupId)).toEqual([group.orderGroupId]);

  // The exchange trips the group (the simulator's guess: matched contracts reached the limit in its window).
  const g = ex.groups.get(group.orderGroupId)!;
  g.triggered = true;
  ex.cancelGroupOrders(g);
  const tripped = await place(1);
  expect(tripped.latch.map((h) => h.code)).toEqual(['order_group_tripped_guard']);
  expect(rig.botRequests(clientOrderId(FIRST_RUN_ID, 1, 1)).map((o) => [o.outcome, o.error_code])).toEqual([['rejected', 'order_group_limit_reached']]);
  expect(rig.store.orderGroups.current()).toMatchObject({ state: 'tripped' });
  // Entries are refused from the DB, without a request; the simulator made no new order.
  const refused = await place(2);
  expect(refused.skipped).toEqual({ order_group_tripped_guard: 1 });
  expect(rig.botRequests(clientOrderId(FIRST_RUN_ID, 1, 2))).toEqual([]);
  expect(rig.botOrdersMade()).toHaveLength(1);

  // The workflow never latched it (e.g. a crash): reconciliation latches it again; nothing is reset.
  expect((await rec(2)).latch?.map((h) => h.code)).toEqual(['order_group_tripped_guard']);
  expect(g.triggered).toBe(true);
  // Latched in the control state: seen, still no reset.
  rig.store.control.write(latchHalt(initialControlState(), 'order_group_tripped_guard', 'tripped', rig.sim.nowMs()), rig.sim.nowMs(), 'test');
  expect((await rec(3)).latch).toBeUndefined();
  expect([g.triggered, rig.store.orderGroups.current()?.state]).toEqual([true, 'tripped']);
  // The operator clears it: the next reconciliation resets the group; entries go (in the group) again.
  rig.store.control.write(clearHalt(rig.store.control.readOrInitial(), 'order_group_tripped_guard'), rig.sim.nowMs(), 'test');
  expect(await rec(4)).toMatchObject({ orderGroup: 'order group reset' });
  expect(g.triggered).toBe(false);
  expect(rig.store.orderGroups.current()).toMatchObject({ state: 'active', resetCount: 1, orderGroupId: group.orderGroupId });
  expect((await place(3)).placed).toBe(1);
  expect(rig.botOrdersMade().map((o) => ex.orders.get(o.order_id!)?.orderGroupId)).toEqual([group.orderGroupId, group.orderGroupId]);
});

test('disabled (the default): no group is created and orders carry none', async () => {
  const plain = await liveRig();
  try {
    expect(plain.t.settings.config.execution.order_group.enabled).toBe(false);
    const r = await reconcileLane({ store: plain.store, venue: plain.t.venue, logger, gate: new ReconciliationGate(), orderGroup: null }, { firstRunId: FIRST_RUN_ID, cycle: 1, nowMs: plain.sim.nowMs() });
    expect(r.orderGroup).toBeUndefined();
    const mk = await plain.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 10_000, clientOrderId: 'mk-no-48' }));
    expect(mk.outcome).toBe('ok');
    const scanId = await plain.scan();
    const out = await executeLiveOrders(plain.t, plain.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: plain.sim.nowMs(), scanId, orders: [{ clientOrderId: clientOrderId(FIRST_RUN_ID, 1, 0), intent: entryIntent(520_000, 600_000) }] });
    expect(out.placed).toBe(1);
    expect(plain.sim.core.exchange.groups.size).toBe(0);
    expect(plain.botOrdersMade().map((o) => plain.sim.core.exchange.orders.get(o.order_id!)?.orderGroupId ?? null)).toEqual([null]);
    expect(plain.store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!.requestBody).not.toContain('order_group_id');
  } finally {
    await plain.close();
  }
});
