/**
 * The project's Kalshi client against the simulator: a scripted sequence (makers, a taker fill, a partial fill, a cancel,
 * settlement) checked through the client's typed results with hand-computed values — prices in micros, counts in
 * centis, fees per fill rounded up to $0.0001, balances floored to the cent, signed netted positions, settlement revenue.
 *
 * Fee arithmetic used below (quadratic, rate × C × P × (1 − P), up to $0.0001):
 *   taker 1.00 @ 0.52: 0.07·1·0.52·0.48 = 0.017472 → 0.0175      taker 2.00 @ 0.52: 0.034944 → 0.0350
 *   taker 2.00 @ 0.40: 0.07·2·0.40·0.60 = 0.0336                 maker (TM, 0.0175 rate) 1.00 @ 0.52: 0.004368 → 0.0044
 *   maker 2.00 @ 0.52: 0.008736 → 0.0088
 */
import { KalshiClient, CreateOrderInput, WriteResult } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import { makeKey, startTestSim, TestKey } from './helpers';

const trader = makeKey('venue-trader');
const maker = makeKey('venue-maker');
let sim: SimHandle;
let kc: KalshiClient;
let mm: KalshiClient;

const clientFor = (k: TestKey) => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem } });
const order = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'> & Partial<CreateOrderInput>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });
function ok<V>(r: WriteResult<V>): V {
  if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  sim = await startTestSim([trader, maker]);
  kc = clientFor(trader);
  mm = clientFor(maker);
});
afterAll(() => sim.close());

test('public reads: markets, quotes and orderbook in fixed point', async () => {
  const bid = ok(await mm.createOrder(order({ ticker: 'TS-E1-B', side: 'yes', action: 'buy', price: 301_000, count: 250, clientOrderId: 'r-bid' })));
  expect([bid.fillCount, bid.remainingCount, bid.averageFillPrice]).toEqual([0, 250, null]);
  ok(await mm.createOrder(order({ ticker: 'TS-E1-B', side: 'no', action: 'buy', price: 650_000, count: 100, clientOrderId: 'r-ask' })));

  const markets = await kc.listMarkets({ status: 'open' });
  expect(markets.map((m) => [m.ticker, m.eventTicker, m.status])).toEqual([
    ['TS-E1-A', 'TS-E1', 'active'], ['TS-E1-B', 'TS-E1', 'active'], ['TM-E1-A', 'TM-E1', 'active'],
  ]);
  const b = await kc.getMarket('TS-E1-B');
  expect([b.yesBid, b.yesAsk, b.noBid, b.noAsk, b.priceLevelStructure]).toEqual([
    { price: 301_000, size: 250 }, { price: 350_000, size: 100 }, { price: 650_000, size: 100 }, { price: 699_000, size: 250 }, 'deci_cent',
  ]);
  const ob = await kc.getOrderbook('TS-E1-B');
  expect([ob.yesBids, ob.noBids]).toEqual([[{ price: 301_000, size: 250 }], [{ price: 650_000, size: 100 }]]);
  expect([ob.bestYesBid?.price, ob.bestYesAsk?.price, ob.bestNoBid?.price, ob.bestNoAsk?.price]).toEqual([301_000, 350_000, 650_000, 699_000]);
  expect(await kc.getOrderbook('TM-E1-A')).toEqual({ ticker: 'TM-E1-A', yesBids: [], noBids: [], bestYesBid: null, bestNoBid: null, bestYesAsk: null, bestNoAsk: null });
  expect(await kc.getExchangeStatus()).toEqual({ exchangeActive: true, tradingActive: true, estimatedResumeTime: null });
  expect((await kc.getExchangeSchedule()).maintenanceWindows).toEqual([{ start: '2026-09-01T22:00:00Z', end: '2026-09-02T00:00:00Z' }]);
  expect((await kc.listEvents()).map((e) => e.eventTicker)).toEqual(['TS-E1', 'TM-E1']);
  expect(await kc.getSeries('TM')).toMatchObject({ ticker: 'TM', feeType: 'quadratic_with_maker_fees', feeMultiplierPpm: 1_000_000 });
  expect((await kc.getUserDataTimestamp()).asOfTime).toBe('2026-09-01T12:00:00.000000Z');
  ok(await mm.batchCancelOrders([{ orderId: bid.orderId }]));
  const g = ok(await mm.createOrderGroup({ contractsLimit: 500 }));
  expect(await mm.listOrderGroups()).toEqual([{ id: g.orderGroupId, isAutoCancelEnabled: true, contractsLimit: 500 }]);
});

