/**
 * Which estimate of a market is scored: hourly estimates of one market are not independent, so ONE per (model,
 * market) — the estimate of the cycle that entered the market for a traded market, otherwise the last estimate made
 * before the market closed (before it settled, when the close time is unknown). Only estimates with a market
 * baseline (a mid) count, and only settled markets. Pure.
 */
import type { Side } from '../trading-types';
import type { ScoredForecast } from './types';

/** One stored estimate with the market's price at the same decision. */
export interface EstimatePoint {
  firstRunId: string;
  cycle: number;
  model: string;
  ticker: string;
  eventTicker: string;
  seriesTicker: string | null;
  category: string | null;
  probabilityPpm: number;
  /** Mid of the best YES bid/ask at decision time (ppm = micros); null when a side had no quote. */
  midPpm: number | null;
  asOfMs: number;
  closeTimeMs: number | null;
}

/** The lane's entry into a market: the cycle of its first order decision and what the position became. */
export interface EntryPoint {
  ticker: string;
  firstRunId: string;
  cycle: number;
  side: Side;
  predictedEdgeMicros: number;
  entryPriceMicros: number;
  countCentis: number;
  feeMicros: number;
  pnlMicros: number;
}

export interface OutcomePoint {
  ticker: string;
  result: Side;
  settledAtMs: number;
}

/** The side's price from a YES mid (ppm = micros per contract). */
const sidePrice = (midPpm: number, side: Side) => (side === 'yes' ? midPpm : 1_000_000 - midPpm);

export function selectForecasts(
  estimates: readonly EstimatePoint[],
  entries: readonly EntryPoint[],
  outcomes: readonly OutcomePoint[],
): ScoredForecast[] {
  const outcomeOf = new Map(outcomes.map((o) => [o.ticker, o]));
  const entryOf = new Map<string, EntryPoint>();
  for (const e of entries) if (!entryOf.has(e.ticker)) entryOf.set(e.ticker, e);
  const groups = new Map<string, EstimatePoint[]>();
  for (const e of estimates) {
    if (!outcomeOf.has(e.ticker) || e.midPpm === null) continue;
    const k = `${e.model}\u0000${e.ticker}`;
    const g = groups.get(k);
    if (g) g.push(e);
    else groups.set(k, [e]);
  }
  const out: ScoredForecast[] = [];
  for (const g of groups.values()) {
    const o = outcomeOf.get(g[0].ticker)!;
    const cutoff = g[0].closeTimeMs ?? o.settledAtMs;
    const before = g.filter((e) => e.asOfMs <= cutoff).sort((a, b) => a.asOfMs - b.asOfMs || a.cycle - b.cycle);
    if (before.length === 0) continue;
    const last = before[before.length - 1];
    const entry = entryOf.get(g[0].ticker);
    const atEntry = entry ? g.find((e) => e.firstRunId === entry.firstRunId && e.cycle === entry.cycle) : undefined;
    const chosen = atEntry ?? last;
    out.push({
      model: chosen.model,
      ticker: chosen.ticker,
      eventTicker: chosen.eventTicker,
      seriesTicker: chosen.seriesTicker,
      category: chosen.category,
      probabilityPpm: chosen.probabilityPpm,
      marketPpm: chosen.midPpm!,
      outcome: o.result,
      asOfMs: chosen.asOfMs,
      settledAtMs: o.settledAtMs,
      trade: entry && atEntry
        ? {
            side: entry.side,
            entryPriceMicros: entry.entryPriceMicros,
            countCentis: entry.countCentis,
            feeMicros: entry.feeMicros,
            predictedEdgeMicros: entry.predictedEdgeMicros,
            closingPriceMicros: sidePrice(last.midPpm!, entry.side),
            pnlMicros: entry.pnlMicros,
          }
        : null,
    });
  }
  return out.sort((a, b) => a.settledAtMs - b.settledAtMs || (a.ticker < b.ticker ? -1 : a.ticker > b.ticker ? 1 : 0) || (a.model < b.model ? -1 : 1));
}
