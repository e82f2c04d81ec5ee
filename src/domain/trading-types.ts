/**
 * The decision pipeline's shared vocabulary (types only, importable by workflow code). Money and prices are Micros
 * (integer 1e-6 $ per contract for prices), counts are Centis (integer 1e-2 contracts), probabilities and fractions
 * are integer parts per million (ppm, 1_000_000 = 1). No float ever appears in these shapes.
 */
import type { Centis, Micros } from './fixed';

export type Side = 'yes' | 'no';
export type Action = 'buy' | 'sell';

/** A fair value of one market from one model (src/models). */
export interface Estimate {
  ticker: string;
  /** P(YES) in ppm, strictly inside (0, 1_000_000). */
  probabilityPpm: number;
  /** The model's confidence in ppm, [0, 1_000_000]. */
  confidencePpm: number;
  /** Which model produced it, e.g. `signals-file`, `sim-oracle`. */
  source: string;
  /** When the estimate was made (logical-clock ms). */
  asOfMs: number;
  /** One short line; never a secret. */
  reasoning: string;
}

/**
 * What a market settles on, verbatim from the exchange (the LLM model's prompt carries it: a forecast of another
 * question than the one the market settles on is worthless). Text only; times are the exchange's ISO strings.
 */
export interface MarketTerms {
  title: string | null;
  yesSubTitle: string | null;
  noSubTitle: string | null;
  eventTitle: string | null;
  eventSubTitle: string | null;
  rulesPrimary: string | null;
  rulesSecondary: string | null;
  /** The series' settlement sources as `name (url)`. */
  settlementSources: string[];
  closeTime: string | null;
  expectedExpirationTime: string | null;
  latestExpirationTime: string | null;
  strikeType: string | null;
  floorStrike: string | null;
  capStrike: string | null;
}

/** What the decision step needs of a market (a snapshot taken by the scan). */
export interface MarketSnapshot {
  ticker: string;
  eventTicker: string;
  /** From the event (`series_ticker`); null when the event could not be read. */
  seriesTicker: string | null;
  status: string;
  closeTimeMs: number | null;
  /** Best quotes; null = no quote (size 0, or price 0/1), never tradeable. */
  yesBid: { price: Micros; size: Centis } | null;
  yesAsk: { price: Micros; size: Centis } | null;
  lastPrice: Micros | null;
  volume: Centis;
  openInterest: Centis;
  /** The market's tick grid (Kalshi `price_ranges`); empty = 1¢ linear. */
  priceRanges: { start: Micros; end: Micros; step: Micros }[];
  /** Fee facts of the series/event. */
  feeType: string;
  feeMultiplierPpm: number;
  /** A non-default multiplier or a pending fee change on the series/event. */
  feeUnverified: boolean;
  /** `yes` | `no` once determined, else null. */
  result: 'yes' | 'no' | null;
  /** What the market settles on (kept by the scan since issue 15; absent on older stored scans). */
  terms?: MarketTerms;
  /** The series' (else the event's) category, for scores by category (docs/scoring.md); absent on older stored scans. */
  category?: string | null;
}

/** A sized order the pipeline wants to place (the workflow indexes these to build client order ids). */
export interface OrderIntent {
  ticker: string;
  eventTicker: string;
  side: Side;
  action: Action;
  /** Limit price of the held side, on the tick grid, never 0 or 1. */
  priceMicros: Micros;
  countCentis: Centis;
  /** The fair value of the side bought (ppm). */
  fairPpm: number;
  /** Net edge per contract after fees (micros per contract). */
  edgeMicros: Micros;
  confidencePpm: number;
  /** Exits only. */
  reduceOnly: boolean;
  /** Estimated fee for the whole order (micros). */
  feeMicros: Micros;
}