test('maker, taker fill, partial fill, cancel, settle: values through the typed results', async () => {
  expect((await kc.getBalance()).balance).toBe(1_000_000_000);

  // Makers on TM-E1-A (maker fees): YES bid 3.00 @ 0.47; NO bid 3.00 @ 0.48 (= YES ask 0.52).
  const mmBid = ok(await mm.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 470_000, count: 300, clientOrderId: 'mm-bid' })));
  const mmAsk = ok(await mm.createOrder(order({ ticker: 'TM-E1-A', side: 'no', action: 'buy', price: 480_000, count: 300, clientOrderId: 'mm-ask' })));
  expect([mmAsk.fillCount, mmAsk.remainingCount]).toEqual([0, 300]);
  // V2 keeps only the book side: an ask reads back in the legacy fields as "sell YES" at the YES price, as recorded
  // (portfolio__orders_list), whether it was sent as buy NO or sell YES.
  expect(await mm.getOrder(mmAsk.orderId)).toMatchObject({ status: 'resting', side: 'yes', action: 'sell', bookSide: 'ask', price: 520_000, yesPrice: 520_000, fillCount: 0, remainingCount: 300 });

  // Taker: buy YES 1.00, IOC limit 0.99 → fills at the resting 0.52, fee 0.0175.
  const t1 = ok(await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 990_000, count: 100, timeInForce: 'immediate_or_cancel', clientOrderId: 'tk-1' })));
  expect([t1.clientOrderId, t1.fillCount, t1.remainingCount, t1.averageFillPrice, t1.averageFeePaid]).toEqual(['tk-1', 100, 0, 520_000, 17_500]);
  expect(await kc.getOrder(t1.orderId)).toMatchObject({ status: 'executed', fillCount: 100, remainingCount: 0, takerFillCost: 520_000, takerFees: 17_500, price: 990_000 });
  // −0.52 − 0.0175 = −0.5375, floored to the cent: −0.54.
  expect((await kc.getBalance()).balance).toBe(999_460_000);

  // Partial fill: buy YES 5.00 GTC @ 0.52 takes the remaining 2.00 of the ask and rests 3.00.
  const t2 = ok(await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 520_000, count: 500, clientOrderId: 'tk-2' })));
  expect([t2.fillCount, t2.remainingCount, t2.averageFillPrice, t2.averageFeePaid]).toEqual([200, 300, 520_000, 17_500]);
  expect(await kc.getOrder(t2.orderId)).toMatchObject({ status: 'resting', fillCount: 200, remainingCount: 300, takerFillCost: 1_040_000, takerFees: 35_000 });
  expect(await mm.getOrder(mmAsk.orderId)).toMatchObject({ status: 'executed', fillCount: 300, remainingCount: 0, makerFees: 4_400 + 8_800 });
  // −1.04 − 0.035 = −1.075 → −1.08.
  expect((await kc.getBalance()).balance).toBe(998_380_000);
  expect((await kc.getOrderbook('TM-E1-A')).bestYesBid).toEqual({ price: 520_000, size: 300 });

  // Cancel the resting remainder; a second cancel is a 404 (rejected), and the order reads canceled with its fills kept.
  const c = ok(await kc.cancelOrder(t2.orderId));
  expect([c.orderId, c.clientOrderId, c.reducedBy]).toEqual([t2.orderId, null, 300]); // recorded: no client_order_id
  const again = await kc.cancelOrder(t2.orderId);
  expect(again.outcome === 'rejected' && [again.error.status, again.error.code]).toEqual([404, 'not_found']);
  expect(await kc.getOrder(t2.orderId)).toMatchObject({ status: 'canceled', fillCount: 200, remainingCount: 0 });
  // client_order_id stays taken after cancel.
  const dup = await kc.createOrder(order({ ticker: 'TM-E1-A', side: 'yes', action: 'buy', price: 100_000, count: 100, clientOrderId: 'tk-2' }));
  expect(dup.outcome === 'already_exists' && [dup.error.status, dup.error.code]).toEqual([409, 'order_already_exists']);
  const found = await kc.findOrderByClientOrderId({ ticker: 'TM-E1-A', clientOrderId: 'tk-2', minTs: 0, sentAtMs: sim.nowMs() });
  expect(found.status === 'found' && found.order.orderId).toBe(t2.orderId);

  // A NO position on TS-E1-A (no maker fees): buy NO 2.00 @ 0.60 against a YES bid @ 0.40.
  ok(await mm.createOrder(order({ ticker: 'TS-E1-A', side: 'yes', action: 'buy', price: 400_000, count: 200, clientOrderId: 'mm-ts' })));
  const t3 = ok(await kc.createOrder(order({ ticker: 'TS-E1-A', side: 'no', action: 'buy', price: 600_000, count: 200, timeInForce: 'fill_or_kill', clientOrderId: 'tk-3' })));
  expect([t3.fillCount, t3.remainingCount, t3.averageFeePaid]).toEqual([200, 0, 16_800]);
  // −1.20 − 0.0336 = −1.2336 → −1.24.
  expect((await kc.getBalance()).balance).toBe(997_140_000);

  const fills = await kc.listFills();
  expect(fills.map((f) => [f.ticker, f.side, f.action, f.bookSide, f.price, f.yesPrice, f.count, f.fee, f.isTaker])).toEqual([
    ['TS-E1-A', 'yes', 'sell', 'ask', 400_000, 400_000, 200, 33_600, true], // the buy NO, read back as its book side (ask)
    ['TM-E1-A', 'yes', 'buy', 'bid', 520_000, 520_000, 200, 35_000, true],
    ['TM-E1-A', 'yes', 'buy', 'bid', 520_000, 520_000, 100, 17_500, true],
  ]);
  const makerFills = await mm.listFills({ ticker: 'TM-E1-A' });
  expect(makerFills.map((f) => [f.side, f.yesPrice, f.count, f.fee, f.isTaker])).toEqual([['yes', 520_000, 200, 8_800, false], ['yes', 520_000, 100, 4_400, false]]);

  const pos = await kc.getPositions();
  expect(pos.marketPositions.map((p) => [p.ticker, p.position, p.side, p.totalTraded, p.feesPaid]).sort()).toEqual([
    ['TM-E1-A', 300, 'yes', 1_560_000, 52_500],
    ['TS-E1-A', -200, 'no', 1_200_000, 33_600],
  ]);
  expect((await mm.getPositions({ ticker: 'TM-E1-A' })).marketPositions.map((p) => [p.position, p.side])).toEqual([[-300, 'no']]);
  expect((await kc.listOrders({ ticker: 'TM-E1-A' })).map((o) => [o.clientOrderId, o.status])).toEqual([['tk-2', 'canceled'], ['tk-1', 'executed']]);
  ok(await mm.cancelOrder(mmBid.orderId));

  // Settlement: TM-E1-A YES pays $1 × 3.00; TS-E1-A YES makes the NO position worth 0.
  sim.forceSettle('TM-E1-A', 'yes');
  sim.forceSettle('TS-E1-A', 'yes');
  const st = await kc.listSettlements();
  expect(st.map((s) => [s.ticker, s.marketResult, s.yesCount, s.noCount, s.yesTotalCost, s.noTotalCost, s.revenue, s.feeCost]).sort()).toEqual([
    ['TM-E1-A', 'yes', 300, 0, 1_560_000, 0, 3_000_000, 52_500],
    ['TS-E1-A', 'yes', 0, 200, 0, 1_200_000, 0, 33_600],
  ]);
  expect((await kc.getPositions()).marketPositions).toEqual([]);
  // 997.14 + 3.00
  expect((await kc.getBalance()).balance).toBe(1_000_140_000);
});
