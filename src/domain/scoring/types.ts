/**
 * Forecast scoring vocabulary (types only, importable by workflow code). A ScoredForecast is ONE estimate of one
 * settled market by one model (hourly estimates of a market are not independent: one per market is scored), with the
 * market's own price at the same moment as the baseline. Probabilities are integer ppm; money is integer micros.
 * Scores computed from these are statistics (floats); nothing here ever feeds a ledger.
 */
import type { Side } from '../trading-types';

/** A trade the lane made on the market, when it traded it: what closing-line value, fees and P&L are read from. */
export interface ScoredTrade {
  side: Side;
  /** Average entry price of the side bought (micros per contract). */
  entryPriceMicros: number;
  countCentis: number;
  /** Fees paid on the market (micros, whole position). */
  feeMicros: number;
  /** Net edge per contract the decision predicted at entry (micros). */
  predictedEdgeMicros: number;
  /** The side's price (mid) at the last estimate before close (micros); null when none was seen. */
  closingPriceMicros: number | null;
  /** Realised P&L of the position after settlement, fees included (micros). */
  pnlMicros: number;
}

export interface ScoredForecast {
  model: string;
  ticker: string;
  eventTicker: string;
  seriesTicker: string | null;
  category: string | null;
  /** The model's P(YES), ppm. */
  probabilityPpm: number;
  /** The market's P(YES) at the same decision: mid of the best YES bid/ask, ppm. */
  marketPpm: number;
  outcome: Side;
  /** When the estimate was made (logical-clock ms). */
  asOfMs: number;
  /** When the outcome became known (ms); windows are ordered by it. */
  settledAtMs: number;
  trade: ScoredTrade | null;
}

export interface CalibrationBucket {
  /** [lo, hi) in probability (the last bucket includes 1). */
  lo: number;
  hi: number;
  n: number;
  /** Mean forecast P(YES) in the bucket; null when empty. */
  meanForecast: number | null;
  /** Observed YES rate in the bucket; null when empty. */
  observedRate: number | null;
}

export interface TradeScores {
  /** Traded markets scored. */
  n: number;
  countCentis: number;
  /** Σ (closing price − entry price) × contracts (micros): positive = the market moved toward the position. */
  clvMicros: number;
  /** Σ fees (micros). */
  feeMicros: number;
  /** Σ predicted edge × contracts (micros). */
  predictedEdgeMicros: number;
  /** Σ realised P&L (micros): the edge actually captured, after fees. */
  pnlMicros: number;
}

export interface Interval {
  lo: number;
  hi: number;
  /** The two-sided confidence of the interval (e.g. 0.9). */
  confidence: number;
  resamples: number;
}

export interface ScoreSet {
  /** Settled markets scored. */
  n: number;
  /** Distinct events among them (the bootstrap's unit). */
  events: number;
  brier: number | null;
  marketBrier: number | null;
  logLoss: number | null;
  marketLogLoss: number | null;
  /** 1 − brier / marketBrier: > 0 beats the market; null when n = 0. */
  brierSkill: number | null;
  /** Bootstrap interval of brierSkill, resampled by event; null when n = 0 or not asked. */
  skillInterval: Interval | null;
  calibration: CalibrationBucket[];
  marketCalibration: CalibrationBucket[];
  traded: TradeScores;
}
