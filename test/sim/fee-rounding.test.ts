/**
 * Per-order fee-rounding rebate (issue 17 item 14; kalshi-api.md §8 step 3, docs getting_started/fee_rounding):
 * per fill, balance_change = floor_$0.01(revenue − trade_fee); the rounding fee (what the floor took) accrues on the
 * ORDER; once the accumulator exceeds $0.01 a 1¢ rebate is credited and the accumulator drops by $0.01.
 * All values below are hand-computed in micros.
 */
import { fillCash } from '../../src/sim/accounts';
import type { SimHandle } from '../../src/sim';
import { Client, makeKey, startTestSim } from './helpers';

describe('fillCash (exact integers)', () => {
  function run(revenue: number, fee: number, fills: number): Array<[number, number, number, number]> {
    let acc = 0;
    const out: Array<[number, number, number, number]> = [];
    for (let i = 0; i < fills; i++) {
      const c = fillCash(revenue, fee, acc);
      acc = c.accumulator;
      out.push([c.change, c.roundingFee, c.rebate, c.accumulator]);
    }
    return out;
  }

  it("docs' mechanics, subpenny price: revenue −0.0550, trade fee 0.0085, three fills", () => {
    // −0.0635 → −0.07, rounding 0.0065; accumulator 0.0065, 0.0130 (> 0.01: rebate, → 0.0030), 0.0095.
    expect(run(-55_000, 8_500, 3)).toEqual([
      [-70_000, 6_500, 0, 6_500],
      [-60_000, 6_500, 10_000, 3_000],
      [-70_000, 6_500, 0, 9_500],
    ]);
  });

  it("docs' mechanics, 6-dp intermediates: revenue −0.009903, trade fee 0.0005, three fills", () => {
    // −0.010403 → −0.02, rounding 0.009597; accumulator 0.009597, 0.019194 → 0.009194, 0.018791 → 0.008791.
    expect(run(-9_903, 500, 3)).toEqual([
      [-20_000, 9_597, 0, 9_597],
      [-10_000, 9_597, 10_000, 9_194],
      [-10_000, 9_597, 10_000, 8_791],
    ]);
  });

  it('an accumulator of exactly $0.01 does not exceed $0.01: no rebate yet', () => {
    // 1 @ 0.50 taker: −0.50 − 0.0175 = −0.5175 → −0.52, rounding 0.0025; after 4 fills exactly 0.0100.
    expect(run(-500_000, 17_500, 5).map((r) => [r[2], r[3]])).toEqual([[0, 2_500], [0, 5_000], [0, 7_500], [0, 10_000], [10_000, 2_500]]);
  });

  it('cent-aligned fills round nothing', () => {
    expect(fillCash(-500_000, 0, 0)).toEqual({ change: -500_000, roundingFee: 0, rebate: 0, accumulator: 0 });
    expect(fillCash(480_000, 10_000, 7_000)).toEqual({ change: 470_000, roundingFee: 0, rebate: 0, accumulator: 7_000 });
  });
});

describe('through the simulator', () => {
  const k1 = makeKey('round-maker');
  const k2 = makeKey('round-taker');
  let sim: SimHandle;
  let maker: Client;
  let taker: Client;
  beforeEach(async () => {
    sim = await startTestSim([k1, k2], { startingBalanceMicros: 100_000_000 });
    maker = new Client(sim, k1);
    taker = new Client(sim, k2);
  });
  afterEach(() => sim.close());
  const balance = async (c: Client) => (await c.get('/portfolio/balance')).body;

  test('one taker order, five 1-lot fills at 0.50: one 1¢ rebate (the single-fill cost 2.5875 → 2.59)', async () => {
    for (let i = 0; i < 5; i++) await maker.create({ ticker: 'TS-E1-A', side: 'ask', price: '0.5000', count: '1.00', client_order_id: `m${i}` });
    const t = await taker.create({ ticker: 'TS-E1-A', side: 'bid', price: '0.5000', count: '5.00', client_order_id: 't', time_in_force: 'immediate_or_cancel' });
    expect([t.status, t.body.fill_count]).toEqual([201, '5.00']);
    const fills = (await taker.get('/portfolio/fills')).body.fills;
    expect(fills.map((f: { fee_cost: string }) => f.fee_cost)).toEqual(Array(5).fill('0.017500'));
    // 5 × floor(−0.5175) = −2.60, + one rebate (accumulator 0.0025 × 5 = 0.0125 > 0.01 on fill 5) = −2.59.
    expect(await balance(taker)).toMatchObject({ balance: 9741, balance_dollars: '97.4100' });
    // Plain quadratic series: the makers pay nothing and round nothing (5 × −0.50).
    expect(await balance(maker)).toMatchObject({ balance: 9750, balance_dollars: '97.5000' });
  });

  test('the accumulator is per order and counts maker fills: one resting ask filled five times', async () => {
    await maker.create({ ticker: 'TM-E1-A', side: 'ask', price: '0.5000', count: '5.00', client_order_id: 'm' });
    for (let i = 0; i < 5; i++) {
      await taker.create({ ticker: 'TM-E1-A', side: 'bid', price: '0.5000', count: '1.00', client_order_id: `t${i}`, time_in_force: 'immediate_or_cancel' });
    }
    // Maker fee 1 @ 0.50 at 0.0175: 0.004375 → 0.0044. −0.5044 → −0.51, rounding 0.0056 per fill; accumulator
    // 0.0056, 0.0112 (rebate → 0.0012), 0.0068, 0.0124 (rebate → 0.0024), 0.0080: −2.55 + 0.02 = −2.53
    // (single-fill equivalent: 2.50 + 0.0219 = 2.5219 → −2.53).
    expect(await balance(maker)).toMatchObject({ balance: 9747, balance_dollars: '97.4700' });
    // Five separate taker orders: each accumulator holds 0.0025, no rebate; 5 × −0.52.
    expect(await balance(taker)).toMatchObject({ balance: 9740, balance_dollars: '97.4000' });
  });
});
