/** Shared test builders for order intents (de-dup, caps, risk guards). */
import fc from 'fast-check';
import type { OrderIntent } from '../../src/domain/trading-types';

export function intent(ticker: string, eventTicker: string, over: Partial<OrderIntent> = {}): OrderIntent {
  return {
    ticker,
    eventTicker,
    side: 'yes',
    action: 'buy',
    priceMicros: 400_000,
    countCentis: 1_000,
    fairPpm: 550_000,
    edgeMicros: 100_000,
    confidencePpm: 800_000,
    reduceOnly: false,
    feeMicros: 0,
    ...over,
  };
}

export const exitOf = (ticker: string, eventTicker: string, over: Partial<OrderIntent> = {}): OrderIntent =>
  intent(ticker, eventTicker, { action: 'sell', reduceOnly: true, ...over });

/** Markets M0..M9 in events E0..E3 (market i belongs to event i mod 4), so a ticker always maps to one event. */
export const marketIndex = fc.integer({ min: 0, max: 9 });
export const tickerOf = (i: number) => `E${i % 4}-M${i}`;
export const eventOf = (i: number) => `E${i % 4}`;

export const arbIntent: fc.Arbitrary<OrderIntent> = fc.record({
  m: marketIndex,
  side: fc.constantFrom<'yes' | 'no'>('yes', 'no'),
  exit: fc.boolean().chain((b) => (b ? fc.boolean() : fc.constant(false))), // ~1 in 4 is an exit
  edge: fc.integer({ min: -200_000, max: 300_000 }),
  conf: fc.integer({ min: 0, max: 1_000_000 }),
  cents: fc.integer({ min: 1, max: 99 }),
  count: fc.integer({ min: 1, max: 2_000 }),
}).map(({ m, side, exit, edge, conf, cents, count }) =>
  intent(tickerOf(m), eventOf(m), {
    side, action: exit ? 'sell' : 'buy', reduceOnly: exit, edgeMicros: edge, confidencePpm: conf,
    priceMicros: cents * 10_000, countCentis: count,
  }));

/** A list of intents and the same list in another order. */
export const arbIntentsAndShuffle = fc
  .array(arbIntent, { maxLength: 25 })
  .chain((xs) => fc.tuple(fc.constant(xs), fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length })));

export const arbExposure = fc.record({
  markets: fc.uniqueArray(marketIndex, { maxLength: 4 }).map((ms) => ms.map(tickerOf)),
  events: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 2 }).map((es) => es.map((e) => `E${e}`)),
});

export const key = (i: OrderIntent) => JSON.stringify(i);