/** One row per market considered per cycle: why the bot did or did not trade it. */
export interface DecisionRecord {
  cycle: number;
  ticker: string;
  side: Side | null;
  fairValuePpm: number | null;
  priceMicros: Micros | null;
  edgeMicros: Micros | null;
  confidencePpm: number | null;
  countCentis: Centis;
  decision: 'order' | 'skip';
  /** A registered reason code (src/domain/reason-codes.ts) for a skip; null for an order. */
  reason: string | null;
  detail: string | null;
}

/**
 * An intent a pure step (de-duplication, risk guards, per-cycle caps) refused: enough for the caller to write its
 * DecisionRecord (`decision: 'skip'`) and one log line.
 */
export interface IntentSkip {
  ticker: string;
  side: Side;
  /** A registered reason code (src/domain/reason-codes.ts). */
  code: string;
  /** One short line: which rule, which numbers. Never a secret. */
  detail: string;
  /** The refused intent itself (price, fair value, edge, size for the decision record). */
  intent: OrderIntent;
}

/** What a pure filtering step returns: the intents it kept and one skip per intent it refused. */
export interface IntentFilterResult {
  kept: OrderIntent[];
  skipped: IntentSkip[];
}

/**
 * A side worth sizing (src/domain/edge.ts): the ask of that side, the fair value of that side and the net edge per
 * contract after the unrounded taker fee. Sizing recomputes the edge with the rounded fee of the final count.
 */
export interface Opportunity {
  ticker: string;
  eventTicker: string;
  side: Side;
  /** The side's own best ask (YES: yes ask; NO: 1 − best YES bid), on the grid, never 0 or 1. */
  priceMicros: Micros;
  /** Visible size at that ask. */
  askSizeCentis: Centis;
  /** Fair value of the side bought (ppm = micros per contract: a contract pays $1). */
  fairPpm: number;
  /** fair − ask − unrounded taker fee per contract (micros per contract, floor). */
  edgeMicros: Micros;
  confidencePpm: number;
}

/**
 * Why one decision (market/side) was not taken before an intent existed (edge, sizing): a registered code and one
 * line, plus what is known for the DecisionRecord. (Skips of an existing intent are IntentSkip.)
 */
export interface DecisionSkip {
  kind: 'skip';
  ticker: string;
  /** A registered reason code (`REASON.*`, src/domain/reason-codes.ts). */
  code: string;
  /** One short line: which rule, which numbers. Never a secret. */
  detail: string;
  side: Side | null;
  priceMicros: Micros | null;
  fairPpm: number | null;
  edgeMicros: Micros | null;
  /** The size reached before the refusal (0 when none). */
  countCentis: Centis;
}

/**
 * The readable result of one cycle (stored in `cycles.summary_json`, shown by status, the heartbeat and the Web UI).
 * Counts only, never blobs: scans, books and estimates live in the lane DB, referred to by id.
 */
export interface CycleSummary {
  scanId: number | null;
  scanned: number;
  inScope: number;
  estimates: number;
  opportunities: number;
  /** Orders placed this cycle (paper or live). */
  orders: number;
  fills: number;
  /** Skips by reason code, e.g. {min_edge_guard: 12}. */
  skipped: Record<string, number>;
  /** Best net edge seen this cycle (dollars per contract, decimal text), or null. */
  bestEdge: string | null;
  /** One line when the cycle placed nothing: "18 in scope, 18 estimates, best edge 0.04 < min_edge 0.10". */
  whyNoTrade: string | null;
  /** Paper/live ledger after the cycle, fixed-point decimal text. */
  cash: string | null;
  equity: string | null;
  exposure: string | null;
  openPositions: number;
  restingOrders: number;
  /** The pipeline stage that failed, when the cycle failed. */
  failedStage: string | null;
  /**
   * Live lanes: the cycle's cancels of resting orders (TTL / before close / kill switch; src/workflows/cancel-step.ts);
   * `failed` counts failed cancel activities too. Absent when none ran (dry-run, older histories).
   */
  cancels?: { requested: number; canceled: number; gone: number; retry: number; failed: number };
}
