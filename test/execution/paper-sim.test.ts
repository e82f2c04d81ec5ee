/**
 * Paper execution judged by the simulator: the book and trades come from the simulator through our Kalshi client, and
 * every paper fill is joined back to what was served and shown to be no better than it allowed. The same taker order
 * sent for real moves the simulator's balance by exactly the paper cash change.
 *
 * Hand-computed (TS = quadratic; taker 0.07·C·P·(1−P) up to $0.0001; cash per fill floored to the cent, 1¢ rebate
 * once the order's rounding passes $0.01):
 *   book: NO bids 0.58×3, 0.56×2, 0.53×5  →  YES asks 0.42×3, 0.44×2, 0.47×5;  paper buy YES 10 @ 0.45:
 *   fill 1: 3 @ 0.42, fee 0.051156→0.0512; −1.26−0.0512 = −1.3112 → −1.32 (rounding 0.0088)
 *   fill 2: 2 @ 0.44, fee 0.034496→0.0345; −0.88−0.0345 = −0.9145 → −0.92 (rounding 0.0055, total 0.0143 > 0.01 → +0.01)
 *   cash −2.23; 5 rest at 0.45. A print at 0.44 ×4 after placement fills 4 @ 0.45 (maker fee 0 in quadratic): −1.80.
 *   A print at exactly 0.45 does not fill; TTL expires the last 1. Settles YES: 9 × $1 = 9.00; P&L 9.00 − 4.03 = 4.97.
 */
import { KalshiClient, CreateOrderInput, WriteResult } from '../../src/venues/kalshi';
import type { KalshiTrade } from '../../src/venues/kalshi';
import type { SimHandle } from '../../src/sim';
import type { OrderIntent } from '../../src/domain/trading-types';
import { openStore, Store } from '../../src/store';
import { PaperExecutor } from '../../src/execution/paper';
import { complement } from '../../src/domain/fixed';
import { silentLogger } from '../../src/observability/logger';
import { makeKey, START_MS, startTestSim, TestKey } from '../sim/helpers';
import { tempDir } from '../helpers/lane';
import path from 'node:path';

const maker = makeKey('paper-maker');
const taker = makeKey('paper-taker');
const BANKROLL = 1_000_000_000;
let sim: SimHandle;
let store: Store;
const reader = () => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl });
const clientFor = (k: TestKey) => new KalshiClient({ env: 'sim', baseUrl: sim.baseUrl, credentials: { keyId: k.keyId, privateKeyPem: k.privateKeyPem } });
const order = (o: Pick<CreateOrderInput, 'ticker' | 'side' | 'action' | 'price' | 'count' | 'clientOrderId'>): CreateOrderInput =>
  ({ timeInForce: 'good_till_canceled', selfTradePrevention: 'taker_at_cross', ...o });
function ok<V>(r: WriteResult<V>): V {
  if (r.outcome !== 'ok') throw new Error(`expected ok, got ${r.outcome}: ${r.error.message}`);
  return r.value;
}

beforeAll(async () => {
  sim = await startTestSim([maker, taker]);
  store = openStore({ path: path.join(tempDir(), 'paper.sqlite'), mode: 'dry-run', env: 'sim' });
});
afterAll(async () => {
  store.close();
  await sim.close();
});

