/**
 * Per-cycle caps on entries (risk guards step 5). Pure, fixed point (importable by workflow code).
 *
 * Exits (reduce-only) are passed through: they neither count toward nor are refused by a cap (the caps' codes block
 * `new_entries` in the registry). Entries are ranked (`compareIntents`: score desc, |edge| desc, ticker asc), then:
 * 1. `max_trades_per_market_per_day_guard`: an entry on a market whose trades today (passed in, plus the entries kept
 *    earlier in this walk) already reach `maxTradesPerMarketPerDay` is skipped; 0 disables. It is applied first so a
 *    refused entry does not take one of the cycle's slots.
 * 2. `max_positions_guard`: an entry on a market the lane is not yet exposed to (a position or an open order: passed
 *    in as `exposedMarkets`, plus the markets of entries kept earlier in this walk) is skipped once that count has
 *    reached `maxPositions` (`risk.max_positions`): resting entries count as positions, because they become positions
 *    when they fill. An entry on a market already exposed never adds one (de-duplication refuses it anyway).
 * 3. Deterministic truncation: walk the ranked list, keep while the count stays ≤ `maxOrdersPerCycle` and the
 *    cumulative notional (price × count, rounded up to a micro: `notionalCeil`, never understating a cost) stays
 *    ≤ `maxNotionalPerCycleMicros`. The first entry that would break a cap ends the walk: it and every later entry are
 *    skipped with that cap's code (`max_orders_per_cycle_guard` / `max_notional_per_cycle_guard`).
 * Bad numbers (a non-integer, a negative cap) throw: the caller's fail-closed wrapper turns that into no orders.
 */
import { notionalCeil, type Micros } from './fixed';
import { compareIntents, isExit } from './intent-rank';
import { requireCount } from './int-checks';
import { REASON } from './reason-codes';
import type { IntentFilterResult, IntentSkip, OrderIntent } from './trading-types';

export interface CycleCaps {
  /** `risk.max_orders_per_cycle` (≥ 1 in the schema; 0 here keeps no entry). */
  maxOrdersPerCycle: number;
  /** `risk.max_notional_per_cycle` in micros. */
  maxNotionalPerCycleMicros: Micros;
  /** `risk.max_trades_per_market_per_day`; 0 disables. */
  maxTradesPerMarketPerDay: number;
  /** `risk.max_positions` (≥ 1 in the schema): markets with a position or an open entry. Absent: no such cap. */
  maxPositions?: number;
}

/** Trades placed today (UTC day of the logical clock) per market ticker; a missing ticker = 0. */
export type TradesToday = Readonly<Record<string, number>>;

function tradesTodayOf(trades: TradesToday, ticker: string): number {
  return Object.prototype.hasOwnProperty.call(trades, ticker) ? requireCount(trades[ticker], `tradesToday[${ticker}]`) : 0;
}

export function applyCycleCaps(
  intents: readonly OrderIntent[],
  caps: CycleCaps,
  tradesToday: TradesToday,
  exposedMarkets: readonly string[] = [],
): IntentFilterResult {
  const maxOrders = requireCount(caps.maxOrdersPerCycle, 'maxOrdersPerCycle');
  const maxNotional = BigInt(requireCount(caps.maxNotionalPerCycleMicros, 'maxNotionalPerCycleMicros'));
  const maxTrades = requireCount(caps.maxTradesPerMarketPerDay, 'maxTradesPerMarketPerDay');
  const maxPositions = caps.maxPositions === undefined ? null : requireCount(caps.maxPositions, 'maxPositions');
  const open = new Set(exposedMarkets);

  const ranked = [...intents].sort(compareIntents);
  const exits = ranked.filter(isExit);
  const kept: OrderIntent[] = [];
  const skipped: IntentSkip[] = [];
  const skip = (i: OrderIntent, code: string, detail: string) => skipped.push({ ticker: i.ticker, side: i.side, code, detail, intent: i });

  const keptPerMarket = new Map<string, number>();
  let total = 0n;
  let truncated: { code: string; at: string } | null = null;
  for (const e of ranked) {
    if (isExit(e)) continue;
    requireCount(e.priceMicros, `${e.ticker}.priceMicros`);
    requireCount(e.countCentis, `${e.ticker}.countCentis`);
    if (maxTrades > 0) {
      const done = tradesTodayOf(tradesToday, e.ticker) + (keptPerMarket.get(e.ticker) ?? 0);
      if (done >= maxTrades) {
        skip(e, REASON.max_trades_per_market_per_day_guard, `${done} trades in ${e.ticker} today, max ${maxTrades}`);
        continue;
      }
    }
    if (maxPositions !== null && !open.has(e.ticker) && open.size >= maxPositions) {
      skip(e, REASON.max_positions_guard, `${open.size} markets with a position or an open order, max ${maxPositions}`);
      continue;
    }
    if (truncated) {
      skip(e, truncated.code, `cut after ${truncated.at}`);
      continue;
    }
    const cost = BigInt(notionalCeil(e.priceMicros, e.countCentis));
    if (kept.length + 1 > maxOrders) {
      truncated = { code: REASON.max_orders_per_cycle_guard, at: `${kept.length} orders (max ${maxOrders})` };
      skip(e, truncated.code, `would be order ${kept.length + 1}, max ${maxOrders} per cycle`);
    } else if (total + cost > maxNotional) {
      truncated = { code: REASON.max_notional_per_cycle_guard, at: `notional ${total} of ${maxNotional} micros` };
      skip(e, truncated.code, `notional ${total} + ${cost} > ${maxNotional} micros per cycle`);
    } else {
      total += cost;
      kept.push(e);
      open.add(e.ticker);
      keptPerMarket.set(e.ticker, (keptPerMarket.get(e.ticker) ?? 0) + 1);
    }
  }
  return { kept: [...exits, ...kept], skipped };
}

/** The notional (micros, rounded up) of a list of intents: what `applyCycleCaps` counts against the cap. */
export function totalNotionalMicros(intents: readonly OrderIntent[]): bigint {
  return intents.reduce((sum, i) => sum + BigInt(notionalCeil(i.priceMicros, i.countCentis)), 0n);
}
