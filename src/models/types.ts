/**
 * Fair-value models: one interface for every source of fair values (signals-file, sim-oracle, cross-venue, llm, and
 * ensemble of those). A model is asked once per cycle for the markets in scope and may:
 *   - batch internally (one request per N markets), spend a per-cycle budget and stop early;
 *   - return no estimate for some markets (each such market appears in `skipped` with a reason);
 *   - skip its own bad input (a malformed signal line, an out-of-range value) with a reason and a detail.
 * A model THROWS (a ModelError) only when the whole cycle's estimates cannot be trusted (missing file, oracle down):
 * the cycle records the error with its stage and the next cycle runs.
 *
 * Probabilities are integer ppm; no float leaves a model.
 */
import type { Estimate, MarketSnapshot } from '../domain/trading-types';
import { FixedPointError, parseDollars } from '../domain/fixed';
import type { LlmStore } from '../store/llm-store';

/** The lane DB's LLM ledger as a model sees it (the llm model needs it; others ignore it). */
export type LlmLedgerPort = Pick<LlmStore, 'spend' | 'reserve' | 'settle' | 'lost' | 'refused' | 'settledReply' | 'cachedEstimate' | 'putEstimate'>;

export interface EstimateRequest {
  /** The markets to estimate (already in scope). A model never returns an estimate for a ticker not listed here. */
  markets: MarketSnapshot[];
  /** The cycle's logical clock (staleness is judged against it). */
  nowMs: number;
  cycle: number;
  /** The lane's first run id (with `cycle`, the budget's key). Required by the llm model. */
  firstRunId?: string;
  /** The lane DB's LLM budget ledger. Required by the llm model (a call is never made without a reservation). */
  llmLedger?: LlmLedgerPort;
}

/** Why a model produced no estimate for a market, or dropped one of its inputs. */
export type ModelSkipReason =
  | 'signal_malformed'
  | 'signal_out_of_range'
  | 'signal_unknown_ticker'
  | 'signal_stale'
  | 'signal_from_future'
  | 'signal_superseded'
  | 'oracle_malformed'
  | 'oracle_out_of_range'
  | 'oracle_unknown_ticker'
  | 'budget_exhausted'
  | 'llm_invalid_reply'
  | 'ensemble_too_few_members'
  | 'no_estimate';

export interface EstimateSkip {
  /** The market concerned; null when the input could not be tied to one (e.g. a line that is not JSON). */
  ticker: string | null;
  reason: ModelSkipReason | string;
  /** One line naming the offending input (e.g. `line 7: probability: must be …`). */
  detail: string;
}

export interface EstimateResult {
  /** At most one estimate per requested ticker, in the order of `markets`. */
  estimates: Estimate[];
  skipped: EstimateSkip[];
  /** Short human lines for the cycle summary (counts, budget spent). */
  notes: string[];
  /** What the model charged this cycle (micros; the llm model and an ensemble holding one); absent = free. */
  costMicros?: number;
  /** Members' own estimates behind an ensemble's (stored with the cycle's estimates; never decided on). */
  views?: Estimate[];
}

export interface FairValueModel {
  /** The `source` of its estimates, e.g. `signals-file`. */
  readonly name: string;
  estimate(req: EstimateRequest): Promise<EstimateResult>;
}

/** The whole cycle's estimates failed (a cycle error, never a crash). */
export class ModelError extends Error {
  constructor(readonly model: string, message: string) {
    super(message);
    this.name = 'ModelError';
  }
}

/** The model cannot be used in this environment or configuration (thrown by constructors / createModel). */
export class ModelConfigError extends Error {
  constructor(readonly model: string, readonly field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ModelConfigError';
  }
}

export const PPM_ONE = 1_000_000;

/**
 * A probability given as a JSON number or a decimal string to exact ppm, through its decimal text (no float
 * multiplication): 0.62 → 620000, "0.625" → 625000. More than 6 decimals or an exponent form is an error, not a
 * rounding. Range is checked by the caller.
 */
export function ppmFromDecimal(value: number | string, field: string): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new FixedPointError(field, value, 'not a finite number');
    // String(n) is the shortest text that round-trips: the decimal the writer wrote (0.62 → "0.62").
    const text = String(value);
    if (/e/i.test(text)) throw new FixedPointError(field, value, 'cannot be held exactly in ppm (more than 6 decimals)');
    return parseDollars(text, field);
  }
  return parseDollars(value, field);
}

/** Strict ISO-8601 instant with a zone (`2026-09-01T12:00:00Z`, `…T12:00:00.5+02:00`) → ms; null when not one. */
export function parseIsoInstant(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : null;
}

/** A market of the request that got no estimate: one `no_estimate` skip each, in request order. */
export function missingEstimates(markets: MarketSnapshot[], estimates: Estimate[], model: string): EstimateSkip[] {
  const have = new Set(estimates.map((e) => e.ticker));
  return markets.filter((m) => !have.has(m.ticker)).map((m) => ({ ticker: m.ticker, reason: 'no_estimate', detail: `${model}: no estimate for ${m.ticker}` }));
}

/** Count skips by reason, e.g. `{ signal_stale: 2 }`. */
export function countByReason(skipped: EstimateSkip[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of skipped) out[s.reason] = (out[s.reason] ?? 0) + 1;
  return out;
}

/** A reasoning line fit for logs and the DB: one line, at most 240 chars. */
export function oneLine(text: string, max = 240): string {
  const s = text.replace(/\s+/g, ' ').trim();
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
