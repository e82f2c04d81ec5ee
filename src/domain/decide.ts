/**
 * One cycle's decision, pure: in-scope markets + estimates + the ledger's capital → sized, guarded, finally
 * scope-checked intents, and one DecisionRecord per market considered (why it was or was not traded).
 *
 *   per market: min_time_to_close → estimate? → evaluateEntry (fees, quote, confidence, edge, heavy favourite)
 *               → the model bench (model_underperforms_market_guard, docs/scoring.md) → sizeOrder (Kelly, caps,
 *               rounded-fee edge)
 *   per held position (exit_policy take_profit): exitIntents (src/domain/exits.ts) — reduce-only sells, which no
 *               entry rule touches (not the entry guards, de-dup or the per-cycle caps)
 *   then:       safeGuardCycle (kill switch, pause, halts, daily loss, drawdown, cooldown, de-dup, per-cycle caps)
 *   then:       final scope (final_scope_guard): an intent outside the scope never survives, whoever made it
 *
 * No I/O and no clock: "now" is the workflow's logical clock, passed in.
 */
import type { CapitalSnapshot } from './capital';
import type { CycleCaps, TradesToday } from './cycle-caps';
import type { Exposure } from './dedupe';
import { evaluateEntry, EntryRules, isSkip } from './edge';
import { exitIntents, type ExitPolicy, type ExitPosition } from './exits';
import { formatDollars } from './fixed';
import { floorDiv } from './int';
import { REASON } from './reason-codes';
import { benchedEntry, type BenchKey } from './scoring/bench';
import { CycleGuardInput, GuardCycleResult, safeGuardCycle } from './risk-guards';
import { AllowedScope, isMarketInAllowedScope, ScopeMode } from './scope';
import { sizeOrder, SizingRules } from './sizing';
import type { DecisionRecord, Estimate, MarketSnapshot, OrderIntent } from './trading-types';

export interface DecideRules extends EntryRules, SizingRules {
  /** `execution.min_time_to_close_seconds` in ms: no new entry this close to a market's close. */
  minTimeToCloseMs: number;
  /** Whole contracts only (no fractional trading): 100; else 1. */
  countStepCentis?: number;
}

export interface DecideInput {
  cycle: number;
  nowMs: number;
  mode: ScopeMode;
  scope: AllowedScope;
  /** The scan's in-scope markets (scope check #1 happened at the scan). */
  markets: readonly MarketSnapshot[];
  estimates: readonly Estimate[];
  /** Open positions (count free to sell: held minus resting sells). Only exits read them; default none. */
  positions?: readonly ExitPosition[];
  /**
   * Markets of held tickers that are not in the scan, fetched for marks and exits. Never considered for an entry; the
   * scan's snapshot wins for a ticker in both. Default none (such a position then holds: no quote).
   */
  heldMarkets?: readonly MarketSnapshot[];
  /** `strategy.exit_policy`; default `hold` (no exit, hold to settlement). */
  exitPolicy?: ExitPolicy;
  rules: DecideRules;
  capital: CapitalSnapshot;
  /** Per market: open position cost + resting notional (micros). */
  marketExposure: Readonly<Record<string, number>>;
  exposure: Exposure;
  caps: CycleCaps;
  tradesToday: TradesToday;
  /** The risk-guard states and limits (daily loss, drawdown, cooldown, control). */
  guard: Omit<CycleGuardInput, 'nowMs' | 'cycle' | 'capitalBaseMicros'>;
  /** Shown after the estimate count in the one-line reason, e.g. `llm, $0.42` (the model and what it charged). */
  estimateNote?: string | null;
  /** Markets the model gave no estimate because its budget was reached (ticker → detail): llm_budget_guard. */
  budgetSkips?: Readonly<Record<string, string>>;
  /** Why the model gave a market no estimate (ticker → `reason: detail`, e.g. a refused cross-venue mapping): the no_estimate_guard record's detail. */
  noEstimateDetails?: Readonly<Record<string, string>>;
  /** The bench list: entries from an estimate of a benched {model, series} are refused; exits never read it. Default none. */
  benched?: readonly BenchKey[];
}

export interface DecideResult {
  intents: OrderIntent[];
  decisions: DecisionRecord[];
  verdict: Omit<GuardCycleResult, 'kept' | 'skipped'>;
  /** `opportunities` counts entries; `exits` the exit intents made (before the guards and the final scope check). */
  counts: { estimates: number; opportunities: number; exits: number; skipped: Record<string, number> };
  /** Best net edge per contract seen (micros), or null. */
  bestEdgeMicros: number | null;
  /** One line when nothing is ordered; null otherwise. */
  whyNoTrade: string | null;
}

