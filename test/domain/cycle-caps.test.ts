import fc from 'fast-check';
import { applyCycleCaps, totalNotionalMicros } from '../../src/domain/cycle-caps';
import { compareIntents } from '../../src/domain/intent-rank';
import { arbIntentsAndShuffle, exitOf, intent, key } from './intent-fixtures';

const caps = { maxOrdersPerCycle: 3, maxNotionalPerCycleMicros: 10_000_000, maxTradesPerMarketPerDay: 2 };
const full = { edgeMicros: 0, confidencePpm: 1_000_000 };

describe('applyCycleCaps', () => {
  const T = intent('T', 'ET', { ...full, edgeMicros: 250_000 }); // best, but 2 trades today already
  const A = intent('A', 'EA', { ...full, edgeMicros: 200_000, priceMicros: 400_000, countCentis: 1_000 }); // $4.00
  const B = intent('B', 'EB', { ...full, edgeMicros: 150_000, priceMicros: 500_000, countCentis: 800 }); // $4.00 → $8.00
  const C = intent('C', 'EC', { ...full, edgeMicros: 120_000, priceMicros: 300_000, countCentis: 1_000 }); // $3.00 → $11 > $10
  const D = intent('D', 'ED', { ...full, edgeMicros: 100_000, priceMicros: 100_000, countCentis: 100 }); // $0.10 would fit
  const X = exitOf('X', 'EX', { priceMicros: 900_000, countCentis: 100_000 }); // $900 exit: never capped

  it('truncates in score order at the notional cap; the trades-per-day cap first; exits pass', () => {
    const out = applyCycleCaps([D, C, X, B, T, A], caps, { T: 2, A: 1 });
    expect(out.kept.map((i) => i.ticker)).toEqual(['X', 'A', 'B']);
    expect(out.skipped.map((s) => [s.ticker, s.code, s.detail])).toEqual([
      ['T', 'max_trades_per_market_per_day_guard', '2 trades in T today, max 2'],
      ['C', 'max_notional_per_cycle_guard', 'notional 8000000 + 3000000 > 10000000 micros per cycle'],
      ['D', 'max_notional_per_cycle_guard', 'cut after notional 8000000 of 10000000 micros'],
    ]);
    expect(totalNotionalMicros(out.kept.filter((i) => !i.reduceOnly))).toBe(8_000_000n);
  });

  it('max_positions: entries on new markets stop at the cap, counting held markets and open orders; exits and held markets are not counted twice', () => {
    const wide = { ...caps, maxOrdersPerCycle: 10, maxNotionalPerCycleMicros: 100_000_000, maxTradesPerMarketPerDay: 0 };
    // The lane holds P and has an order resting in Q: two of three slots used, so only the best new market fits.
    const out = applyCycleCaps([D, C, X, B, A], { ...wide, maxPositions: 3 }, {}, ['P', 'Q']);
    expect(out.kept.map((i) => i.ticker)).toEqual(['X', 'A']);
    expect(out.skipped.map((s) => [s.ticker, s.code, s.detail])).toEqual([
      ['B', 'max_positions_guard', '3 markets with a position or an open order, max 3'],
      ['C', 'max_positions_guard', '3 markets with a position or an open order, max 3'],
      ['D', 'max_positions_guard', '3 markets with a position or an open order, max 3'],
    ]);
    // At the cap already: no new market at all; without the cap (absent) every entry fits.
    expect(applyCycleCaps([A, B], { ...wide, maxPositions: 2 }, {}, ['P', 'Q']).kept).toEqual([]);
    expect(applyCycleCaps([A, B], wide, {}, ['P', 'Q']).kept.map((i) => i.ticker)).toEqual(['A', 'B']);
    expect(() => applyCycleCaps([A], { ...wide, maxPositions: -1 }, {})).toThrow(/maxPositions/);
  });

  it('truncates at max_orders_per_cycle', () => {
    const out = applyCycleCaps([D, C, B, A], { ...caps, maxOrdersPerCycle: 2, maxNotionalPerCycleMicros: 100_000_000 }, {});
    expect(out.kept.map((i) => i.ticker)).toEqual(['A', 'B']);
    expect(out.skipped.map((s) => [s.ticker, s.code, s.detail])).toEqual([
      ['C', 'max_orders_per_cycle_guard', 'would be order 3, max 2 per cycle'],
      ['D', 'max_orders_per_cycle_guard', 'cut after 2 orders (max 2)'],
    ]);
  });

  it('max_trades_per_market_per_day 0 disables; entries kept this cycle count toward it', () => {
    expect(applyCycleCaps([T], { ...caps, maxTradesPerMarketPerDay: 0 }, { T: 99 }).kept).toEqual([T]);
    const yes = intent('M', 'EM', { edgeMicros: 200_000 });
    const no = intent('M', 'EM', { side: 'no', edgeMicros: 100_000 });
    const out = applyCycleCaps([no, yes], caps, { M: 1 });
    expect(out.kept).toEqual([yes]);
    expect(out.skipped.map((s) => [s.side, s.code, s.detail])).toEqual([['no', 'max_trades_per_market_per_day_guard', '2 trades in M today, max 2']]);
  });

  it('counts notional rounded up to a micro, and a notional exactly at the cap passes', () => {
    const odd = intent('O', 'EO', { priceMicros: 333_333, countCentis: 1 }); // 3333.33 → 3334 micros
    expect(applyCycleCaps([odd], { ...caps, maxNotionalPerCycleMicros: 3_333 }, {}).kept).toEqual([]);
    expect(applyCycleCaps([odd], { ...caps, maxNotionalPerCycleMicros: 3_334 }, {}).kept).toEqual([odd]);
    expect(applyCycleCaps([A, B], { ...caps, maxNotionalPerCycleMicros: 8_000_000 }, {}).kept).toEqual([A, B]);
  });

  it('throws on bad numbers (the caller fails closed)', () => {
    expect(() => applyCycleCaps([A], { ...caps, maxOrdersPerCycle: -1 }, {})).toThrow(/maxOrdersPerCycle/);
    expect(() => applyCycleCaps([intent('A', 'E', { countCentis: 1.5 })], caps, {})).toThrow(/A.countCentis/);
    expect(() => applyCycleCaps([A], caps, { A: Number.NaN })).toThrow(/tradesToday\[A\]/);
  });

  it('property: never more than max orders or the notional cap; a prefix of the ranking; order independent', () => {
    const arbCaps = fc.record({
      maxOrdersPerCycle: fc.integer({ min: 0, max: 6 }),
      maxNotionalPerCycleMicros: fc.integer({ min: 0, max: 40_000_000 }),
      maxTradesPerMarketPerDay: fc.integer({ min: 0, max: 3 }),
    });
    const arbTrades = fc.dictionary(fc.constantFrom('E0-M0', 'E1-M1', 'E2-M2', 'E3-M7'), fc.integer({ min: 0, max: 4 }));
    fc.assert(
      fc.property(arbIntentsAndShuffle, arbCaps, arbTrades, ([xs, shuffled], c, trades) => {
        const out = applyCycleCaps(xs, c, trades);
        const entries = out.kept.filter((i) => !i.reduceOnly);
        expect(entries.length).toBeLessThanOrEqual(c.maxOrdersPerCycle);
        expect(totalNotionalMicros(entries)).toBeLessThanOrEqual(BigInt(c.maxNotionalPerCycleMicros));
        const notByTrades = xs
          .filter((i) => !i.reduceOnly && !out.skipped.some((s) => s.intent === i && s.code === 'max_trades_per_market_per_day_guard'))
          .sort(compareIntents);
        expect(entries).toEqual(notByTrades.slice(0, entries.length));
        expect(out.kept.filter((i) => i.reduceOnly).map(key).sort()).toEqual(xs.filter((i) => i.reduceOnly).map(key).sort());
        expect([...out.kept, ...out.skipped.map((s) => s.intent)].map(key).sort()).toEqual(xs.map(key).sort());
        expect(applyCycleCaps(shuffled, c, trades)).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });
});
