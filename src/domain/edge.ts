/**
 * Net edge of an entry, and the entry guards that read it (issue 8 "Opportunities"). Pure, integers only.
 *
 * Units: a probability in ppm is also the fair value in micros per contract (a contract pays $1): p = 600_000 ppm is
 * worth $0.60. Each side is priced against ITS OWN ask, never mid or last:
 *   YES: edge = p       − yes_ask                 − fee/contract
 *   NO:  edge = (1 − p) − no_ask (= 1 − best YES bid) − fee/contract
 * Entries are taker orders at the ask, so the fee is the taker fee (kalshi-api.md §8) × the series' multiplier.
 *
 * Two fees, each for its job:
 * - `unroundedTakerFeePerContract`: 0.07·m·P·(1−P) rounded UP to the micro — for choosing a side and sizing.
 * - `orderFee`: what the balance really loses on a one-fill order of `count` at `price`: the trade fee (rounded up to
 *   $0.0001) plus the rounding fee of flooring the balance to the cent, i.e. ceil_$0.01(cost + fee) − cost (1 @ 0.52:
 *   trade fee $0.0175, balance −$0.54, so $0.02). The final edge of an intent uses it (`netEdgePerContract`).
 */
import { Centis, CENTIS_PER_CONTRACT, complement, formatDollarsExact, isTradablePrice, Micros, MICROS_PER_DOLLAR } from './fixed';
import { BALANCE_STEP, takerFee, TAKER_RATE_PPM } from './fees';
import { ceilDiv, floorDiv, toSafeNumber as safe } from './int';
import { REASON } from './reason-codes';
import { isOnGridFor } from './tick-grid';
import type { DecisionSkip, Estimate, MarketSnapshot, Opportunity, Side } from './trading-types';

const M = BigInt(MICROS_PER_DOLLAR);
const C100 = BigInt(CENTIS_PER_CONTRACT);
/** The multiplier that means "the standard schedule". */
export const DEFAULT_FEE_MULTIPLIER_PPM = 1_000_000;
/** Fee types whose taker fee is the quadratic formula of fees.ts. `flat` (a separate table) is not modelled. */
export const QUADRATIC_FEE_TYPES: readonly string[] = Object.freeze(['quadratic', 'quadratic_with_maker_fees', 'quadratic_with_combo_maker_fees']);

function checkInt(x: number, what: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(x) || x < min || x > max) throw new RangeError(`${what} must be an integer in [${min}, ${max}] (got ${x})`);
}

/**
 * Memo of unroundedTakerFeePerContract for the default multiplier (a pure function of the price: a cycle meets the
 * same few hundred grid prices on thousands of markets; bounded by the 10^6 + 1 possible prices).
 */
const defaultFeeMemo = new Map<number, Micros>();

/** 0.07 × multiplier × P × (1 − P) per contract, rounded up to a whole micro (never understated). */
export function unroundedTakerFeePerContract(price: Micros, multiplierPpm = DEFAULT_FEE_MULTIPLIER_PPM): Micros {
  checkInt(price, 'price', 0, MICROS_PER_DOLLAR);
  checkInt(multiplierPpm, 'fee multiplier', 0);
  const memo = multiplierPpm === DEFAULT_FEE_MULTIPLIER_PPM;
  if (memo) {
    const hit = defaultFeeMemo.get(price);
    if (hit !== undefined) return hit;
  }
  const P = BigInt(price);
  const fee = safe(ceilDiv(BigInt(TAKER_RATE_PPM) * BigInt(multiplierPpm) * P * (M - P), M * M * M), 'fee per contract');
  if (memo) defaultFeeMemo.set(price, fee);
  return fee;
}

/**
 * The cash fee of a one-fill taker order: ceil_step(cost + trade fee) − cost, with cost = price × count exactly and
 * `balanceStep` the member's balance precision ($0.01; $0.0001 for direct members). Rounded up to the micro.
 */
export function orderFee(count: Centis, price: Micros, multiplierPpm = DEFAULT_FEE_MULTIPLIER_PPM, balanceStep: Micros = BALANCE_STEP): Micros {
  checkInt(count, 'count', 0);
  checkInt(price, 'price', 0, MICROS_PER_DOLLAR);
  checkInt(balanceStep, 'balance step', 1);
  if (count === 0) return 0;
  const tradeFee = BigInt(takerFee(count, price, multiplierPpm));
  // In micro·centis (1e-8 $) everything below is exact.
  const cost = BigInt(price) * BigInt(count);
  const step = BigInt(balanceStep) * C100;
  const paid = ceilDiv(cost + tradeFee * C100, step) * step;
  return safe(ceilDiv(paid - cost, C100), 'order fee');
}

