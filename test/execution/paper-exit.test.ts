/**
 * A take_profit exit end to end on paper, through the real activities (decide → execute) against the simulator:
 * the held market is outside the cycle's scan (read fresh from the venue by decide and by execute), the lane is
 * paused (entries refused, the exit passes), and the sale walks the held side's bids in PaperExecutor.
 *
 * Hand-computed (TS = quadratic; fees 0.07·C·P·(1−P) up to $0.0001; cash per fill floored to the cent):
 *   entry  buy 10 YES against NO bids 0.48 × 10 (YES ask 0.52): fee 0.17472 → 0.1748; −5.20 − 0.1748 → −5.38; cost 5.38.
 *   exit   YES bid 0.70 × 20, fair 0.55 (p), min_edge 0.10: sale fee 0.15 (0.1470 + flooring 6.853 → 6.85), edge 0.135
 *          → sell 10 YES @ 0.70: sell_proceeds +7.00, fee −0.1470, rounding −0.0030; cash +6.85;
 *          realised P&L 6.85 − 5.38 = +1.47; the position is flat (count 0, cost 0).
 */
import path from 'node:path';
import { decideOrders } from '../../src/activities/decide';
import { executePaper } from '../../src/activities/execute';
import { heldMarketSnapshot } from '../../src/activities/held-markets';
import { buildTradingDeps, type TradingDeps } from '../../src/activities/trading-deps';
import { initialControlState } from '../../src/domain/control';
import type { OrderIntent } from '../../src/domain/trading-types';
import { PaperExecutor } from '../../src/execution/paper';
import type { FairValueModel } from '../../src/models';
import { silentLogger } from '../../src/observability/logger';
import type { SimHandle } from '../../src/sim';
import { openStore, type Store } from '../../src/store';
import { CreateOrderInput, KalshiClient, RateLimiter, WriteResult } from '../../src/venues/kalshi';
import { tempDir } from '../helpers/lane';
import { simRunContext } from '../helpers/trading';
import { makeKey, startTestSim } from '../sim/helpers';

const maker = makeKey('exit-maker');
const HELD = 'TS-E1-A';
const OTHER = 'TS-E1-B';
let sim: SimHandle;
let store: Store;
let t: TradingDeps;
const logger = silentLogger();

