/**
 * The quality step of the decide activity (docs/scoring.md): learn settled outcomes (the paper/live ledgers'
 * settlements, the scan's determined markets, then up to OUTCOME_READS_PER_CYCLE closed markets the lane estimated,
 * read from the venue in a window that rotates each hour), score one forecast per settled market, judge every model
 * and {model, series} against the market, and put the ones worse than the market with confidence on the persisted
 * bench. Returns the bench list the entry guard reads this cycle. Thin: the judgement is src/domain/scoring.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import { REASON } from '../domain/reason-codes';
import {
  applyCalibration, calibratedModelName, fitCalibration, judgeModels, type BenchKey, type PairVerdict, type QualityRules, type RecalibrateKind,
  type ScoredForecast,
} from '../domain/scoring';
import type { Estimate } from '../domain/trading-types';
import type { MarketSnapshot } from '../domain/trading-types';
import type { Store } from '../store';
import type { KalshiClient } from '../venues/kalshi';

export const OUTCOME_READS_PER_CYCLE = 50;
/** At most this many pending markets are considered (oldest close first). */
export const PENDING_OUTCOMES_MAX = 5000;

/**
 * Which pending markets to read this cycle: a window of `per` that rotates with the hour of the logical clock, so a
 * market that never settles yes/no (scalar, voided, stuck) cannot starve the others; pure and deterministic.
 */
export function outcomeReadWindow(pending: readonly string[], nowMs: number, per = OUTCOME_READS_PER_CYCLE): string[] {
  if (pending.length <= per) return [...pending];
  const start = (Math.floor(nowMs / 3_600_000) * per) % pending.length;
  return Array.from({ length: per }, (_, i) => pending[(start + i) % pending.length]);
}

/** The judging rules of `quality.*` (recalibrate is not one of them). */
export type QualityConfig = { quality: Pick<Config['quality'], 'window' | 'bench_confidence' | 'min_settled'> };

export function qualityRules(cfg: QualityConfig): QualityRules {
  return { window: cfg.quality.window, benchConfidence: cfg.quality.bench_confidence, minSettled: cfg.quality.min_settled };
}

export interface QualityOutcome {
  /** Every scored forecast (one per model and settled market), as judged this cycle. */
  forecasts: ScoredForecast[];
  bench: BenchKey[];
  verdicts: PairVerdict[];
  newlyBenched: BenchKey[];
}

export async function refreshQuality(
  deps: { venue: Pick<KalshiClient, 'getMarket'>; config: QualityConfig },
  store: Store,
  logger: Logger,
  input: { nowMs: number; markets: readonly MarketSnapshot[] },
): Promise<QualityOutcome> {
  const q = store.quality;
  q.syncLedgerOutcomes();
  for (const m of input.markets) if (m.result !== null) q.recordOutcome(m.ticker, m.result, input.nowMs, 'scan');
  for (const ticker of outcomeReadWindow(q.pendingOutcomes(input.nowMs, PENDING_OUTCOMES_MAX), input.nowMs)) {
    try {
      const m = await deps.venue.getMarket(ticker);
      if (m.result === 'yes' || m.result === 'no') q.recordOutcome(ticker, m.result, input.nowMs, 'venue');
    } catch (err) {
      logger.warn({ ticker, err: (err as Error).message }, 'market outcome unreadable: scored later');
    }
  }
  const forecasts = q.forecasts();
  const verdicts = judgeModels(forecasts, qualityRules(deps.config), q.clears());
  const newlyBenched: BenchKey[] = [];
  for (const v of verdicts) {
    if (v.state !== 'bench') continue;
    if (q.addToBench(v, input.nowMs)) {
      newlyBenched.push({ model: v.model, series: v.series });
      logger.warn(
        { model: v.model, series: v.series, settled: v.settled, skill: v.skill, ci: v.interval },
        `model benched: worse than the market with confidence; its entries are refused (${REASON.model_underperforms_market_guard})`,
      );
    }
  }
  return { forecasts, bench: q.bench().map((b) => ({ model: b.model, series: b.series })), verdicts, newlyBenched };
}

/**
 * `quality.recalibrate`: each raw estimate of a model with at least `quality.min_settled` settled markets by now is
 * replaced, for the decision, by its calibrated twin (model `<model>:<kind>`, fitted on markets settled by `nowMs`
 * only); both are stored. A model without enough settled markets trades its raw estimate.
 */
export function recalibrateEstimates(
  estimates: readonly Estimate[],
  forecasts: readonly ScoredForecast[],
  cfg: { kind: RecalibrateKind; minSettled: number; nowMs: number },
): { forDecision: Estimate[]; calibrated: Estimate[] } {
  const { kind } = cfg;
  if (kind === 'none') return { forDecision: [...estimates], calibrated: [] };
  const fits = new Map<string, ReturnType<typeof fitCalibration>>();
  const calibrated: Estimate[] = [];
  const forDecision = estimates.map((e) => {
    if (!fits.has(e.source)) fits.set(e.source, fitCalibration(forecasts, e.source, kind, cfg.nowMs, cfg.minSettled));
    const fit = fits.get(e.source)!;
    if (!fit) return e;
    const ppm = applyCalibration(fit, e.probabilityPpm);
    const c: Estimate = { ...e, source: calibratedModelName(e.source, kind), probabilityPpm: ppm, reasoning: `${kind} of ${e.source} ${e.probabilityPpm} ppm → ${ppm} ppm (fitted on ${fit.fittedOn} settled markets); ${e.reasoning}` };
    calibrated.push(c);
    return c;
  });
  return { forDecision, calibrated };
}
