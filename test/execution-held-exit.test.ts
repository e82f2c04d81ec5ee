/**
 * A live exit of a held market that this cycle's scan does not hold (issue 9 review #3): decide builds it from a
 * fresh market read (heldMarketSnapshot), and the live order path now reads the market fresh too (scope checked on
 * it) instead of refusing scope_guard "not in this cycle's scan". Entries get no such treatment. Judged by the
 * simulator's own record: the reduce-only sell reaches it and the position is closed on the exchange.
 */
import { clientOrderId } from '../src/domain/order-id';
import type { OrderIntent } from '../src/domain/trading-types';
import { executeLiveOrders } from '../src/execution/live-order';
import { silentLogger } from '../src/observability/logger';
import { entryIntent, FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';

jest.setTimeout(60_000);
const logger = silentLogger();
let rig: LiveRig;
afterEach(async () => {
  await rig?.close();
});

const exitIntent = (o: Partial<OrderIntent> = {}): OrderIntent => ({
  ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'sell', priceMicros: 500_000, countCentis: 500, fairPpm: 300_000,
  edgeMicros: 200_000, confidencePpm: 900_000, reduceOnly: true, feeMicros: 0, ...o,
});
const position = (ticker: string) => rig.sim.core.exchange.account(rig.sim.core.exchange.orders.get(rig.store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!.exchangeOrderId!)!.accountId).positions.get(ticker)?.position ?? 0;

test('an exit of a held market outside the scan is sent (reduce_only) and closes the position; an entry there is still refused', async () => {
  rig = await liveRig();
  // Cycle 1: buy 5 YES on HELD, filled in full against the maker.
  const mk = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 500, clientOrderId: 'mk-no-48' }));
  if (mk.outcome !== 'ok') throw new Error('maker');
  const scan1 = await rig.scan();
  await executeLiveOrders(rig.t, rig.store, logger, { cycle: 1, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId: scan1, orders: [{ clientOrderId: clientOrderId(FIRST_RUN_ID, 1, 0), intent: entryIntent(520_000, 600_000) }] });
  expect(rig.store.journal.get(clientOrderId(FIRST_RUN_ID, 1, 0))!.status).toBe('executed');
  expect(position(HELD)).toBe(500);

  // Cycle 2: the scan holds only the other market; a bid to sell into.
  const bid = await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'yes', action: 'buy', price: 500_000, count: 500, clientOrderId: 'mk-yes-50' }));
  if (bid.outcome !== 'ok') throw new Error('maker bid');
  const scan2 = await rig.scan(['TS-E1-B']);
  const exitId = clientOrderId(FIRST_RUN_ID, 2, 0);
  const entryId = clientOrderId(FIRST_RUN_ID, 2, 1);
  const out = await executeLiveOrders(rig.t, rig.store, logger, {
    cycle: 2, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId: scan2,
    orders: [{ clientOrderId: exitId, intent: exitIntent() }, { clientOrderId: entryId, intent: entryIntent(520_000, 600_000) }],
  });
  expect(out.orders.map((o) => [o.clientOrderId, o.status, o.code])).toEqual([[exitId, 'executed', null], [entryId, null, 'scope_guard']]);
  // The simulator's record: one sell (ask) of the exit, nothing for the entry; the position is flat on the exchange.
  expect(rig.botOrdersMade(exitId).map((r) => [r.side, r.outcome])).toEqual([['ask', 'created']]);
  expect(JSON.parse(rig.store.journal.get(exitId)!.requestBody).reduce_only).toBe(true);
  expect(rig.botRequests(entryId)).toEqual([]);
  expect(position(HELD)).toBe(0);
});

test('a held market outside the allowed scope is refused scope_guard on the fresh read: nothing sent', async () => {
  rig = await liveRig({ trading: { dry_run: false, allowed_series_tickers: ['OTHER'] } });
  const scanId = await rig.scan(['TS-E1-B']);
  const id = clientOrderId(FIRST_RUN_ID, 2, 0);
  const out = await executeLiveOrders(rig.t, rig.store, logger, { cycle: 2, firstRunId: FIRST_RUN_ID, nowMs: rig.sim.nowMs(), scanId, orders: [{ clientOrderId: id, intent: exitIntent() }] });
  expect(out.orders.map((o) => [o.status, o.code, o.detail])).toEqual([[null, 'scope_guard', 'outside the allowed scope (checked inside execute)']]);
  expect(rig.botRequests(id)).toEqual([]);
});
