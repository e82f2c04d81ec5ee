/**
 * A live lane's ledger is the exchange's, as reconciliation booked it, plus the journal's open orders — never the
 * paper store (which a live lane never writes). The decision step's caps, daily-loss and drawdown guards and
 * duplicate_exposure_guard, and `book`'s cycle figures, read it: a live lane holding a position must not enter the
 * same market again as if it held nothing.
 *
 * Fee arithmetic (TS series: quadratic, takers only, rate 0.07, rounded up to $0.0001 per fill):
 *   taker 2.00 @ 0.52: 0.07·2·0.52·0.48 = 0.034944 → 0.0350.
 */
import { decideOrders } from '../src/activities/decide';
import { bookLive } from '../src/activities/book-live';
import { laneLedger } from '../src/activities/ledger-view';
import { reconcileLane, ReconciliationGate } from '../src/activities/reconcile';
import { initialControlState } from '../src/domain/control';
import { clientOrderId } from '../src/domain/order-id';
import { buildOrderRequest, isRefusal } from '../src/domain/order-request';
import { outcomeOfCreate } from '../src/domain/order-outcome';
import { silentLogger } from '../src/observability/logger';
import { FIRST_RUN_ID, HELD, liveRig, LiveRig, makerOrder } from './helpers/live';

let rig: LiveRig;
beforeEach(async () => {
  // The sim oracle values TS-E1-A near 0.58 against a 0.52 ask: a 2¢ minimum edge makes it an entry.
  rig = await liveRig({ strategy: { min_edge: 0.02 } });
});
afterEach(async () => rig.close());

const opts = () => ({ bankrollMicros: rig.t.settings.fixed.bankroll, nowMs: rig.sim.nowMs(), maxTotalExposureFractionPpm: 1_000_000, maxNewExposurePerDayFractionPpm: 1_000_000 });

/** The lane's order path in miniature: journal row before the send, the create, its outcome recorded (or lost). */
async function placeLane(cycle: number, idx: number, price: number, count: number, answer: 'record' | 'lose' = 'record'): Promise<string> {
  const id = clientOrderId(FIRST_RUN_ID, cycle, idx);
  const now = rig.sim.nowMs();
  const req = buildOrderRequest({ clientOrderId: id, ticker: HELD, side: 'yes', action: 'buy', priceMicros: price, countCentis: count, reduceOnly: false, nowMs: now, orderTtlSeconds: 3600, closeTimeMs: null });
  if (isRefusal(req)) throw new Error(req.detail);
  rig.store.journal.insertPending({ clientOrderId: id, firstRunId: FIRST_RUN_ID, cycle, idx, ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: price, countCentis: count, requestBody: req.body, createdAtMs: now });
  rig.store.journal.markSent(id, now);
  const res = await rig.t.venue.createOrder(req.input);
  if (answer === 'lose') {
    rig.store.journal.recordOutcome(id, 'unknown', { atMs: now, detail: 'timeout (test: the answer was lost)' });
  } else {
    const out = outcomeOfCreate(res as never, count);
    rig.store.journal.recordOutcome(id, out.status, { atMs: now, exchangeOrderId: 'exchangeOrderId' in out ? out.exchangeOrderId : null, detail: out.detail });
  }
  return id;
}

const reconcile = (cycle: number) =>
  reconcileLane({ store: rig.store, venue: rig.t.venue, logger: silentLogger(), gate: new ReconciliationGate() }, { firstRunId: FIRST_RUN_ID, cycle, nowMs: rig.sim.nowMs() });

test('the live view holds the booked position, the resting remainder as exposure, the day\'s trade and the booked cash; the paper view of the same lane is empty', async () => {
  await reconcile(1);
  // A NO bid 2.00 @ 0.48 (= YES ask 0.52); the lane buys YES 5.00 @ 0.52: 2.00 fill now, 3.00 rest.
  await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 200, clientOrderId: 'mm-1' }));
  await placeLane(1, 0, 520_000, 500);
  expect(await reconcile(2)).toMatchObject({ complete: true, fillsBooked: 1, mismatch: false });

  const live = laneLedger('live', rig.store, opts());
  expect(live.held()).toEqual([{ ticker: HELD, eventTicker: 'TS-E1', side: 'yes', countCentis: 200, costMicros: 1_040_000 }]);
  expect(live.open()).toEqual([{ ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 520_000, remainingCentis: 300 }]);
  const v = live.view(() => null);
  expect({
    exposure: v.capital.exposureMicros, markets: v.exposure.markets, events: v.exposure.events, tradesToday: v.tradesToday,
    cash: v.cashMicros - opts().bankrollMicros, realised: v.realisedPnlMicros, open: v.openPositions, resting: v.restingOrders,
    // Marked at cost (no market given): equity = bankroll + realised (the fee).
    equity: v.capital.laneEquityMicros - opts().bankrollMicros,
  }).toEqual({
    exposure: 1_040_000 + 1_560_000, markets: [HELD], events: ['TS-E1'], tradesToday: { [HELD]: 1 },
    cash: -1_075_000, realised: -35_000, open: 1, resting: 1, equity: -35_000,
  });

  const paper = laneLedger('dry-run', rig.store, opts()).view(() => null);
  expect({ exposure: paper.capital.exposureMicros, markets: paper.exposure.markets, open: paper.openPositions }).toEqual({ exposure: 0, markets: [], open: 0 });

  // book on the live lane reports the live figures (the position marked on its market now), not the paper store's.
  const b = await bookLive(rig.t, rig.store, silentLogger(), { nowMs: rig.sim.nowMs() });
  expect({ openPositions: b.openPositions, restingOrders: b.restingOrders, realisedPnl: b.realisedPnl }).toEqual({ openPositions: 1, restingOrders: 1, realisedPnl: '-0.0350' });
  expect(b.exposure).toBe('2.6000');
});

test('an order whose outcome is unknown counts as exposure in full (the exchange may hold it)', async () => {
  await placeLane(1, 0, 400_000, 300, 'lose');
  const v = laneLedger('live', rig.store, opts()).view(() => null);
  expect({ exposure: v.capital.exposureMicros, markets: v.exposure.markets, resting: v.restingOrders }).toEqual({ exposure: 1_200_000, markets: [HELD], resting: 1 });
});

test('decide on a live lane: an entry it would make on a flat lane is refused once the lane holds the market (duplicate_exposure_guard)', async () => {
  await reconcile(1);
  await rig.maker.createOrder(makerOrder({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 1_000, clientOrderId: 'mm-1' }));
  const decide = async (cycle: number) =>
    decideOrders(rig.t, rig.store, silentLogger(), { firstRunId: FIRST_RUN_ID, cycle, nowMs: rig.sim.nowMs(), scanId: await rig.scan([HELD]), control: initialControlState() });

  const flat = await decide(1);
  expect(flat.intents.map((i) => [i.ticker, i.side, i.action])).toEqual([[HELD, 'yes', 'buy']]);

  // The lane buys 2.00 and reconciliation books the fill: the live ledger holds the market now.
  await placeLane(1, 0, 520_000, 200);
  expect(await reconcile(2)).toMatchObject({ complete: true, fillsBooked: 1 });
  const held = await decide(2);
  expect(held.intents.filter((i) => i.ticker === HELD && i.action === 'buy')).toEqual([]);
  expect(held.skipped.duplicate_exposure_guard).toBeGreaterThanOrEqual(1);
});
