/**
 * Revalidation right before a create (src/domain/revalidate.ts), hand-computed.
 *
 * Fee arithmetic used below (taker 0.07·C·P·(1−P), up to $0.0001; the balance floored/ceiled to the cent):
 *   buy  1.00 @ 0.52:  trade 0.017472 → 0.0175; paid ceil(0.5375) = 0.54  → fee 0.0200
 *   buy  1.00 @ 0.525: trade 0.017456 → 0.0175; paid ceil(0.5425) = 0.55  → fee 0.0250
 *   buy 10.00 @ 0.53:  trade 0.17437  → 0.1744; paid ceil(5.4744) = 5.48  → fee 0.1800
 *   sell 1.00 @ 0.47:  trade 0.017437 → 0.0175; got floor(0.4525) = 0.45  → fee 0.0200
 *   sell 1.00 @ 0.44:  trade 0.017248 → 0.0173; got floor(0.4227) = 0.42  → fee 0.0200
 *   sell 1.00 @ 0.43:  trade 0.017157 → 0.0172; got floor(0.4128) = 0.41  → fee 0.0200
 *   sell 2.00 @ 0.35:  trade 0.03185  → 0.0319; got floor(0.6681) = 0.66  → fee 0.0400
 */
import {
  bestBid, ceilToGridFor, floorToGridFor, revalidate, RevalidationIntent, RevalidationRules, saleEdgePerContractMicros, saleFeeMicros,
  sideAskFromBook, sideBidFromBook,
} from '../../src/domain/revalidate';
import type { PriceRange } from '../../src/domain/tick-grid';

const RULES: RevalidationRules = {
  minEdgeAtExecution: 20_000, maxPriceDrift: 50_000, maxSubmitSlippage: 100_000, orderTtlSeconds: 600, priceRanges: [],
};
const T0 = 1_800_000_000_000;
const yesBuy = (o: Partial<RevalidationIntent> = {}): RevalidationIntent => ({
  side: 'yes', action: 'buy', decidedPriceMicros: 520_000, fairMicros: 600_000, countCentis: 100, decidedAtMs: T0, ...o,
});
const book = (yes: [number, number][], no: [number, number][]) => ({
  yesBids: yes.map(([price, size]) => ({ price, size })), noBids: no.map(([price, size]) => ({ price, size })),
});
const TAPERED: PriceRange[] = [
  { start: 0, end: 100_000, step: 1_000 }, { start: 100_000, end: 900_000, step: 10_000 }, { start: 900_000, end: 1_000_000, step: 1_000 },
];

describe('the side’s quote comes from the right side of the book', () => {
  test('YES ask = 1 − best NO bid, NO ask = 1 − best YES bid, whatever the list order (origin B5)', () => {
    const b = book([[400_000, 100], [470_000, 300], [450_000, 5]], [[480_000, 300], [300_000, 100]]);
    expect(bestBid(b.yesBids)).toBe(470_000);
    expect(sideAskFromBook(b, 'yes')).toBe(520_000);
    expect(sideAskFromBook(b, 'no')).toBe(530_000);
    expect(sideBidFromBook(b, 'yes')).toBe(470_000);
    expect(sideBidFromBook(b, 'no')).toBe(480_000);
  });

  test('levels of size 0 or price 0/1 are not quotes', () => {
    expect(bestBid([{ price: 990_000, size: 0 }, { price: 1_000_000, size: 100 }, { price: 0, size: 100 }])).toBeNull();
    expect(sideAskFromBook(book([], [[500_000, 0], [410_000, 100]]), 'yes')).toBe(590_000);
  });

  test('grid rounding in the side’s terms (a NO price is valid when 1 − price is)', () => {
    expect(floorToGridFor('no', 955_000, TAPERED)).toBe(955_000); // YES 0.045 is a deci-cent tick below 0.10
    expect(floorToGridFor('no', 555_000, TAPERED)).toBe(550_000); // YES 0.445 → ceil 0.45 → NO 0.55
    expect(ceilToGridFor('no', 555_000, TAPERED)).toBe(560_000); // YES 0.445 → floor 0.44 → NO 0.56
    expect(floorToGridFor('yes', 525_000, [])).toBe(520_000);
    expect(ceilToGridFor('yes', 525_000, [])).toBe(530_000);
  });
});

