/**
 * A simulator scenario of N markets for the benchmarks: 20 series, events of 10 markets each, every market open for
 * days, liquid (volume and open interest over the template's filters), quoted around a house probability that drifts
 * from its true one by a deterministic amount so some markets show an edge. Deterministic in N.
 */
import type { ScenarioInput } from '../sim';

export const MARKETS_PER_EVENT = 10;
const SERIES = 20;

export function benchScenario(markets: number): ScenarioInput {
  const events = Math.ceil(markets / MARKETS_PER_EVENT);
  const series = Array.from({ length: Math.min(SERIES, events) }, (_, i) => ({
    ticker: `BENCH${String(i).padStart(2, '0')}`, title: `Bench series ${i}`, category: 'Bench', frequency: 'daily',
    fee_type: (i % 3 === 0 ? 'quadratic_with_maker_fees' : 'quadratic') as 'quadratic' | 'quadratic_with_maker_fees', fee_multiplier: 1,
  }));
  const out: ScenarioInput['events'] = [];
  let n = 0;
  for (let e = 0; e < events; e++) {
    const s = series[e % series.length].ticker;
    const ms = [];
    for (let k = 0; k < MARKETS_PER_EVENT && n < markets; k++, n++) {
      const truth = 50 + ((n * 37) % 45); // 0.50 .. 0.94
      const quoted = n % 7 === 0 ? truth - 15 : truth; // one in seven is mispriced by 0.15
      ms.push({
        ticker: `${s}-E${e}-M${k}`, title: `market ${n}`, open_time: '-1d', close_time: `+${2 + (n % 5)}d`,
        true_probability: `0.${String(truth).padStart(2, '0')}00`, market_probability: `0.${String(quoted).padStart(2, '0')}00`,
        initial_volume: `${1000 + (n % 977) * 10}.00`, initial_open_interest: `${600 + (n % 331) * 5}.00`,
      });
    }
    out.push({ event_ticker: `${s}-E${e}`, series_ticker: s, title: `event ${e}`, mutually_exclusive: false, markets: ms });
  }
  return { name: `bench-${markets}`, series, events: out };
}
