/**
 * A kill-switch / stop cancel must not miss an order whose create answer was lost (src/execution/cancel-unknown.ts):
 * the journal row is `unknown` and the resting list (which lags) does not show the order yet. Judged by the
 * SIMULATOR's own order state.
 */
import { cancelResting, CancelDeps } from '../src/execution/live-cancel';
import { buildOrderRequest, isRefusal } from '../src/domain/order-request';
import { clientOrderId } from '../src/domain/order-id';
import { silentLogger } from '../src/observability/logger';
import { FIRST_RUN_ID, liveRig, LiveRig } from './helpers/live';

jest.setTimeout(60_000);
const logger = silentLogger();
let rig: LiveRig;
const id = clientOrderId(FIRST_RUN_ID, 1, 0);

afterEach(async () => {
  await rig?.close();
});

/** The bot's order reaches the exchange and rests; its answer is lost: the journal says unknown. */
async function lostAnswer(): Promise<string> {
  const req = buildOrderRequest({ clientOrderId: id, ticker: 'TS-E1-B', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, reduceOnly: false, nowMs: rig.sim.nowMs(), orderTtlSeconds: 3600, closeTimeMs: null });
  if (isRefusal(req)) throw new Error(req.detail);
  const j = rig.store.journal;
  j.insertPending({ clientOrderId: id, firstRunId: FIRST_RUN_ID, cycle: 1, idx: 0, ticker: 'TS-E1-B', eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 50_000, countCentis: 100, requestBody: req.body, createdAtMs: rig.sim.nowMs() });
  j.markSent(id, rig.sim.nowMs());
  const res = await rig.t.venue.createOrder(req.input);
  if (res.outcome !== 'ok') throw new Error(`create: ${res.outcome}`);
  j.recordOutcome(id, 'unknown', { atMs: rig.sim.nowMs(), detail: 'timeout (test: the answer was lost)' });
  return res.value.orderId;
}

/** The resting list has not caught up yet: it shows nothing. Every other read is the simulator's. */
function laggingList(): CancelDeps['venue'] {
  const v = rig.t.venue;
  return {
    listOrders: (f, p) => (f?.status === 'resting' ? Promise.resolve([]) : v.listOrders(f, p)),
    cancelOrder: (orderId, o) => v.cancelOrder(orderId, o),
    getMarket: (t) => v.getMarket(t),
    findOrderByClientOrderId: (q, p) => v.findOrderByClientOrderId(q, p),
  };
}

const deps = (venue: CancelDeps['venue']): CancelDeps => ({
  venue, journal: rig.store.journal, logger, venueNowMs: async () => rig.sim.nowMs(), orderTtlSeconds: 600, cancelBeforeCloseSeconds: 120,
});

test('kill switch: an unknown row missing from the resting list is looked up and cancelled; the routine sweep leaves it', async () => {
  rig = await liveRig();
  const orderId = await lostAnswer();
  rig.sim.advance(1_000);
  // The routine sweep (ttl) does not chase unknowns (reconciliation does).
  expect(await cancelResting(deps(laggingList()), { reason: 'ttl', firstRunId: FIRST_RUN_ID })).toMatchObject({ requested: 0, unresolved: [] });
  const out = await cancelResting(deps(laggingList()), { reason: 'kill_switch', firstRunId: FIRST_RUN_ID });
  expect(out).toMatchObject({ requested: 1, canceled: 1, unresolved: [] });
  expect(rig.sim.core.exchange.orders.get(orderId)!.status).toBe('canceled');
  expect(rig.store.journal.get(id)).toMatchObject({ status: 'canceled', exchangeOrderId: orderId });
});

test('stop: an unknown row the lookup cannot settle (the read surface lags the send) is reported unresolved: the cancel is not complete', async () => {
  rig = await liveRig();
  rig.sim.setFaults({ readLagMs: 60_000 });
  const orderId = await lostAnswer();
  const out = await cancelResting(deps(rig.t.venue), { reason: 'stop', firstRunId: FIRST_RUN_ID });
  expect(out).toMatchObject({ requested: 0, unresolved: [id] });
  expect(rig.sim.core.exchange.orders.get(orderId)!.status).toBe('resting'); // missed, and said so
  // Once the reads catch up, the same stop finds and cancels it.
  rig.sim.setFaults({ readLagMs: 0 });
  rig.sim.advance(1_000);
  expect(await cancelResting(deps(rig.t.venue), { reason: 'stop', firstRunId: FIRST_RUN_ID })).toMatchObject({ canceled: 1, unresolved: [] });
  expect(rig.sim.core.exchange.orders.get(orderId)!.status).toBe('canceled');
});
