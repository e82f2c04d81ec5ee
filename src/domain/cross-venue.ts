/**
 * Cross-venue fair value, the pure part (src/models/cross-venue.ts does the I/O): does a Polymarket market match the
 * Kalshi market it is mapped to, and what is the mapped outcome's book worth as an estimate. Integers only: prices
 * and sizes are micros / micro-shares, similarities and confidences ppm.
 *
 *   questionSimilarityPpm(a, b)    token-set Jaccard of the normalised questions (lower case, accents and punctuation
 *                                  dropped, `°`/`%` kept as words), 1_000_000 = the same words
 *   checkMatch(...)                question similarity ≥ min, |Polymarket endDate − Kalshi close| ≤ tolerance
 *   assessBook(book, nowMs, lim)   mid = (best bid + best ask) / 2 (floored to a micro); refused when one side is
 *                                  empty, crossed, older than max age (or > 60 s in the future), wider than max spread,
 *                                  thinner than min depth at either best level
 *   confidence = base × (1 − spread / (2·max_spread)) × min(1, depth / (2·min_depth)) × (1 − age / (2·max_age))
 *                each factor in [0.5, 1] for a book that passed, floored at each step
 */
import { formatDollars, formatDollarsExact, type Micros } from './fixed';

export const PPM = 1_000_000;
/** A book timestamp up to this far after the cycle's clock is accepted (clock skew); beyond it is stale. */
export const BOOK_FUTURE_TOLERANCE_MS = 60_000;

export type CrossVenueRefusal =
  | 'cross_venue_question_mismatch'
  | 'cross_venue_end_date_mismatch'
  | 'cross_venue_no_quote'
  | 'cross_venue_crossed_book'
  | 'cross_venue_stale'
  | 'cross_venue_wide_spread'
  | 'cross_venue_thin_book';

export interface Refusal { reason: CrossVenueRefusal; detail: string }

export function normalizeQuestion(text: string): string[] {
  const s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/°/g, ' deg ').replace(/%/g, ' pct ');
  return s.split(/[^a-z0-9.]+/).map((w) => w.replace(/^\.+|\.+$/g, '')).filter(Boolean);
}

export function questionSimilarityPpm(a: string, b: string): number {
  const x = new Set(normalizeQuestion(a));
  const y = new Set(normalizeQuestion(b));
  if (x.size === 0 && y.size === 0) return PPM;
  let inter = 0;
  for (const w of x) if (y.has(w)) inter += 1;
  const union = x.size + y.size - inter;
  return Math.floor((inter * PPM) / union);
}

export interface MatchLimits {
  minQuestionSimilarityPpm: number;
  endDateToleranceMs: number;
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.000Z$/, 'Z');

/** Is the Polymarket market the mapped one? null = it matches; else the first reason it does not. */
export function checkMatch(
  m: { mappedQuestion: string; polymarketQuestion: string; polymarketEndMs: number | null; kalshiCloseMs: number | null },
  lim: MatchLimits,
): Refusal | null {
  const sim = questionSimilarityPpm(m.mappedQuestion, m.polymarketQuestion);
  if (sim < lim.minQuestionSimilarityPpm) {
    return {
      reason: 'cross_venue_question_mismatch',
      detail: `Polymarket asks ${JSON.stringify(m.polymarketQuestion.slice(0, 120))}, the mapping says ${JSON.stringify(m.mappedQuestion.slice(0, 120))} (similarity ${formatDollarsExact(sim)} < question_min_similarity ${formatDollarsExact(lim.minQuestionSimilarityPpm)})`,
    };
  }
  if (m.polymarketEndMs === null || m.kalshiCloseMs === null) {
    return { reason: 'cross_venue_end_date_mismatch', detail: `cannot compare end dates: ${m.polymarketEndMs === null ? 'Polymarket sends no endDate' : 'the Kalshi market has no close time'}` };
  }
  const diff = Math.abs(m.polymarketEndMs - m.kalshiCloseMs);
  if (diff > lim.endDateToleranceMs) {
    return {
      reason: 'cross_venue_end_date_mismatch',
      detail: `Polymarket ends ${iso(m.polymarketEndMs)}, Kalshi closes ${iso(m.kalshiCloseMs)}: ${Math.round(diff / 3_600_000)} h apart (tolerance ${Math.round(lim.endDateToleranceMs / 1000)} s)`,
    };
  }
  return null;
}

export interface BookLimits {
  maxBookAgeMs: number;
  /** micros; > 0 */
  maxSpread: Micros;
  /** micro-shares at each best level; 0 = no minimum */
  minDepth: number;
  /** The confidence of a perfect book (ppm). */
  baseConfidencePpm: number;
}

export interface BookAssessment {
  midPpm: number;
  confidencePpm: number;
  spread: Micros;
  depth: number;
  ageMs: number;
}

const d4 = (micros: number) => formatDollarsExact(micros);
/** micro-shares → "219.217767" / "50" (exact). */
const sharesText = (n: number) => formatDollars(n, 6).replace(/\.?0+$/, '');

export function assessBook(
  book: { bids: { price: Micros; size: number }[]; asks: { price: Micros; size: number }[]; timestampMs: number },
  nowMs: number,
  lim: BookLimits,
): BookAssessment | Refusal {
  const bid = book.bids[0];
  const ask = book.asks[0];
  if (!bid || !ask) return { reason: 'cross_venue_no_quote', detail: `the book has no ${!bid && !ask ? 'bids or asks' : !bid ? 'bids' : 'asks'}` };
  if (bid.price >= ask.price) return { reason: 'cross_venue_crossed_book', detail: `best bid ${d4(bid.price)} ≥ best ask ${d4(ask.price)}` };
  const ageMs = nowMs - book.timestampMs;
  if (ageMs > lim.maxBookAgeMs) return { reason: 'cross_venue_stale', detail: `the book is ${Math.floor(ageMs / 1000)} s old (max ${Math.floor(lim.maxBookAgeMs / 1000)} s)` };
  if (-ageMs > BOOK_FUTURE_TOLERANCE_MS) return { reason: 'cross_venue_stale', detail: `the book's timestamp is ${Math.floor(-ageMs / 1000)} s after the cycle's clock` };
  const spread = ask.price - bid.price;
  if (spread > lim.maxSpread) return { reason: 'cross_venue_wide_spread', detail: `spread ${d4(spread)} (bid ${d4(bid.price)}, ask ${d4(ask.price)}) is wider than ${d4(lim.maxSpread)}` };
  const depth = Math.min(bid.size, ask.size);
  if (depth < lim.minDepth) return { reason: 'cross_venue_thin_book', detail: `${sharesText(depth)} shares at the best ${bid.size <= ask.size ? 'bid' : 'ask'}, fewer than min_depth ${sharesText(lim.minDepth)}` };
  const age = Math.max(0, ageMs);
  const s = PPM - Math.floor((spread * PPM) / (2 * lim.maxSpread));
  const d = lim.minDepth <= 0 ? PPM : Math.min(PPM, Math.floor((depth * PPM) / (2 * lim.minDepth)));
  const a = lim.maxBookAgeMs <= 0 ? PPM : PPM - Math.floor((age * PPM) / (2 * lim.maxBookAgeMs));
  let c = lim.baseConfidencePpm;
  for (const f of [s, d, a]) c = Math.floor((c * f) / PPM);
  return { midPpm: Math.floor((bid.price + ask.price) / 2), confidencePpm: c, spread, depth, ageMs };
}

export function isRefusal(x: BookAssessment | Refusal): x is Refusal {
  return (x as Refusal).reason !== undefined;
}
