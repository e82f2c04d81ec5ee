/**
 * De-duplication of entry intents (success criterion S3; origin bug B9: a new signal on a market with a resting order
 * placed a second live order every hour). Pure (importable by workflow code).
 *
 * Rules, applied to entries only (exits — reduce-only intents — are passed through untouched, never deduped away):
 * 1. A market or event is *exposed* when the exchange, the ledger or the journal shows anything for it: a position,
 *    a pending, unknown or resting order, a paper order. The caller gathers that into `exposure`. An exit intent of
 *    this cycle also marks its market and event as exposed. An entry on an exposed market or event is skipped with
 *    `duplicate_exposure_guard`.
 * 2. Of the remaining entries, one per event survives: the best by `compareIntents` (|edge| × confidence desc,
 *    |edge| desc, ticker asc, then the other fields). The others are skipped with `duplicate_exposure_guard`.
 *
 * The result depends only on the set of inputs, not their order: kept = exits then entries, each in rank order;
 * skips in rank order of their intents.
 */
import { compareIntents, isExit } from './intent-rank';
import { REASON } from './reason-codes';
import type { IntentFilterResult, IntentSkip, OrderIntent } from './trading-types';

/** What the lane is already exposed to (from exchange positions/orders, the ledger and the journal). */
export interface Exposure {
  /** Market tickers with a position, a pending/unknown/resting order or a paper order. */
  markets: readonly string[];
  /** Event tickers of those markets (and of any event the caller knows to be exposed). */
  events: readonly string[];
}

export const NO_EXPOSURE: Exposure = Object.freeze({ markets: Object.freeze([]), events: Object.freeze([]) }) as Exposure;

function skip(intent: OrderIntent, detail: string): IntentSkip {
  return { ticker: intent.ticker, side: intent.side, code: REASON.duplicate_exposure_guard, detail, intent };
}

export function dedupeIntents(intents: readonly OrderIntent[], exposure: Exposure): IntentFilterResult {
  const ranked = [...intents].sort(compareIntents);
  const exits = ranked.filter(isExit);
  const entries = ranked.filter((i) => !isExit(i));

  const exposedMarkets = new Set<string>(exposure.markets);
  const exposedEvents = new Set<string>(exposure.events);
  for (const x of exits) {
    exposedMarkets.add(x.ticker);
    exposedEvents.add(x.eventTicker);
  }

  const kept: OrderIntent[] = [];
  const skipped: IntentSkip[] = [];
  const winnerOfEvent = new Map<string, OrderIntent>();
  for (const e of entries) {
    if (exposedMarkets.has(e.ticker)) {
      skipped.push(skip(e, `already exposed to market ${e.ticker}`));
    } else if (exposedEvents.has(e.eventTicker)) {
      skipped.push(skip(e, `already exposed to event ${e.eventTicker}`));
    } else {
      const winner = winnerOfEvent.get(e.eventTicker);
      if (winner) {
        // Ranked order: the first entry seen for an event is its best.
        skipped.push(skip(e, `event ${e.eventTicker}: ${winner.ticker} ${winner.side} ranks higher this cycle`));
      } else {
        winnerOfEvent.set(e.eventTicker, e);
        kept.push(e);
      }
    }
  }
  return { kept: [...exits, ...kept], skipped };
}
