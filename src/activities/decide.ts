/**
 * decide: scope → fair value → opportunities → sizing → exits → guards → final scope, on the scan the workflow refers
 * to. Thin: loads the scan, the ledger and the open positions — paper in dry-run, the live ledger in live (held markets outside the scan are fetched from
 * the venue), asks the model, calls the pure `decideCycle`, stores estimates, decision records and the risk-guard
 * states, and returns only the intents (a handful) and counts.
 */
import type { Logger } from 'pino';
import type { ControlState } from '../domain/control';
import { decideCycle } from '../domain/decide';
import type { ExitPosition } from '../domain/exits';
import { heldSideBid } from '../domain/marking';
import type { HaltToLatch } from '../domain/risk-guards';
import { ceilTo, dollarsFromConfigNumber, formatDollars, formatDollarsExact } from '../domain/fixed';
import type { MarketSnapshot, OrderIntent } from '../domain/trading-types';
import type { Store } from '../store';
import { laneLedger, ledgerOptions } from './ledger-view';
import { recalibrateEstimates, refreshQuality } from './quality';
import { heldMarketSnapshot } from './held-markets';
import type { TradingDeps } from './trading-deps';

export interface DecideOutcome {
  intents: OrderIntent[];
  latch: HaltToLatch[];
  estimates: number;
  opportunities: number;
  /** Exit intents made this cycle (strategy.exit_policy take_profit), before the guards and the final scope check. */
  exits: number;
  skipped: Record<string, number>;
  bestEdge: string | null;
  whyNoTrade: string | null;
  guardError: string | null;
}