/** For the one-line reason only: dollars to the cent, rounded toward −∞ (never shown as more edge than there is). */
const $ = (m: number) => formatDollars(Number(floorDiv(BigInt(m), 10_000n)) * 10_000, 2);

export function decideCycle(input: DecideInput): DecideResult {
  const { cycle, rules } = input;
  const decisions: DecisionRecord[] = [];
  const sized: OrderIntent[] = [];
  const byTicker = new Map(input.estimates.map((e) => [e.ticker, e]));
  let opportunities = 0;
  let benchedSkips = 0;
  let bestEdge: number | null = null;
  const skipRecord = (r: Omit<DecisionRecord, 'cycle' | 'decision'>) => decisions.push({ cycle, decision: 'skip', ...r });
  // A market skipped before it has a side: one object literal per record (no spread), the same fields in the same order.
  const bareSkip = (ticker: string, reason: string, detail: string) => decisions.push({
    cycle, decision: 'skip', ticker, side: null, fairValuePpm: null, priceMicros: null, edgeMicros: null, confidencePpm: null, countCentis: 0, reason, detail,
  });

  for (const m of input.markets) {
    if (m.closeTimeMs !== null && m.closeTimeMs - input.nowMs < rules.minTimeToCloseMs) {
      bareSkip(m.ticker, REASON.min_time_to_close_guard, `closes in ${Math.round((m.closeTimeMs - input.nowMs) / 60_000)} min`);
      continue;
    }
    const est = byTicker.get(m.ticker);
    if (!est) {
      const budget = input.budgetSkips?.[m.ticker];
      if (budget !== undefined) bareSkip(m.ticker, REASON.llm_budget_guard, budget);
      else bareSkip(m.ticker, REASON.no_estimate_guard, input.noEstimateDetails?.[m.ticker] ?? 'the model gave no estimate for this market');
      continue;
    }
    const entry = evaluateEntry(est, m, rules);
    if (entry.edgeMicros !== null && (bestEdge === null || entry.edgeMicros > bestEdge)) bestEdge = entry.edgeMicros;
    if (isSkip(entry)) {
      decisions.push({
        cycle, decision: 'skip', ticker: m.ticker, side: entry.side, fairValuePpm: entry.fairPpm, priceMicros: entry.priceMicros, edgeMicros: entry.edgeMicros,
        confidencePpm: est.confidencePpm, countCentis: entry.countCentis, reason: entry.code, detail: entry.detail,
      });
      continue;
    }
    const bench = benchedEntry(input.benched ?? [], est.source, m.seriesTicker);
    if (bench) {
      benchedSkips += 1;
      skipRecord({
        ticker: m.ticker, side: entry.side, fairValuePpm: entry.fairPpm, priceMicros: entry.priceMicros, edgeMicros: entry.edgeMicros,
        confidencePpm: est.confidencePpm, countCentis: 0, reason: REASON.model_underperforms_market_guard,
        detail: `model ${est.source} is benched${bench.series === null ? '' : ` in series ${bench.series}`}: worse than the market (clear-halt ${REASON.model_underperforms_market_guard} --model ${bench.model}${bench.series === null ? '' : ` --series ${bench.series}`})`,
      });
      continue;
    }
    opportunities += 1;
    const s = sizeOrder(
      {
        opportunity: entry,
        market: m,
        capitalBaseMicros: input.capital.capitalBaseMicros,
        marketExposureMicros: input.marketExposure[m.ticker] ?? 0,
        exposureRoomMicros: input.capital.exposureRoomMicros,
        dailyNewRoomMicros: input.capital.dailyNewRoomMicros,
        countStepCentis: rules.countStepCentis,
      },
      rules,
    );
    if (isSkip(s)) {
      decisions.push({
        cycle, decision: 'skip', ticker: m.ticker, side: s.side, fairValuePpm: s.fairPpm, priceMicros: s.priceMicros, edgeMicros: s.edgeMicros,
        confidencePpm: est.confidencePpm, countCentis: s.countCentis, reason: s.code, detail: s.detail,
      });
      continue;
    }
    sized.push(s);
  }

  // Exits: the scan's snapshot of a held market, else the one fetched for it. Their own skips are recorded here.
  const exitMarkets = input.heldMarkets?.length ? [...input.markets, ...input.heldMarkets] : input.markets;
  const exits = exitIntents(input.positions ?? [], exitMarkets, input.estimates, {
    policy: input.exitPolicy ?? 'hold',
    minEdge: rules.minEdge,
    countStepCentis: rules.countStepCentis,
  });
  for (const x of exits.skips) {
    skipRecord({
      ticker: x.ticker, side: x.side, fairValuePpm: x.fairPpm, priceMicros: x.priceMicros, edgeMicros: x.edgeMicros,
      confidencePpm: x.confidencePpm, countCentis: x.countCentis, reason: x.code, detail: x.detail,
    });
  }

  const guarded = safeGuardCycle({
    ...input.guard,
    nowMs: input.nowMs,
    cycle,
    capitalBaseMicros: input.capital.capitalBaseMicros,
    intents: [...exits.intents, ...sized],
    exposure: input.exposure,
    caps: input.caps,
    tradesToday: input.tradesToday,
  });
  const intentRecord = (i: OrderIntent, decision: 'order' | 'skip', reason: string | null, detail: string | null): DecisionRecord => ({
    cycle, ticker: i.ticker, side: i.side, fairValuePpm: i.fairPpm, priceMicros: i.priceMicros, edgeMicros: i.edgeMicros,
    confidencePpm: i.confidencePpm, countCentis: i.countCentis, decision, reason, detail,
  });
  for (const sk of guarded.skipped) decisions.push(intentRecord(sk.intent, 'skip', sk.code, sk.detail));

  // Scope check #2, the last one before execution (and #3 runs inside the execute activity itself).
  const intents: OrderIntent[] = [];
  // Only the kept intents' markets (the first snapshot of a ticker wins), not a map of every market in the cycle.
  const marketOf = new Map<string, MarketSnapshot>();
  const wanted = new Set(guarded.kept.map((i) => i.ticker));
  for (const m of exitMarkets) {
    if (wanted.size === marketOf.size) break;
    if (wanted.has(m.ticker) && !marketOf.has(m.ticker)) marketOf.set(m.ticker, m);
  }
  for (const i of guarded.kept) {
    const m = marketOf.get(i.ticker);
    const inScope = m !== undefined && isMarketInAllowedScope(m, input.scope, input.mode);
    if (!inScope) decisions.push(intentRecord(i, 'skip', REASON.final_scope_guard, 'outside the allowed scope at the final check'));
    else {
      intents.push(i);
      decisions.push(intentRecord(i, 'order', null, null));
    }
  }

  const skipped: Record<string, number> = {};
  for (const d of decisions) if (d.decision === 'skip' && d.reason) skipped[d.reason] = (skipped[d.reason] ?? 0) + 1;
  const { kept: _k, skipped: _s, ...verdict } = guarded;
  return {
    intents,
    decisions,
    verdict,
    counts: { estimates: input.estimates.length, opportunities, exits: exits.intents.length, skipped },
    bestEdgeMicros: bestEdge,
    whyNoTrade: intents.length > 0 ? null : whyNoTrade(input, bestEdge, guarded, opportunities === 0 ? benchedSkips : 0),
  };
}