test('paper fills never beat the book and trades the simulator served; cash, TTL and settlement as hand-computed', async () => {
  const mm = clientFor(maker);
  const tk = clientFor(taker);
  const T = 'TS-E1-A';
  for (const [price, count, id] of [[580_000, 300, 'm1'], [560_000, 200, 'm2'], [530_000, 500, 'm3']] as const) {
    ok(await mm.createOrder(order({ ticker: T, side: 'no', action: 'buy', price, count, clientOrderId: id })));
  }
  const served = await reader().getOrderbook(T);
  const bookId = store.scans.recordBook(served, sim.nowMs());
  const px = new PaperExecutor({ paper: store.paper, bankrollMicros: BANKROLL, orderTtlMs: 600_000, logger: silentLogger() });
  const intent: OrderIntent = {
    ticker: T, eventTicker: 'TS-E1', side: 'yes', action: 'buy', priceMicros: 450_000, countCentis: 1000, fairPpm: 600_000,
    edgeMicros: 100_000, confidencePpm: 800_000, reduceOnly: false, feeMicros: 0,
  };
  const placed = px.place({ cycle: 1, clientOrderId: 'paper-1', intent, feeType: 'quadratic', feeMultiplierPpm: 1_000_000, book: { id: bookId, ...served }, nowMs: sim.nowMs() });
  expect(placed.outcome).toBe('placed');
  expect(store.paper.fills().map((f) => [f.priceMicros, f.countCentis, f.feeMicros, f.source, f.bookId])).toEqual([
    [420_000, 300, 51_200, 'book', bookId], [440_000, 200, 34_500, 'book', bookId],
  ]);
  expect(store.paper.cashMicros(BANKROLL)).toBe(BANKROLL - 2_230_000);
  expect(px.place({ cycle: 1, clientOrderId: 'paper-1', intent, feeType: 'quadratic', feeMultiplierPpm: 1_000_000, book: { id: bookId, ...served }, nowMs: sim.nowMs() }).outcome).toBe('already_placed');

  // The same order for real: the simulator's balance moves by exactly the paper cash change.
  const before = (await tk.getBalance()).balance;
  const real = ok(await tk.createOrder(order({ ticker: T, side: 'yes', action: 'buy', price: 450_000, count: 1000, clientOrderId: 'real-1' })));
  expect(real.fillCount).toBe(500);
  ok(await tk.cancelOrder(real.orderId));
  expect((await tk.getBalance()).balance - before).toBe(-2_230_000);

  // Prints after placement: 4 @ 0.44 (through 0.45), 1 @ 0.45 (not through).
  sim.advance(1_000);
  ok(await mm.createOrder(order({ ticker: T, side: 'yes', action: 'buy', price: 440_000, count: 400, clientOrderId: 'm4' })));
  ok(await tk.createOrder(order({ ticker: T, side: 'yes', action: 'sell', price: 440_000, count: 400, clientOrderId: 's1' })));
  ok(await mm.createOrder(order({ ticker: T, side: 'yes', action: 'buy', price: 450_000, count: 100, clientOrderId: 'm5' })));
  ok(await tk.createOrder(order({ ticker: T, side: 'yes', action: 'sell', price: 450_000, count: 100, clientOrderId: 's2' })));
  const trades: KalshiTrade[] = await reader().listTrades({ ticker: T });
  expect(trades.map((t) => [t.yesPrice, t.count]).sort()).toEqual([[420_000, 300], [440_000, 200], [440_000, 400], [450_000, 100]]);
  px.fillFromTrades(trades, sim.nowMs());
  expect(px.fillFromTrades(trades, sim.nowMs())).toEqual([]); // each trade's count is used once
  const o = store.paper.orderByClientOrderId('paper-1')!;
  expect([o.filledCentis, o.status]).toEqual([900, 'resting']);
  expect(store.paper.cashMicros(BANKROLL)).toBe(BANKROLL - 4_030_000);
  expect(px.expire(START_MS + 599_999)).toEqual([]);
  expect(px.expire(START_MS + 600_000).map((x) => [x.clientOrderId, x.status, x.filledCentis])).toEqual([['paper-1', 'expired', 900]]);

  // The judge: every fill joined to what the simulator served.
  const levels = served.noBids.map((l) => ({ price: complement(l.price), size: l.size }));
  const usedPerLevel = new Map<number, number>();
  const usedPerTrade = new Map<string, number>();
  for (const f of store.paper.fills()) {
    const ord = store.paper.order(f.orderId)!;
    expect(f.priceMicros).toBeLessThanOrEqual(ord.limitPriceMicros);
    if (f.source === 'book') {
      expect(store.scans.getBook(f.bookId!)).toMatchObject({ ticker: T, yesBids: served.yesBids, noBids: served.noBids });
      const level = levels.find((l) => l.price === f.priceMicros)!;
      expect(level).toBeDefined();
      usedPerLevel.set(level.price, (usedPerLevel.get(level.price) ?? 0) + f.countCentis);
      expect(usedPerLevel.get(level.price)).toBeLessThanOrEqual(level.size);
    } else {
      const t = trades.find((x) => x.tradeId === f.tradeId)!;
      expect(Date.parse(t.createdTime!)).toBeGreaterThan(ord.placedAtMs);
      expect(t.yesPrice).toBeLessThan(ord.limitPriceMicros);
      usedPerTrade.set(t.tradeId, (usedPerTrade.get(t.tradeId) ?? 0) + f.countCentis);
      expect(usedPerTrade.get(t.tradeId)).toBeLessThanOrEqual(t.count);
    }
  }
  expect([...usedPerTrade.values()]).toEqual([400]);

  sim.forceSettle(T, 'yes');
  const m = await reader().getMarket(T);
  expect(m.result).toBe('yes');
  expect(px.settle(T, m.result as 'yes', sim.nowMs())).toEqual({ payoutMicros: 9_000_000, realizedPnlMicros: 4_970_000, canceled: 0 });
  expect(px.settle(T, 'yes', sim.nowMs())).toEqual({ payoutMicros: 0, realizedPnlMicros: 0, canceled: 0 });
  const s = px.summary();
  expect([s.cashMicros, s.realizedPnlMicros, s.openPositions, s.restingOrders]).toEqual([BANKROLL + 4_970_000, 4_970_000, [], []]);
});
