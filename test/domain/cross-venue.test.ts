/** The pure cross-venue rules: question similarity, the end-date tolerance, and what a book is worth (hand-computed). */
import { assessBook, checkMatch, questionSimilarityPpm } from '../../src/domain/cross-venue';

const lim = { maxBookAgeMs: 300_000, maxSpread: 100_000, minDepth: 50_000_000, baseConfidencePpm: 900_000 };
const book = (bid: number, ask: number, size = 200_000_000, ts = 1_000_000) => ({ bids: [{ price: bid, size }], asks: [{ price: ask, size }], timestampMs: ts });

test('question similarity: case, punctuation and accents do not matter; other words do', () => {
  expect(questionSimilarityPpm('Will the Fed cut rates in September?', 'will the fed CUT rates in september')).toBe(1_000_000);
  expect(questionSimilarityPpm('Café above 70°?', 'cafe above 70 °')).toBe(1_000_000);
  // {above, 70, deg} vs {above, 75, deg}: 2 shared of 4
  expect(questionSimilarityPpm('Above 70°', 'Above 75°')).toBe(500_000);
});

test('checkMatch: similarity at the limit passes, below is refused; end dates within the tolerance pass', () => {
  const base = { mappedQuestion: 'Above 70°', polymarketQuestion: 'Above 75°', polymarketEndMs: 0, kalshiCloseMs: 0 };
  expect(checkMatch(base, { minQuestionSimilarityPpm: 500_000, endDateToleranceMs: 0 })).toBeNull();
  expect(checkMatch(base, { minQuestionSimilarityPpm: 500_001, endDateToleranceMs: 0 })?.reason).toBe('cross_venue_question_mismatch');
  const dates = { ...base, polymarketQuestion: 'Above 70°', polymarketEndMs: 3_600_000 };
  expect(checkMatch(dates, { minQuestionSimilarityPpm: 1_000_000, endDateToleranceMs: 3_600_000 })).toBeNull();
  expect(checkMatch(dates, { minQuestionSimilarityPpm: 1_000_000, endDateToleranceMs: 3_599_999 })?.reason).toBe('cross_venue_end_date_mismatch');
  expect(checkMatch({ ...dates, polymarketEndMs: null }, { minQuestionSimilarityPpm: 0, endDateToleranceMs: 1e12 })?.detail).toBe('cannot compare end dates: Polymarket sends no endDate');
});

test('assessBook: mid and confidence = base × spread × depth × age factors, floored', () => {
  // spread 0.02 → 1 − 0.02/0.2 = 0.9; depth 200 ≥ 2×50 → 1; age 0 → 1: 0.9 × 0.9 = 0.81
  expect(assessBook(book(610_000, 630_000), 1_000_000, lim)).toEqual({ midPpm: 620_000, confidencePpm: 810_000, spread: 20_000, depth: 200_000_000, ageMs: 0 });
  // depth 75 → 75/100 = 0.75; age 150 s of 300 → 0.75; spread 0.01 → 0.95: 0.9 × 0.95 × 0.75 × 0.75 = 0.48093750 → 480937
  const a = assessBook(book(615_000, 625_000, 75_000_000, 1_000_000), 1_150_000, lim);
  expect(a).toMatchObject({ midPpm: 620_000, confidencePpm: 480_937 });
  // an odd sum floors to the micro
  expect(assessBook(book(610_000, 620_001), 1_000_000, lim)).toMatchObject({ midPpm: 615_000 });
});

test('assessBook refusals: empty side, crossed, stale or from the future, wide, thin — each at its boundary', () => {
  expect(assessBook({ bids: [], asks: [{ price: 1, size: 1 }], timestampMs: 0 }, 0, lim)).toEqual({ reason: 'cross_venue_no_quote', detail: 'the book has no bids' });
  expect(assessBook(book(600_000, 600_000), 1_000_000, lim)).toMatchObject({ reason: 'cross_venue_crossed_book' });
  expect(assessBook(book(610_000, 630_000), 1_300_000, lim)).not.toHaveProperty('reason');
  expect(assessBook(book(610_000, 630_000), 1_300_001, lim)).toEqual({ reason: 'cross_venue_stale', detail: 'the book is 300 s old (max 300 s)' });
  expect(assessBook(book(610_000, 630_000, 200_000_000, 1_060_001), 1_000_000, lim)).toMatchObject({ reason: 'cross_venue_stale' });
  expect(assessBook(book(500_000, 600_000), 1_000_000, lim)).not.toHaveProperty('reason');
  expect(assessBook(book(10_000, 990_000), 1_000_000, lim)).toEqual({ reason: 'cross_venue_wide_spread', detail: 'spread 0.9800 (bid 0.0100, ask 0.9900) is wider than 0.1000' });
  expect(assessBook(book(610_000, 630_000, 50_000_000), 1_000_000, lim)).not.toHaveProperty('reason');
  expect(assessBook(book(610_000, 630_000, 49_999_999), 1_000_000, lim)).toEqual({ reason: 'cross_venue_thin_book', detail: '49.999999 shares at the best bid, fewer than min_depth 50' });
});
