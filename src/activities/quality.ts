/**
 * The quality step of the decide activity (docs/scoring.md): learn settled outcomes (the paper/live ledgers'
 * settlements, the scan's determined markets, then up to OUTCOME_READS_PER_CYCLE closed markets the lane estimated,
 * read from the venue), score one forecast per settled market, judge every model and {model, series} against the
 * market, and put the ones worse than the market with confidence on the persisted bench. Returns the bench list the
 * entry guard reads this cycle. Thin: the judgement is src/domain/scoring.
 */
import type { Logger } from 'pino';
import type { Config } from '../config';
import { REASON } from '../domain/reason-codes';
import { judgeModels, type BenchKey, type PairVerdict, type QualityRules } from '../domain/scoring';
import type { MarketSnapshot } from '../domain/trading-types';
import type { Store } from '../store';
import type { KalshiClient } from '../venues/kalshi';

export const OUTCOME_READS_PER_CYCLE = 50;

export function qualityRules(cfg: Pick<Config, 'quality'>): QualityRules {
  return { window: cfg.quality.window, benchConfidence: cfg.quality.bench_confidence, minSettled: cfg.quality.min_settled };
}

export interface QualityOutcome {
  bench: BenchKey[];
  verdicts: PairVerdict[];
  newlyBenched: BenchKey[];
}

export async function refreshQuality(
  deps: { venue: Pick<KalshiClient, 'getMarket'>; config: Pick<Config, 'quality'> },
  store: Store,
  logger: Logger,
  input: { nowMs: number; markets: readonly MarketSnapshot[] },
): Promise<QualityOutcome> {
  const q = store.quality;
  q.syncLedgerOutcomes();
  for (const m of input.markets) if (m.result !== null) q.recordOutcome(m.ticker, m.result, input.nowMs, 'scan');
  for (const ticker of q.pendingOutcomes(input.nowMs, OUTCOME_READS_PER_CYCLE)) {
    try {
      const m = await deps.venue.getMarket(ticker);
      if (m.result === 'yes' || m.result === 'no') q.recordOutcome(ticker, m.result, input.nowMs, 'venue');
    } catch (err) {
      logger.warn({ ticker, err: (err as Error).message }, 'market outcome unreadable: scored later');
    }
  }
  const verdicts = judgeModels(q.forecasts(), qualityRules(deps.config), q.clears());
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
  return { bench: q.bench().map((b) => ({ model: b.model, series: b.series })), verdicts, newlyBenched };
}
