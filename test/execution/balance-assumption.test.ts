/**
 * THE balance assumption (src/domain/balance-assumption.ts: BALANCE_RESERVES_RESTING_COLLATERAL = false) checked
 * against the simulator: a resting order leaves the simulator's balance where it was. checkBalanceAssumption (what
 * `preflight` runs on demo) places the tiny far-from-market probe, reads the balance before and after, cancels it and
 * reports agreement; an account whose balance does fall by the collateral is reported as disagreeing.
 */
import { restingCollateralMicros, unreservedBalanceMicros } from '../../src/domain/balance-assumption';
import { BALANCE_RESERVES_RESTING_COLLATERAL } from '../../src/domain/reconcile';
import { checkBalanceAssumption } from '../../src/execution/balance-assumption';
import { HELD, liveKeys, liveRig, LiveRig, makerOrder } from '../helpers/live';

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

const simBalance = () => rig.sim.core.exchange.account(rig.sim.core.exchange.accountIdForKey(liveKeys().bot.keyId)).balance;

test('the one place: resting buys count as collateral only under the other assumption', () => {
  const orders = [
    { status: 'resting', action: 'buy' as const, price: 10_000, remainingCount: 150 },
    { status: 'resting', action: 'sell' as const, price: 900_000, remainingCount: 100 },
    { status: 'canceled', action: 'buy' as const, price: 500_000, remainingCount: 100 },
  ];
  expect(restingCollateralMicros(orders)).toBe(15_000);
  expect(BALANCE_RESERVES_RESTING_COLLATERAL).toBe(false);
  expect(unreservedBalanceMicros(1_000_000, orders)).toBe(1_000_000);
  expect(unreservedBalanceMicros(1_000_000, orders, true)).toBe(1_015_000);
});

test('on the simulator a resting order does not move the balance: the check agrees, and the probe is cancelled', async () => {
  const start = simBalance();
  let during: number | null = null;
  const venue = Object.create(rig.t.venue) as typeof rig.t.venue;
  venue.cancelOrder = async (id, opts) => {
    // The simulator's own balance while the probe rests (its record, not the bot's read).
    during = simBalance();
    expect(rig.botRequests().filter((o) => o.order_id === id)).toHaveLength(1);
    return rig.t.venue.cancelOrder(id, opts);
  };
  const r = await checkBalanceAssumption(venue, { sleep: async () => undefined });
  expect(r).toMatchObject({ assumption: 'does_not_reserve', observed: 'does_not_reserve', agrees: true, cancelled: true, collateralMicros: 10_000 });
  expect(r.balanceAfterMicros).toBe(r.balanceBeforeMicros);
  expect([during, simBalance()]).toEqual([start, start]);
  // The simulator received exactly the one post-only probe, and nothing of the bot rests now.
  const probes = rig.botRequests();
  expect(probes.map((o) => [o.client_order_id?.startsWith('kachk-'), o.outcome])).toEqual([[true, 'created']]);
  const resting = await rig.t.venue.listOrders({ status: 'resting' });
  expect(resting.filter((o) => o.clientOrderId?.startsWith('kachk-'))).toEqual([]);
});

test('an account whose balance falls by the collateral is reported as disagreeing with the assumption', async () => {
  const venue = Object.create(rig.t.venue) as typeof rig.t.venue;
  let reads = 0;
  venue.getBalance = async () => {
    const b = await rig.t.venue.getBalance();
    reads += 1;
    return reads === 1 ? b : { ...b, balance: b.balance - 10_000 };
  };
  const r = await checkBalanceAssumption(venue, { ticker: HELD, sleep: async () => undefined });
  expect(r).toMatchObject({ assumption: 'does_not_reserve', observed: 'reserves', agrees: false, cancelled: true, ticker: HELD });
  expect(r.detail).toContain('BALANCE_RESERVES_RESTING_COLLATERAL');
});

test('with the lane\'s subaccount the probe rests in that subaccount and is cancelled there', async () => {
  const r = await checkBalanceAssumption(rig.t.venue, { sleep: async () => undefined, subaccount: 4 });
  expect(r).toMatchObject({ agrees: true, cancelled: true });
  const probe = rig.botRequests().find((o) => o.client_order_id?.startsWith('kachk-'))!;
  expect(rig.sim.core.exchange.orders.get(probe.order_id!)).toMatchObject({ subaccount: 4, status: 'canceled' });
});