/** The order's fee spread over its contracts, rounded up to the micro (display only; decisions use the totals). */
export function feePerContract(count: Centis, price: Micros, multiplierPpm = DEFAULT_FEE_MULTIPLIER_PPM): Micros {
  checkInt(count, 'count', 1);
  return safe(ceilDiv(BigInt(orderFee(count, price, multiplierPpm)) * C100, BigInt(count)), 'fee per contract');
}

/** count × (fair − price) − orderFee, in micros, floored. */
export function netEdgeTotal(count: Centis, fairMicros: Micros, price: Micros, multiplierPpm = DEFAULT_FEE_MULTIPLIER_PPM): Micros {
  const fee = BigInt(orderFee(count, price, multiplierPpm));
  return safe(floorDiv(BigInt(count) * BigInt(fairMicros - price) - fee * C100, C100), 'net edge');
}

/** netEdgeTotal per contract, floored: `netEdgePerContract(...) >= minEdge` is exactly "total ≥ minEdge × count". */
export function netEdgePerContract(count: Centis, fairMicros: Micros, price: Micros, multiplierPpm = DEFAULT_FEE_MULTIPLIER_PPM): Micros {
  checkInt(count, 'count', 1);
  return netEdgePerContractWithFee(count, fairMicros, price, orderFee(count, price, multiplierPpm));
}

/** netEdgePerContract with the order's fee (`orderFee(count, price, multiplier)`) already computed by the caller. */
export function netEdgePerContractWithFee(count: Centis, fairMicros: Micros, price: Micros, feeMicros: Micros): Micros {
  checkInt(count, 'count', 1);
  return safe(floorDiv(BigInt(count) * BigInt(fairMicros - price) - BigInt(feeMicros) * C100, BigInt(count)), 'net edge');
}

export interface SideAsk {
  priceMicros: Micros;
  sizeCentis: Centis;
}

/** The side's own best ask if it is tradeable (size > 0, strictly between $0 and $1, on the grid); else null. */
export function sideAsk(market: Pick<MarketSnapshot, 'yesBid' | 'yesAsk' | 'priceRanges'>, side: Side): SideAsk | null {
  const q = side === 'yes' ? market.yesAsk : market.yesBid;
  if (q === null || q === undefined) return null;
  if (!Number.isSafeInteger(q.size) || q.size <= 0 || !isTradablePrice(q.price)) return null;
  const price = side === 'yes' ? q.price : complement(q.price);
  if (!isOnGridFor(side, price, market.priceRanges)) return null;
  return { priceMicros: price, sizeCentis: q.size };
}

/** One side's ask, fair value and edge (fair − ask − unrounded taker fee per contract). */
export type SideEdge = Pick<Opportunity, 'side' | 'priceMicros' | 'askSizeCentis' | 'fairPpm' | 'edgeMicros'>;

export interface BestSide {
  yes: SideEdge | null;
  no: SideEdge | null;
  /** The larger net edge (a tie goes to YES); null when neither side has a tradeable ask. */
  best: SideEdge | null;
}

export function bestSide(
  probabilityPpm: number,
  market: Pick<MarketSnapshot, 'yesBid' | 'yesAsk' | 'priceRanges' | 'feeMultiplierPpm'>,
): BestSide {
  checkInt(probabilityPpm, 'probability', 1, MICROS_PER_DOLLAR - 1);
  const edgeOf = (side: Side): SideEdge | null => {
    const ask = sideAsk(market, side);
    if (!ask) return null;
    const fair = side === 'yes' ? probabilityPpm : MICROS_PER_DOLLAR - probabilityPpm;
    const fee = unroundedTakerFeePerContract(ask.priceMicros, market.feeMultiplierPpm);
    return { side, priceMicros: ask.priceMicros, askSizeCentis: ask.sizeCentis, fairPpm: fair, edgeMicros: fair - ask.priceMicros - fee };
  };
  const yes = edgeOf('yes');
  const no = edgeOf('no');
  const best = yes && no ? (no.edgeMicros > yes.edgeMicros ? no : yes) : yes ?? no;
  return { yes, no, best };
}

/** The entry thresholds (field names as in FixedConfigValues, so `ctx.fixed` fits) and the fee allow-list. */
export interface EntryRules {
  minEdge: Micros;
  minConfidencePpm: number;
  heavyFavoriteYesPriceThreshold: Micros;
  heavyFavoriteBuyNoMinEdge: Micros;
  heavyFavoriteBuyNoMinConfidencePpm: number;
  /** `strategy.allow_fee_multipliers`: series or event tickers whose non-default fees are accepted. */
  allowFeeMultipliers: readonly string[];
}

