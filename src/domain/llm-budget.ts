/**
 * The LLM budget, pure: what a call may cost at worst, what it cost, and whether a reservation fits the per-cycle and
 * per-day limits. Integer micro-dollars throughout (BigInt inside, rounded UP: the budget never under-counts).
 *
 *   worst case  = ceil(input_estimate × 1.2 + max_tokens) priced: input tokens at the input price, max_tokens at the
 *                 output price (a reply can never be longer than max_tokens)
 *   actual cost = usage input tokens (incl. cache writes and reads) × input price + output tokens × output price
 *   the day     = the UTC day of the lane's logical clock (never the wall clock)
 *
 * No I/O and no clock: the store applies these inside one SQLite transaction (src/store/llm-store.ts).
 */
import { formatDollars, type Micros } from './fixed';
import { ceilDiv, toSafeNumber } from './int';

export interface LlmPrices {
  /** Micro-dollars per million input tokens (`model.llm.input_cost_per_mtok` dollars × 1e6). */
  inputMicrosPerMtok: Micros;
  /** Micro-dollars per million output tokens (`model.llm.output_cost_per_mtok`). */
  outputMicrosPerMtok: Micros;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** Anthropic prompt caching: tokens written to / read from the cache (priced as input: never under-counted). */
  cacheCreationInputTokens?: number;
  cacheReadInputTokens?: number;
}

export interface BudgetLimits {
  /** `model.llm.cost_limit_per_cycle` in micros. */
  perCycleMicros: Micros;
  /** `model.llm.cost_limit_per_day` in micros (UTC day of the logical clock). */
  perDayMicros: Micros;
}

export interface BudgetSpend {
  /** Charged so far this cycle: settled costs + open and lost reservations. */
  cycleMicros: Micros;
  /** Charged so far on the UTC day. */
  dayMicros: Micros;
}

const MTOK = 1_000_000n;
const DAY_MS = 86_400_000;

function checkTokens(n: number, what: string): bigint {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number ≥ 0 (got ${String(n)})`);
  return BigInt(n);
}

/** ceil(tokens × price / 1e6) micros. */
export function tokensCostMicros(tokens: number, microsPerMtok: Micros): Micros {
  return toSafeNumber(ceilDiv(checkTokens(tokens, 'tokens') * checkTokens(microsPerMtok, 'price'), MTOK), 'token cost');
}

/**
 * A conservative input-token estimate of a prompt: one token per 3 UTF-8 bytes (real tokenizers average ~4 characters
 * per token on English text), plus a fixed overhead per message for the provider's framing.
 */
export function estimateInputTokens(parts: readonly string[]): number {
  const bytes = parts.reduce((n, p) => n + Buffer.byteLength(p, 'utf8'), 0);
  return Math.ceil(bytes / 3) + 16 * parts.length;
}

export interface WorstCase {
  /** ceil(input estimate × 1.2) */
  inputTokens: number;
  /** max_tokens */
  outputTokens: number;
  micros: Micros;
}

/** The reservation of one call: ((input estimate × 1.2) + max_tokens) at the configured prices, rounded up. */
export function worstCaseCost(inputEstimateTokens: number, maxTokens: number, prices: LlmPrices): WorstCase {
  const input = toSafeNumber(ceilDiv(checkTokens(inputEstimateTokens, 'input estimate') * 6n, 5n), 'input tokens');
  checkTokens(maxTokens, 'max_tokens');
  return {
    inputTokens: input,
    outputTokens: maxTokens,
    micros: tokensCostMicros(input, prices.inputMicrosPerMtok) + tokensCostMicros(maxTokens, prices.outputMicrosPerMtok),
  };
}

/** What a call cost from the provider's `usage` (cache tokens priced as input). */
export function usageCost(u: LlmUsage, prices: LlmPrices): Micros {
  const input = checkTokens(u.inputTokens, 'usage.input_tokens') + checkTokens(u.cacheCreationInputTokens ?? 0, 'usage.cache_creation_input_tokens') +
    checkTokens(u.cacheReadInputTokens ?? 0, 'usage.cache_read_input_tokens');
  return tokensCostMicros(toSafeNumber(input, 'input tokens'), prices.inputMicrosPerMtok) + tokensCostMicros(u.outputTokens, prices.outputMicrosPerMtok);
}

/** 00:00 UTC of the day holding `nowMs` (the logical clock). */
export function utcDayStartMs(nowMs: number): number {
  if (!Number.isSafeInteger(nowMs)) throw new RangeError(`nowMs must be an integer (got ${String(nowMs)})`);
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/** `YYYY-MM-DD` of the UTC day holding `nowMs`. */
export function utcDayKey(nowMs: number): string {
  return new Date(utcDayStartMs(nowMs)).toISOString().slice(0, 10);
}

export type BudgetRefusal = { limit: 'cycle' | 'day'; detail: string };

/** null when a reservation of `worstMicros` fits both limits; else which limit it would cross (the cycle first). */
export function reservationRefusal(spend: BudgetSpend, worstMicros: Micros, limits: BudgetLimits): BudgetRefusal | null {
  const $ = (m: Micros) => `$${formatDollars(m, 6)}`;
  if (spend.cycleMicros + worstMicros > limits.perCycleMicros) {
    return { limit: 'cycle', detail: `reservation ${$(worstMicros)} + spent ${$(spend.cycleMicros)} this cycle > cost_limit_per_cycle ${$(limits.perCycleMicros)}` };
  }
  if (spend.dayMicros + worstMicros > limits.perDayMicros) {
    return { limit: 'day', detail: `reservation ${$(worstMicros)} + spent ${$(spend.dayMicros)} today (UTC) > cost_limit_per_day ${$(limits.perDayMicros)}` };
  }
  return null;
}
