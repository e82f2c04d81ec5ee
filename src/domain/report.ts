/**
 * The daily report (`kalshi-autopilot report`), pure: integer micro-dollars and centi-contracts in, one row per UTC
 * day out. The same facts for paper (dry-run) and live lanes; the CLI reads them from the lane DB.
 *
 *   net       equity at the day's last finished cycle − equity at the previous day's (the bankroll before the first)
 *   fees      fees of the day's fills;  gross = net + fees
 *   fills     fills booked that day (and contracts filled); fill rate = orders placed that day with any fill / orders
 *   slippage  per filled contract, fill price against the order's signal (limit) price: + = paid more (buys) or
 *             received less (sells) than the signal
 *   edge      predicted: Σ the decision's net edge × contracts filled (by fill day); captured: realized P&L of the
 *             positions settled that day
 *   skips     decision records refused that day, by reason code
 *   llm       the LLM budget ledger's charges for the day
 */
import type { Micros } from './fixed';

export interface OrderFact { atMs: number; filledCentis: number }
export interface FillFact { atMs: number; side: 'buy' | 'sell'; priceMicros: Micros; limitMicros: Micros; countCentis: number; feeMicros: Micros; edgeMicros: Micros | null }
export interface EquityPoint { atMs: number; equityMicros: Micros }

export interface ReportFacts {
  startEquityMicros: Micros;
  equity: readonly EquityPoint[];
  orders: readonly OrderFact[];
  fills: readonly FillFact[];
  settlements: readonly { atMs: number; realizedMicros: Micros }[];
  skips: readonly { atMs: number; reason: string }[];
  /** LLM charges by UTC day (YYYY-MM-DD); null = no LLM ledger in this DB. */
  llm: readonly { day: string; chargedMicros: Micros }[] | null;
}

export interface ReportDay {
  day: string;
  grossMicros: Micros;
  feesMicros: Micros;
  netMicros: Micros;
  fills: number;
  filledCentis: number;
  orders: number;
  filledOrders: number;
  /** filledOrders / orders in ppm; null without orders. */
  fillRatePpm: number | null;
  /** Σ (price − limit) × count (micro-dollars × centi-contracts, signed for the side); per contract = / filledCentis. */
  slippageMicroCentis: number;
  /** Average slippage per contract (micros, rounded); null without fills. */
  slippagePerContractMicros: Micros | null;
  edgePredictedMicros: Micros;
  edgeCapturedMicros: Micros;
  llmSpendMicros: Micros;
  skips: Record<string, number>;
}

export const utcDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function emptyDay(day: string): ReportDay {
  return {
    day, grossMicros: 0, feesMicros: 0, netMicros: 0, fills: 0, filledCentis: 0, orders: 0, filledOrders: 0, fillRatePpm: null,
    slippageMicroCentis: 0, slippagePerContractMicros: null, edgePredictedMicros: 0, edgeCapturedMicros: 0, llmSpendMicros: 0, skips: {},
  };
}

/** Days from..to inclusive (YYYY-MM-DD; null = the first/last day with any fact). */
export function buildReport(f: ReportFacts, range: { from: string | null; to: string | null } = { from: null, to: null }): ReportDay[] {
  const days = new Map<string, ReportDay>();
  const at = (day: string) => {
    let d = days.get(day);
    if (!d) days.set(day, (d = emptyDay(day)));
    return d;
  };
  // Net P&L: equity at each day's last point against the previous day's last point (in time order, all days).
  const eq = [...f.equity].sort((a, b) => a.atMs - b.atMs);
  const lastOfDay = new Map<string, Micros>();
  for (const p of eq) lastOfDay.set(utcDay(p.atMs), p.equityMicros);
  let prev = f.startEquityMicros;
  for (const [day, e] of [...lastOfDay].sort(([a], [b]) => a.localeCompare(b))) {
    at(day).netMicros = e - prev;
    prev = e;
  }
  for (const o of f.orders) {
    const d = at(utcDay(o.atMs));
    d.orders += 1;
    if (o.filledCentis > 0) d.filledOrders += 1;
  }
  for (const x of f.fills) {
    const d = at(utcDay(x.atMs));
    d.fills += 1;
    d.filledCentis += x.countCentis;
    d.feesMicros += x.feeMicros;
    const delta = x.side === 'buy' ? x.priceMicros - x.limitMicros : x.limitMicros - x.priceMicros;
    d.slippageMicroCentis += delta * x.countCentis;
    if (x.edgeMicros !== null) d.edgePredictedMicros += Math.round((x.edgeMicros * x.countCentis) / 100);
  }
  for (const s of f.settlements) at(utcDay(s.atMs)).edgeCapturedMicros += s.realizedMicros;
  for (const s of f.skips) {
    const d = at(utcDay(s.atMs));
    d.skips[s.reason] = (d.skips[s.reason] ?? 0) + 1;
  }
  for (const l of f.llm ?? []) at(l.day).llmSpendMicros += l.chargedMicros;
  const out = [...days.values()]
    .filter((d) => (range.from === null || d.day >= range.from) && (range.to === null || d.day <= range.to))
    .sort((a, b) => a.day.localeCompare(b.day));
  for (const d of out) {
    d.grossMicros = d.netMicros + d.feesMicros;
    d.fillRatePpm = d.orders > 0 ? Math.round((d.filledOrders * 1_000_000) / d.orders) : null;
    d.slippagePerContractMicros = d.filledCentis > 0 ? Math.round(d.slippageMicroCentis / d.filledCentis) : null;
    d.skips = Object.fromEntries(Object.entries(d.skips).sort(([a], [b]) => a.localeCompare(b)));
  }
  return out;
}

/** The sum of the days (fill rate and slippage recomputed from the totals). */
export function totalOf(days: readonly ReportDay[]): ReportDay {
  const t = emptyDay('total');
  for (const d of days) {
    t.grossMicros += d.grossMicros; t.feesMicros += d.feesMicros; t.netMicros += d.netMicros; t.fills += d.fills; t.filledCentis += d.filledCentis;
    t.orders += d.orders; t.filledOrders += d.filledOrders; t.slippageMicroCentis += d.slippageMicroCentis;
    t.edgePredictedMicros += d.edgePredictedMicros; t.edgeCapturedMicros += d.edgeCapturedMicros; t.llmSpendMicros += d.llmSpendMicros;
    for (const [k, n] of Object.entries(d.skips)) t.skips[k] = (t.skips[k] ?? 0) + n;
  }
  t.fillRatePpm = t.orders > 0 ? Math.round((t.filledOrders * 1_000_000) / t.orders) : null;
  t.slippagePerContractMicros = t.filledCentis > 0 ? Math.round(t.slippageMicroCentis / t.filledCentis) : null;
  t.skips = Object.fromEntries(Object.entries(t.skips).sort(([a], [b]) => a.localeCompare(b)));
  return t;
}
