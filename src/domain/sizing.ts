/**
 * Kelly sizing of an entry (issue 8 "Opportunities, sizing"). Pure; every product in BigInt, no float.
 *
 *   c     = ask + unrounded taker fee per contract          (edge.ts)
 *   f     = max_kelly_fraction · (p − c) / (1 − c)
 *   count = floor(f · capital_base / c)                     in centi-contracts, down to the count step
 *
 * then capped by:
 *   - risk.max_position_size: notional (price × count, rounded up) + what the market already holds (position cost and
 *     resting orders) ≤ max_position_size                                         → max_position_size_guard
 *   - total-exposure room and daily-new-exposure room (capital.ts): the order's cash outlay (notional rounded up +
 *     orderFee) ≤ room                                                           → exposure_guard / daily_new_exposure_guard
 * and finally the edge is recomputed with the ROUNDED fee of the final count (orderFee); below min_edge the intent is
 * dropped (min_edge_guard). A Kelly size that rounds to zero is size_zero_guard; a cap that leaves no room names the cap.
 */
import { Centis, CENTIS_PER_CONTRACT, formatCount, formatDollarsExact, Micros, MICROS_PER_DOLLAR, notionalCeil } from './fixed';
import { netEdgePerContractWithFee, orderFee, unroundedTakerFeePerContract } from './edge';
import { safeBig as int } from './int';
import { REASON } from './reason-codes';
import { isOnGridFor, PriceRange } from './tick-grid';
import type { DecisionSkip, Opportunity, OrderIntent } from './trading-types';

const M = BigInt(MICROS_PER_DOLLAR);
const C100 = BigInt(CENTIS_PER_CONTRACT);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Field names as in FixedConfigValues, so `ctx.fixed` fits. */
export interface SizingRules {
  maxKellyFractionPpm: number;
  /** risk.max_position_size: notional per market, existing holdings included (micros). */
  maxPositionSize: Micros;
  minEdge: Micros;
}

export interface SizingInput {
  opportunity: Opportunity;
  market: { priceRanges: readonly PriceRange[]; feeMultiplierPpm: number };
  capitalBaseMicros: Micros;
  /** Notional the market already carries for this lane: open position cost + resting orders (micros). */
  marketExposureMicros: Micros;
  /** capital.ts `exposureRoom` and `dailyNewRoom` (micros; ≤ 0 = none). */
  exposureRoomMicros: Micros;
  dailyNewRoomMicros: Micros;
  /** Order size granularity: 1 = 0.01 contract (fractional trading), 100 = whole contracts. Default 1. */
  countStepCentis?: Centis;
}

const minB = (a: bigint, b: bigint) => (a < b ? a : b);
const down = (n: bigint, step: bigint) => (n <= 0n ? 0n : n - (n % step));

/**
 * Kelly count in centi-contracts (floored, before the count step): floor(100 · k · (p − c) · capital / ((1 − c) · c)),
 * with k in ppm and p, c in micros per contract; 0 when p ≤ c, c ≥ $1 or capital ≤ 0.
 */
export function kellyCountCentis(fairPpm: number, costPerContract: Micros, kellyFractionPpm: number, capitalBase: Micros): Centis {
  const p = int(fairPpm, 'fair value', 0);
  const c = int(costPerContract, 'cost per contract', 1);
  const k = int(kellyFractionPpm, 'Kelly fraction', 0);
  const cap = int(capitalBase, 'capital base');
  if (p <= c || c >= M || cap <= 0n || k === 0n) return 0;
  const n = (C100 * k * (p - c) * cap) / (M * (M - c) * c);
  return Number(minB(n, MAX_SAFE));
}

/** Largest count (a multiple of `step`) whose notional, rounded up, fits `room`. */
function countForNotional(room: bigint, price: bigint, step: bigint): bigint {
  if (room <= 0n) return 0n;
  return down(minB((room * C100) / price, MAX_SAFE), step);
}