function whyNoTrade(input: DecideInput, bestEdge: number | null, g: GuardCycleResult, benched: number): string {
  const unbudgeted = input.markets.filter((m) => input.budgetSkips?.[m.ticker] !== undefined && !input.estimates.some((e) => e.ticker === m.ticker)).length;
  const note = [input.estimateNote ?? null, unbudgeted > 0 ? `budget reached: ${unbudgeted} without estimates` : null].filter((x) => x !== null).join('; ');
  const head = `${input.markets.length} in scope, ${input.estimates.length} estimates${note ? ` (${note})` : ''}`;
  if (g.blockedBy) return `${head}; new orders blocked by ${g.blockedBy}`;
  if (input.markets.length === 0) return 'no market in scope';
  if (bestEdge === null) return `${head}, no tradeable quote`;
  if (bestEdge < input.rules.minEdge) return `${head}, best edge ${$(bestEdge)} < min_edge ${$(input.rules.minEdge)}`;
  if (benched > 0) return `${head}, edges found but the model is benched (${REASON.model_underperforms_market_guard} × ${benched})`;
  const top = Object.entries(g.skipped.reduce<Record<string, number>>((a, s) => ({ ...a, [s.code]: (a[s.code] ?? 0) + 1 }), {}))
    .sort((a, b) => b[1] - a[1])[0];
  return top ? `${head}, edges found but refused (${top[0]} × ${top[1]})` : `${head}, edges found but none could be sized`;
}