function ok<V>(r: WriteResult<V>): V {
  if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}: ${r.error.message}`);
  return r.value;
}
const order = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });

/** p(YES) = 0.55 for the tickers in `valued`; nothing for the others. */
const valued = new Set([HELD]);
const model: FairValueModel = {
  name: 'test-fixed',
  estimate: async (req) => ({
    estimates: req.markets.filter((m) => valued.has(m.ticker)).map((m) => ({ ticker: m.ticker, probabilityPpm: 550_000, confidencePpm: 900_000, source: 'test-fixed', asOfMs: req.nowMs, reasoning: 'fixed' })),
    skipped: [],
    notes: [],
  }),
};

beforeAll(async () => {
  sim = await startTestSim([maker]);
  store = openStore({ path: path.join(tempDir(), 'exit.sqlite'), mode: 'dry-run', env: 'sim' });
  const ctx = simRunContext({ strategy: { exit_policy: 'take_profit' }, trading: { allowed_series_tickers: ['TS'] } });
  t = { ...buildTradingDeps(ctx, { logger, simBaseUrl: sim.baseUrl, rateLimiter: new RateLimiter({ tier: 'prestige' }) }), model };
});
afterAll(async () => {
  store.close();
  await sim.close();
});

test('take_profit sells the held side through PaperExecutor while paused, and realises the P&L', async () => {
  const mm = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: maker.keyId, privateKeyPem: maker.privateKeyPem } });
  const bankroll = t.settings.fixed.bankroll;
  const px = new PaperExecutor({ paper: store.paper, bankrollMicros: bankroll, orderTtlMs: 600_000, logger });

  // Cycle 1 (the entry, placed directly): 10 YES at the NO bids' complement, 0.52.
  const entryBid = ok(await mm.createOrder(order({ ticker: HELD, side: 'no', action: 'buy', price: 480_000, count: 1_000, clientOrderId: 'mk-1' })));
  const book1 = await t.venue.getOrderbook(HELD);
  const entry: OrderIntent = {
    ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 520_000, countCentis: 1_000, fairPpm: 550_000,
    edgeMicros: 0, confidencePpm: 900_000, reduceOnly: false, feeMicros: 0,
  };
  const bought = px.place({ cycle: 1, clientOrderId: 'entry-1', intent: entry, feeType: 'quadratic', feeMultiplierPpm: 1_000_000, book: { id: store.scans.recordBook(book1, sim.nowMs()), ...book1 }, nowMs: sim.nowMs() });
  expect(bought).toMatchObject({ outcome: 'placed', filledCentis: 1_000 });
  expect(store.paper.position(HELD, 'yes')).toMatchObject({ countCentis: 1_000, costMicros: 5_380_000, realizedPnlMicros: 0 });
  ok(await mm.cancelOrder(entryBid.orderId));

  // The market richens: a YES bid 0.70 × 20 (and a YES ask 0.75 from a NO bid at 0.25).
  ok(await mm.createOrder(order({ ticker: HELD, side: 'yes', action: 'buy', price: 700_000, count: 2_000, clientOrderId: 'mk-2' })));
  ok(await mm.createOrder(order({ ticker: HELD, side: 'no', action: 'buy', price: 250_000, count: 500, clientOrderId: 'mk-3' })));
  expect(await heldMarketSnapshot(t.venue, HELD)).toMatchObject({ seriesTicker: 'TS', feeType: 'quadratic', yesBid: { price: 700_000, size: 2_000 } });

  // Cycle 2: the scan holds only the other market; the lane is paused (in the workflow's state and in the DB).
  const nowMs = sim.nowMs();
  const ref = { firstRunId: 'run-exit', cycle: 2 };
  const otherSnap = await heldMarketSnapshot(t.venue, OTHER);
  const scanId = store.scans.record(ref, nowMs, [otherSnap]);
  const paused = { ...initialControlState(), paused: true };
  store.control.write(paused, nowMs, 'test');
  const d = await decideOrders(t, store, logger, { ...ref, nowMs, scanId, control: paused });
  expect(d.intents).toEqual([{
    ticker: HELD, eventTicker: 'TS-E1', side: 'yes', action: 'sell', priceMicros: 700_000, countCentis: 1_000, fairPpm: 550_000,
    edgeMicros: 135_000, confidencePpm: 900_000, reduceOnly: true, feeMicros: 150_000,
  }]);
  expect(d.exits).toBe(1);
  expect(d.estimates).toBe(1); // the held market, valued because take_profit needs its fair value
  const recorded = store.decisions.list({ cycle: 2, firstRunId: ref.firstRunId });
  expect(recorded.filter((r) => r.decision === 'order').map((r) => [r.ticker, r.side, r.priceMicros, r.countCentis, r.reason])).toEqual([[HELD, 'yes', 700_000, 1_000, null]]);

  // The kill switch in the DB refuses the exit at execution…
  store.control.write({ ...paused, killSwitch: { engaged: true, reason: 'test', source: 'cli', atMs: nowMs, cancelResting: false } }, nowMs, 'test');
  const orders = d.intents.map((intent, i) => ({ clientOrderId: `exit-${i}`, intent }));
  const killed = await executePaper(t, store, logger, { cycle: 2, nowMs, scanId, orders });
  expect(killed).toMatchObject({ placed: 0, skipped: { kill_switch_guard: 1 } });
  expect(store.paper.orders({}).filter((o) => o.action === 'sell')).toEqual([]);

  // …a pause does not.
  store.control.write(paused, nowMs, 'test');
  const x = await executePaper(t, store, logger, { cycle: 2, nowMs, scanId, orders });
  expect(x).toMatchObject({ placed: 1, filledCentis: 1_000, fills: 1, skipped: {}, refused: [] });

  const sellOrder = store.paper.orders({}).find((o) => o.action === 'sell')!;
  expect(sellOrder).toMatchObject({ ticker: HELD, side: 'yes', limitPriceMicros: 700_000, countCentis: 1_000, filledCentis: 1_000, status: 'filled' });
  const sellLedger = store.paper.ledger().filter((e) => e.orderId === sellOrder.id).map((e) => [e.kind, e.amountMicros]);
  expect(sellLedger).toEqual([['sell_proceeds', 7_000_000], ['fee', -147_000], ['rounding', -3_000]]);
  expect(store.paper.position(HELD, 'yes')).toMatchObject({ countCentis: 0, costMicros: 0, realizedPnlMicros: 1_470_000 });
  expect(store.paper.positions({ open: true })).toEqual([]);
  expect(store.paper.realizedPnlMicros()).toBe(1_470_000);
  expect(store.paper.cashMicros(bankroll)).toBe(bankroll + 1_470_000);

  // Nothing held any more: the next cycle makes no exit.
  const again = await decideOrders(t, store, logger, { ...ref, cycle: 3, nowMs, scanId, control: paused });
  expect(again.intents).toEqual([]);
  expect(again.exits).toBe(0);
});

test('a bid shallower than the position: the exit sells what the bid takes, the rest rests, and no second exit oversells', async () => {
  const mm = new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: maker.keyId, privateKeyPem: maker.privateKeyPem } });
  const px = new PaperExecutor({ paper: store.paper, bankrollMicros: t.settings.fixed.bankroll, orderTtlMs: 600_000, logger });
  valued.add(OTHER);
  const entryBid = ok(await mm.createOrder(order({ ticker: OTHER, side: 'no', action: 'buy', price: 480_000, count: 1_000, clientOrderId: 'mk-b1' })));
  const book = await t.venue.getOrderbook(OTHER);
  const entry: OrderIntent = {
    ticker: OTHER, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 520_000, countCentis: 1_000, fairPpm: 550_000,
    edgeMicros: 0, confidencePpm: 900_000, reduceOnly: false, feeMicros: 0,
  };
  expect(px.place({ cycle: 4, clientOrderId: 'entry-b', intent: entry, feeType: 'quadratic', feeMultiplierPpm: 1_000_000, book: { id: store.scans.recordBook(book, sim.nowMs()), ...book }, nowMs: sim.nowMs() }))
    .toMatchObject({ outcome: 'placed', filledCentis: 1_000 });
  ok(await mm.cancelOrder(entryBid.orderId));
  ok(await mm.createOrder(order({ ticker: OTHER, side: 'yes', action: 'buy', price: 700_000, count: 400, clientOrderId: 'mk-b2' })));

  // This time the held market is in the scan; the lane is not paused.
  const nowMs = sim.nowMs();
  const ref = { firstRunId: 'run-exit', cycle: 5 };
  const control = initialControlState();
  store.control.write(control, nowMs, 'test');
  const scanId = store.scans.record(ref, nowMs, [await heldMarketSnapshot(t.venue, OTHER)]);
  const d = await decideOrders(t, store, logger, { ...ref, nowMs, scanId, control });
  // 10 held, bid 0.70 × 4: the intent is for the held 10 (never more); the entry side (buy NO) is de-duplicated.
  expect(d.intents.map((i) => [i.ticker, i.action, i.side, i.priceMicros, i.countCentis, i.reduceOnly])).toEqual([[OTHER, 'sell', 'yes', 700_000, 1_000, true]]);
  expect(d.skipped).toEqual({ duplicate_exposure_guard: 1 });
  const x = await executePaper(t, store, logger, { cycle: 5, nowMs, scanId, orders: d.intents.map((intent, i) => ({ clientOrderId: `exit-b-${i}`, intent })) });
  expect(x).toMatchObject({ placed: 1, filledCentis: 400, fills: 1 });
  expect(store.paper.position(OTHER, 'yes')).toMatchObject({ countCentis: 600 });
  expect(store.paper.orders({ status: 'resting', ticker: OTHER }).map((o) => [o.action, o.countCentis - o.filledCentis, o.limitPriceMicros])).toEqual([['sell', 600, 700_000]]);

  // Next cycle: the 6 left are all promised to the resting sell, so no new exit.
  const again = await decideOrders(t, store, logger, { ...ref, cycle: 6, nowMs, scanId, control });
  expect(again.intents).toEqual([]);
  expect(again.exits).toBe(0);
});