/** Largest count (a multiple of `step`, ≤ `hi`) whose cash outlay notionalCeil + orderFee fits `room` (monotone: bisect). */
function countForCash(room: bigint, price: number, feeOf: (count: Centis) => Micros, step: bigint, hi: bigint): bigint {
  if (room <= 0n || hi <= 0n) return 0n;
  const fits = (n: bigint) => {
    const c = Number(n);
    return BigInt(notionalCeil(price, c)) + BigInt(feeOf(c)) <= room;
  };
  let lo = 0n; // fits
  let top = down(minB(hi, (room * C100) / BigInt(price)), step) / step; // in steps; the notional alone bounds it
  if (top > 0n && fits(top * step)) return top * step;
  while (top - lo > 1n) {
    const mid = (lo + top) / 2n;
    if (fits(mid * step)) lo = mid;
    else top = mid;
  }
  return lo * step;
}

const $ = formatDollarsExact;

export function sizeOrder(input: SizingInput, rules: SizingRules): OrderIntent | DecisionSkip {
  const o = input.opportunity;
  const mult = input.market.feeMultiplierPpm;
  const step = int(input.countStepCentis ?? 1, 'count step', 1);
  const price = o.priceMicros;
  const skip = (code: string, detail: string, count = 0n): DecisionSkip => ({
    kind: 'skip', ticker: o.ticker, code, detail, side: o.side, priceMicros: price, fairPpm: o.fairPpm, edgeMicros: o.edgeMicros,
    countCentis: Number(count),
  });
  if (!Number.isSafeInteger(price) || price <= 0 || price >= MICROS_PER_DOLLAR || !isOnGridFor(o.side, price, input.market.priceRanges)) {
    return skip(REASON.no_quote_guard, `price ${Number.isSafeInteger(price) ? $(price) : String(price)} is not a tradeable price on the market's grid`);
  }
  const P = BigInt(price);
  // orderFee of the last count asked (the cash bisection's final probe is usually the count sized): computed once.
  let feeCount = -1;
  let feeValue = 0;
  const feeOf = (c: Centis): Micros => {
    if (c !== feeCount) {
      feeValue = orderFee(c, price, mult);
      feeCount = c;
    }
    return feeValue;
  };
  const cost = price + unroundedTakerFeePerContract(price, mult);
  const kelly = down(BigInt(kellyCountCentis(o.fairPpm, cost, rules.maxKellyFractionPpm, input.capitalBaseMicros)), step);
  if (kelly === 0n) {
    return skip(REASON.size_zero_guard, `Kelly size rounds to 0 (capital base ${$(input.capitalBaseMicros)}, cost/contract ${$(cost)}, fair ${$(o.fairPpm)})`);
  }
  const positionRoom = int(rules.maxPositionSize, 'max position size', 0) - int(input.marketExposureMicros, 'market exposure', 0);
  const byPosition = countForNotional(positionRoom, P, step);
  const exposureRoom = int(input.exposureRoomMicros, 'exposure room');
  const dailyRoom = int(input.dailyNewRoomMicros, 'daily new room');
  const cashRoom = minB(exposureRoom, dailyRoom);
  const upTo = minB(kelly, byPosition);
  const byCash = countForCash(cashRoom, price, feeOf, step, upTo);
  const count = minB(upTo, byCash);
  if (count === 0n) {
    if (byPosition === 0n) {
      return skip(REASON.max_position_size_guard, `market already holds ${$(input.marketExposureMicros)} of max_position_size ${$(rules.maxPositionSize)}`);
    }
    return exposureRoom <= dailyRoom
      ? skip(REASON.exposure_guard, `total exposure room ${$(input.exposureRoomMicros)} fits no contract at ${$(price)}`)
      : skip(REASON.daily_new_exposure_guard, `daily new-exposure room ${$(input.dailyNewRoomMicros)} fits no contract at ${$(price)}`);
  }
  const n = Number(count);
  const fee = feeOf(n);
  const edge = netEdgePerContractWithFee(n, o.fairPpm, price, fee);
  if (edge < rules.minEdge) {
    return { ...skip(REASON.min_edge_guard, `edge ${$(edge)} with the rounded fee of ${formatCount(n)} contracts < min_edge ${$(rules.minEdge)}`, count), edgeMicros: edge };
  }
  return {
    ticker: o.ticker, eventTicker: o.eventTicker, side: o.side, action: 'buy', priceMicros: price, countCentis: n,
    fairPpm: o.fairPpm, edgeMicros: edge, confidencePpm: o.confidencePpm, reduceOnly: false, feeMicros: fee,
  };
}
