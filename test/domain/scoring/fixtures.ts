import type { ScoredForecast } from '../../../src/domain/scoring';

let n = 0;
export function forecast(p: number, market: number, outcome: 'yes' | 'no', over: Partial<ScoredForecast> = {}): ScoredForecast {
  n += 1;
  return {
    model: 'm', ticker: `T${n}`, eventTicker: `E${n}`, seriesTicker: 'S', category: 'C',
    probabilityPpm: Math.round(p * 1e6), marketPpm: Math.round(market * 1e6), outcome,
    asOfMs: n * 1000, settledAtMs: n * 1000 + 500, trade: null, ...over,
  };
}

/** `count` markets, each its own event: the model says `p`, the market `market`; YES settles in the first `yes` of them. */
export function batch(count: number, yes: number, p: (i: number) => number, market: (i: number) => number, over: Partial<ScoredForecast> = {}): ScoredForecast[] {
  return Array.from({ length: count }, (_, i) => forecast(p(i), market(i), i < yes ? 'yes' : 'no', over));
}