type FeeFacts = Pick<MarketSnapshot, 'ticker' | 'eventTicker' | 'seriesTicker' | 'feeType' | 'feeMultiplierPpm' | 'feeUnverified'>;

/** Why the market's fees cannot be trusted (null = they can): a pending change or non-default multiplier, or a fee type we do not model, unless allow-listed. */
export function feeUnverifiedReason(market: FeeFacts, allow: readonly string[]): string | null {
  const listed = allow.includes(market.eventTicker) || (market.seriesTicker !== null && allow.includes(market.seriesTicker));
  if (listed) return null;
  if (market.feeUnverified) return 'non-default fee multiplier or pending fee change on the series/event';
  if (market.feeMultiplierPpm !== DEFAULT_FEE_MULTIPLIER_PPM) return `fee multiplier ${formatDollarsExact(market.feeMultiplierPpm)} is not the default`;
  if (!QUADRATIC_FEE_TYPES.includes(market.feeType)) return `fee type ${JSON.stringify(market.feeType)} is not modelled`;
  return null;
}

/** The market's YES price for the heavy-favourite rule: the higher of its tradeable YES bid and YES ask. */
function yesPriceOf(market: Pick<MarketSnapshot, 'yesBid' | 'yesAsk'>): Micros | null {
  let best: Micros | null = null;
  for (const q of [market.yesBid, market.yesAsk]) {
    if (q && q.size > 0 && isTradablePrice(q.price) && (best === null || q.price > best)) best = q.price;
  }
  return best;
}

const $ = formatDollarsExact;

/**
 * Entry decision for one estimate: an Opportunity to size, or a skip with a registered code. Checks in order:
 * fee_unverified_guard, no_quote_guard, min_confidence_guard, min_edge_guard, heavy_favorite_guard (buying NO while
 * the YES price ≥ the threshold needs the stricter edge and confidence). Every skip carries the best side's numbers.
 */
export function evaluateEntry(estimate: Estimate, market: MarketSnapshot, rules: EntryRules): Opportunity | DecisionSkip {
  if (estimate.ticker !== market.ticker) throw new RangeError(`estimate for ${estimate.ticker} given with market ${market.ticker}`);
  checkInt(estimate.confidencePpm, 'confidence', 0, MICROS_PER_DOLLAR);
  const { best } = bestSide(estimate.probabilityPpm, market);
  const skip = (code: string, detail: string): DecisionSkip => ({
    kind: 'skip', ticker: market.ticker, code, detail, countCentis: 0,
    side: best?.side ?? null, priceMicros: best?.priceMicros ?? null, fairPpm: best?.fairPpm ?? null, edgeMicros: best?.edgeMicros ?? null,
  });
  const feeWhy = feeUnverifiedReason(market, rules.allowFeeMultipliers);
  if (feeWhy !== null) return skip(REASON.fee_unverified_guard, feeWhy);
  if (best === null) return skip(REASON.no_quote_guard, 'no tradeable ask on either side (size 0, price 0/1 or off the grid)');
  const conf = estimate.confidencePpm;
  if (conf < rules.minConfidencePpm) return skip(REASON.min_confidence_guard, `confidence ${$(conf)} < min_confidence ${$(rules.minConfidencePpm)}`);
  if (best.edgeMicros < rules.minEdge) return skip(REASON.min_edge_guard, `best edge ${$(best.edgeMicros)} (${best.side}) < min_edge ${$(rules.minEdge)}`);
  const yesPrice = yesPriceOf(market);
  if (best.side === 'no' && yesPrice !== null && yesPrice >= rules.heavyFavoriteYesPriceThreshold) {
    if (best.edgeMicros < rules.heavyFavoriteBuyNoMinEdge || conf < rules.heavyFavoriteBuyNoMinConfidencePpm) {
      return skip(
        REASON.heavy_favorite_guard,
        `buy NO with YES at ${$(yesPrice)} ≥ ${$(rules.heavyFavoriteYesPriceThreshold)} needs edge ≥ ${$(rules.heavyFavoriteBuyNoMinEdge)} and confidence ≥ ${$(rules.heavyFavoriteBuyNoMinConfidencePpm)} (got ${$(best.edgeMicros)}, ${$(conf)})`,
      );
    }
  }
  return {
    ticker: market.ticker, eventTicker: market.eventTicker, side: best.side, priceMicros: best.priceMicros,
    askSizeCentis: best.askSizeCentis, fairPpm: best.fairPpm, edgeMicros: best.edgeMicros, confidencePpm: conf,
  };
}

/** Type guard for the union evaluateEntry / sizeOrder return. */
export function isSkip(x: object): x is DecisionSkip {
  return (x as { kind?: unknown }).kind === 'skip';
}