export async function decideOrders(
  t: TradingDeps,
  store: Store,
  logger: Logger,
  input: { firstRunId: string; cycle: number; nowMs: number; scanId: number; control: ControlState },
): Promise<DecideOutcome> {
  const { settings } = t;
  const scan = store.scans.get(input.scanId);
  if (!scan) throw new Error(`scan ${input.scanId} is not in the lane DB`);
  const ref = { firstRunId: input.firstRunId, cycle: input.cycle };
  const cfg = settings.config;
  const exitPolicy = cfg.strategy.exit_policy;

  // Marks (and exits) for held markets outside this scan come from the venue (never invented).
  const known = new Map<string, MarketSnapshot>(scan.markets.map((m) => [m.ticker, m]));
  // The lane's own ledger by run mode: the paper store in dry-run, reconciliation's live ledger and the journal in live.
  const lane = laneLedger(settings.mode, store, ledgerOptions(settings.fixed, input.nowMs));
  const held = lane.held();
  const heldMarkets: MarketSnapshot[] = [];
  for (const p of held) {
    if (known.has(p.ticker)) continue;
    try {
      const m = await heldMarketSnapshot(t.venue, p.ticker);
      known.set(p.ticker, m);
      heldMarkets.push(m);
    } catch (err) {
      logger.warn({ ticker: p.ticker, err: (err as Error).message }, 'held market unreadable: marked at cost, no exit');
    }
  }

  // With take_profit the model also values the held markets outside the scan (active ones with a quote on the held
  // side): an exit needs a fair value. Never for an entry: decideCycle enters only from the scan's markets.
  const quoted = (m: MarketSnapshot) => m.status === 'active' && m.result === null && held.some((p) => p.ticker === m.ticker && heldSideBid(m, p.side) !== null);
  const toValue = exitPolicy === 'take_profit' ? [...scan.markets, ...heldMarkets.filter(quoted)] : scan.markets;
  const est = await t.model.estimate({ markets: toValue, nowMs: input.nowMs, cycle: input.cycle, firstRunId: input.firstRunId, llmLedger: store.llm });
  for (const s of est.skipped) logger.info({ cycle: input.cycle, ticker: s.ticker, reason: s.reason, detail: s.detail }, 'estimate_skipped');
  // Scoring and the model bench (docs/scoring.md): outcomes learnt, models judged, the bench list the entry guard reads;
  // then the optional recalibration (quality.recalibrate), fitted on markets settled by now only.
  const quality = await refreshQuality({ venue: t.venue, config: cfg }, store, logger, { nowMs: input.nowMs, markets: scan.markets });
  const cal = recalibrateEstimates(est.estimates, quality.forecasts, { kind: cfg.quality.recalibrate, minSettled: cfg.quality.min_settled, nowMs: input.nowMs });
  // An ensemble's members' own estimates (views) are stored beside the combined one (each under its model name), and
  // so are the calibrated twins.
  store.decisions.recordEstimates(ref, [...est.estimates, ...(est.views ?? []), ...cal.calibrated], [...known.values()]);
  const budgetSkips: Record<string, string> = {};
  for (const s of est.skipped) if (s.reason === 'budget_exhausted' && s.ticker !== null) budgetSkips[s.ticker] = s.detail;
  // The model's own reason for a market without an estimate (the first specific one) goes into its decision record.
  const noEstimateDetails: Record<string, string> = {};
  for (const s of est.skipped) {
    if (s.ticker !== null && s.reason !== 'no_estimate' && s.reason !== 'budget_exhausted' && noEstimateDetails[s.ticker] === undefined) noEstimateDetails[s.ticker] = `${s.reason}: ${s.detail}`;
  }

  // What an exit may sell: the held count minus what resting sells already promise (the paper executor refuses more).
  const resting = lane.open().filter((o) => o.action === 'sell');
  const positions: ExitPosition[] = held
    .map((p) => {
      const promised = resting.filter((o) => o.ticker === p.ticker && o.side === p.side).reduce((n, o) => n + o.remainingCentis, 0);
      return { ticker: p.ticker, eventTicker: p.eventTicker, side: p.side, countCentis: p.countCentis - promised, costMicros: p.costMicros };
    })
    .filter((p) => p.countCentis > 0);

  const f = settings.fixed;
  const ledger = lane.view((ticker) => known.get(ticker) ?? null);
  const risk = store.risk.read();
  const drawdown = cfg.risk.max_drawdown_fraction;
  const r = decideCycle({
    cycle: input.cycle,
    nowMs: input.nowMs,
    mode: settings.mode,
    scope: settings.scope,
    markets: scan.markets,
    estimates: cal.forDecision,
    positions,
    heldMarkets,
    exitPolicy,
    rules: {
      minEdge: f.minEdge,
      minConfidencePpm: f.minConfidencePpm,
      heavyFavoriteYesPriceThreshold: f.heavyFavoriteYesPriceThreshold,
      heavyFavoriteBuyNoMinEdge: f.heavyFavoriteBuyNoMinEdge,
      heavyFavoriteBuyNoMinConfidencePpm: f.heavyFavoriteBuyNoMinConfidencePpm,
      allowFeeMultipliers: cfg.strategy.allow_fee_multipliers,
      maxKellyFractionPpm: f.maxKellyFractionPpm,
      maxPositionSize: f.maxPositionSize,
      minTimeToCloseMs: cfg.execution.min_time_to_close_seconds * 1000,
    },
    capital: ledger.capital,
    marketExposure: ledger.marketExposure,
    exposure: ledger.exposure,
    caps: {
      maxOrdersPerCycle: cfg.risk.max_orders_per_cycle,
      maxNotionalPerCycleMicros: f.maxNotionalPerCycle,
      maxTradesPerMarketPerDay: cfg.risk.max_trades_per_market_per_day,
      maxPositions: cfg.risk.max_positions,
    },
    tradesToday: ledger.tradesToday,
    // "12 estimates (llm, $0.42)": a model that charges says what this cycle cost (rounded up to the cent).
    estimateNote: est.costMicros === undefined ? null : `${t.model.name}, $${formatDollars(ceilTo(est.costMicros, 10_000), 2)}`,
    budgetSkips,
    noEstimateDetails,
    benched: quality.bench,
    guard: {
      control: input.control,
      dailyLoss: risk.dailyLoss,
      drawdown: risk.drawdown,
      failureCooldown: risk.failureCooldown,
      limits: {
        dailyLossLimitFractionPpm: f.dailyLossLimitFractionPpm,
        maxDrawdownFractionPpm: drawdown === null ? null : dollarsFromConfigNumber(drawdown, 'risk.max_drawdown_fraction'),
        failureStreakCooldownThreshold: cfg.risk.failure_streak_cooldown_threshold,
        failureCooldownCycles: cfg.risk.failure_cooldown_cycles,
      },
    },
  });
  store.decisions.record(ref, input.nowMs, r.decisions);
  if (!r.verdict.error) store.risk.write({ dailyLoss: r.verdict.dailyLoss, drawdown: r.verdict.drawdown }, input.nowMs);
  for (const d of r.decisions) {
    if (d.decision === 'skip') logger.info({ cycle: input.cycle, ticker: d.ticker, side: d.side, code: d.reason, detail: d.detail }, 'decision_skip');
    else logger.info({ cycle: input.cycle, ticker: d.ticker, side: d.side, count: d.countCentis, price: d.priceMicros }, 'decision_order');
  }
  return {
    intents: r.intents,
    latch: r.verdict.latch,
    estimates: r.counts.estimates,
    opportunities: r.counts.opportunities,
    exits: r.counts.exits,
    skipped: r.counts.skipped,
    bestEdge: r.bestEdgeMicros === null ? null : formatDollarsExact(r.bestEdgeMicros),
    whyNoTrade: r.whyNoTrade,
    guardError: r.verdict.error,
  };
}