describe('entries', () => {
  test('passes: limit = the ask 0.52, fee 0.02 for one contract, edge 0.60 − 0.52 − 0.02 = 0.06', () => {
    const r = revalidate(yesBuy(), book([[470_000, 300]], [[480_000, 300]]), RULES, T0 + 1_000);
    expect(r).toEqual({ ok: true, limitPriceMicros: 520_000, edgeMicros: 60_000, feeMicros: 20_000, quoteMicros: 520_000 });
  });

  test('stale_intent_guard: decided more than order_ttl_seconds ago (600 000 ms is still fresh)', () => {
    const b = book([[470_000, 300]], [[480_000, 300]]);
    expect(revalidate(yesBuy(), b, RULES, T0 + 600_000).ok).toBe(true);
    expect(revalidate(yesBuy(), b, RULES, T0 + 600_001)).toEqual({
      ok: false, code: 'stale_intent_guard', detail: 'intent decided 600001 ms ago > order_ttl_seconds 600', quoteMicros: null, edgeMicros: null, feeMicros: null,
    });
  });

  test('no_quote_guard: no NO bid means no YES ask', () => {
    const r = revalidate(yesBuy(), book([[470_000, 300]], []), RULES, T0);
    expect(r).toMatchObject({ ok: false, code: 'no_quote_guard', detail: 'no yes ask in the fresh book' });
  });

  test('price_drift_guard both ways: ask 0.58 or 0.46 against the decided 0.52 (drift 0.06 > 0.05); 0.57 passes', () => {
    expect(revalidate(yesBuy(), book([], [[420_000, 100]]), RULES, T0)).toEqual({
      ok: false, code: 'price_drift_guard', detail: 'yes ask 0.5800 drifted 0.0600 from the decided 0.5200 > max_price_drift 0.0500',
      quoteMicros: 580_000, edgeMicros: null, feeMicros: null,
    });
    expect(revalidate(yesBuy(), book([], [[540_000, 100]]), RULES, T0)).toMatchObject({ ok: false, code: 'price_drift_guard', quoteMicros: 460_000 });
    // 0.57: fee = ceil(0.57 + 0.0172) − 0.57 = 0.02 (trade 0.07·0.57·0.43 = 0.017157 → 0.0172); edge 0.60 − 0.57 − 0.02 = 0.01 < 0.02.
    expect(revalidate(yesBuy(), book([], [[430_000, 100]]), RULES, T0)).toMatchObject({ ok: false, code: 'edge_decay_guard', quoteMicros: 570_000, edgeMicros: 10_000, feeMicros: 20_000 });
  });

  test('slippage_guard: paying 0.04 more than decided with max_submit_slippage 0.03; paying less never slips', () => {
    const rules = { ...RULES, maxPriceDrift: 100_000, maxSubmitSlippage: 30_000 };
    expect(revalidate(yesBuy(), book([], [[440_000, 100]]), rules, T0)).toEqual({
      ok: false, code: 'slippage_guard', detail: 'yes ask 0.5600 slips 0.0400 against the decided 0.5200 > max_submit_slippage 0.0300',
      quoteMicros: 560_000, edgeMicros: null, feeMicros: null,
    });
    // ask 0.48: fee ceil(0.48 + 0.0175) − 0.48 = 0.02 (trade 0.07·0.48·0.52 = 0.017472 → 0.0175); edge 0.60 − 0.48 − 0.02 = 0.10.
    expect(revalidate(yesBuy(), book([], [[520_000, 100]]), rules, T0)).toEqual({ ok: true, limitPriceMicros: 480_000, edgeMicros: 100_000, feeMicros: 20_000, quoteMicros: 480_000 });
  });

  test('edge_decay_guard with the ROUNDED fee of the real count: NO 10 @ 0.53, fair 0.55 → edge (0.20 − 0.18)/10 = 0.002', () => {
    const intent = { side: 'no' as const, action: 'buy' as const, decidedPriceMicros: 530_000, fairMicros: 550_000, countCentis: 1000, decidedAtMs: T0 };
    const b = book([[400_000, 100], [470_000, 300]], [[300_000, 100]]);
    expect(revalidate(intent, b, RULES, T0)).toEqual({
      ok: false, code: 'edge_decay_guard', detail: 'edge at the no ask 0.5300 is 0.0020 (fee 0.1800 for 10.00 contracts) < min_edge_at_execution 0.0200',
      quoteMicros: 530_000, edgeMicros: 2_000, feeMicros: 180_000,
    });
    // With min_edge_at_execution 0.001 it passes; the cap 0.55 − 0.001 − 0.018 = 0.531 is above the ask.
    expect(revalidate(intent, b, { ...RULES, minEdgeAtExecution: 1_000 }, T0)).toEqual({ ok: true, limitPriceMicros: 530_000, edgeMicros: 2_000, feeMicros: 180_000, quoteMicros: 530_000 });
  });

  test('an edge exactly at min_edge_at_execution passes: fair 0.56 at ask 0.52 → 0.56 − 0.52 − 0.02 = 0.02', () => {
    expect(revalidate(yesBuy({ fairMicros: 560_000 }), book([], [[480_000, 100]]), RULES, T0)).toEqual({ ok: true, limitPriceMicros: 520_000, edgeMicros: 20_000, feeMicros: 20_000, quoteMicros: 520_000 });
    expect(revalidate(yesBuy({ fairMicros: 559_999 }), book([], [[480_000, 100]]), RULES, T0)).toMatchObject({ ok: false, code: 'edge_decay_guard', edgeMicros: 19_999 });
  });

  test('an off-grid ask 0.525 is floored to the 1¢ grid: limit 0.52 with the fee and edge recomputed there', () => {
    const r = revalidate(yesBuy({ decidedPriceMicros: 525_000 }), book([], [[475_000, 100]]), RULES, T0);
    expect(r).toEqual({ ok: true, limitPriceMicros: 520_000, edgeMicros: 60_000, feeMicros: 20_000, quoteMicros: 525_000 });
  });

  test('on a tapered grid a NO ask is judged through its YES equivalent', () => {
    // YES bid 0.445 (off the middle 1¢ ticks) → NO ask 0.555 → floored to NO 0.55 (YES 0.45).
    const intent = { side: 'no' as const, action: 'buy' as const, decidedPriceMicros: 555_000, fairMicros: 700_000, countCentis: 100, decidedAtMs: T0 };
    const r = revalidate(intent, book([[445_000, 100]], []), { ...RULES, priceRanges: TAPERED }, T0);
    // At 0.55: trade 0.07·0.55·0.45 = 0.017325 → 0.0174; paid ceil(0.5674) = 0.57 → fee 0.02; edge 0.70 − 0.55 − 0.02 = 0.13.
    expect(r).toEqual({ ok: true, limitPriceMicros: 550_000, edgeMicros: 130_000, feeMicros: 20_000, quoteMicros: 555_000 });
  });
});

describe('exits (reduce-only sells) mirror the rules against the held side’s bid', () => {
  const yesSell = (o: Partial<RevalidationIntent> = {}): RevalidationIntent => ({
    side: 'yes', action: 'sell', decidedPriceMicros: 470_000, fairMicros: 400_000, countCentis: 100, decidedAtMs: T0, ...o,
  });

  test('sale fee and edge: 1 @ 0.47 gives up 0.02; edge 0.47 − 0.40 − 0.02 = 0.05', () => {
    expect(saleFeeMicros(100, 470_000)).toBe(20_000);
    expect(saleFeeMicros(200, 350_000)).toBe(40_000);
    expect(saleEdgePerContractMicros(100, 400_000, 470_000)).toBe(50_000);
    expect(revalidate(yesSell(), book([[470_000, 300]], [[480_000, 300]]), RULES, T0)).toEqual({ ok: true, limitPriceMicros: 470_000, edgeMicros: 50_000, feeMicros: 20_000, quoteMicros: 470_000 });
  });

  test('a held NO sells at the best NO bid (NO terms): 2 @ 0.35, fair 0.30 → (0.10 − 0.04)/2 = 0.03', () => {
    const intent = { side: 'no' as const, action: 'sell' as const, decidedPriceMicros: 360_000, fairMicros: 300_000, countCentis: 200, decidedAtMs: T0 };
    expect(revalidate(intent, book([[600_000, 100]], [[300_000, 100], [350_000, 200]]), RULES, T0)).toEqual({ ok: true, limitPriceMicros: 350_000, edgeMicros: 30_000, feeMicros: 40_000, quoteMicros: 350_000 });
  });

  test('slippage for a sale is receiving less: bid 0.42 vs decided 0.47 (drift 0.05 is not > 0.05; slip 0.05 > 0.03)', () => {
    expect(revalidate(yesSell(), book([[420_000, 100]], []), { ...RULES, maxSubmitSlippage: 30_000 }, T0)).toMatchObject({
      ok: false, code: 'slippage_guard', detail: 'yes bid 0.4200 slips 0.0500 against the decided 0.4700 > max_submit_slippage 0.0300',
    });
  });

  test('edge decay: bid 0.44 gives exactly 0.02 (passes); bid 0.43 gives 0.01 (skipped)', () => {
    expect(revalidate(yesSell(), book([[440_000, 100]], []), RULES, T0)).toEqual({ ok: true, limitPriceMicros: 440_000, edgeMicros: 20_000, feeMicros: 20_000, quoteMicros: 440_000 });
    expect(revalidate(yesSell(), book([[430_000, 100]], []), RULES, T0)).toMatchObject({ ok: false, code: 'edge_decay_guard', edgeMicros: 10_000, feeMicros: 20_000 });
  });

  test('no bid on the held side → no_quote_guard; a stale exit is dropped too', () => {
    expect(revalidate(yesSell(), book([], [[480_000, 300]]), RULES, T0)).toMatchObject({ ok: false, code: 'no_quote_guard', detail: 'no yes bid in the fresh book' });
    expect(revalidate(yesSell(), book([[470_000, 300]], []), RULES, T0 + 600_001)).toMatchObject({ ok: false, code: 'stale_intent_guard' });
  });
});

test('inputs that are not integers are refused, not rounded', () => {
  expect(() => revalidate(yesBuy({ countCentis: 1.5 }), book([], [[480_000, 1]]), RULES, T0)).toThrow('count must be an integer');
  expect(() => revalidate(yesBuy(), book([], [[480_000, 1]]), { ...RULES, maxPriceDrift: 0.05 }, T0)).toThrow('maxPriceDrift must be an integer');
});
