/**
 * Kalshi trading fees, in fixed point (see ../shared/kalshi-api.md §8).
 *
 *   taker fee per fill = roundUp_$0.0001( 0.07   × C × P × (1 − P) )
 *   maker fee per fill = roundUp_$0.0001( 0.0175 × C × P × (1 − P) )  only in `quadratic_with_maker_fees` series
 *                        (half that in `quadratic_with_combo_maker_fees`; nothing in plain `quadratic`)
 *   balance change     = floor_$0.01( revenue − fee )   (revenue is negative for a buyer)
 *
 * Rates are integers in parts per million so no float enters the arithmetic.
 */
import { Centis, Micros, ceilTo, floorTo, MICROS_PER_DOLLAR, CENTIS_PER_CONTRACT } from './fixed';

export type FeeType = 'quadratic' | 'quadratic_with_maker_fees' | 'quadratic_with_combo_maker_fees' | 'flat';

export const TAKER_RATE_PPM = 70_000; // 0.07
export const MAKER_RATE_PPM = 17_500; // 0.0175
/** Fees are rounded up to $0.0001 per fill. */
export const FEE_STEP: Micros = 100;
/** Normal members' balance precision: $0.01. */
export const BALANCE_STEP: Micros = 10_000;

/** Quadratic fee for `count` contracts at YES price `price` with rate `ratePpm`, rounded up to $0.0001. */
export function quadraticFee(ratePpm: number, count: Centis, price: Micros): Micros {
  if (!Number.isSafeInteger(ratePpm) || ratePpm < 0) throw new RangeError(`fee rate must be a non-negative integer ppm`);
  if (!Number.isSafeInteger(count)) throw new RangeError(`fee count must be a whole number of centi-contracts (got ${count})`);
  if (!Number.isSafeInteger(price) || price < 0 || price > MICROS_PER_DOLLAR) throw new RangeError(`fee price must be whole micros in [0, $1] (got ${price})`);
  if (count <= 0 || ratePpm === 0) return 0;
  const P = BigInt(price);
  const num = BigInt(ratePpm) * BigInt(count) * P * (BigInt(MICROS_PER_DOLLAR) - P);
  const den = BigInt(MICROS_PER_DOLLAR) * BigInt(CENTIS_PER_CONTRACT) * BigInt(MICROS_PER_DOLLAR);
  // ceil(num / den) in micros, then up to the fee step.
  const micros = (num + den - 1n) / den;
  return ceilTo(Number(micros), FEE_STEP);
}

export function takerFee(count: Centis, price: Micros, multiplierPpm = 1_000_000): Micros {
  return quadraticFee(scaleRate(TAKER_RATE_PPM, multiplierPpm), count, price);
}

/** Maker fee by the series' fee type. `flat` series use a separate table we do not model: treated as taker-rate (conservative). */
export function makerFee(feeType: FeeType, count: Centis, price: Micros, multiplierPpm = 1_000_000): Micros {
  switch (feeType) {
    case 'quadratic':
      return 0;
    case 'quadratic_with_maker_fees':
      return quadraticFee(scaleRate(MAKER_RATE_PPM, multiplierPpm), count, price);
    case 'quadratic_with_combo_maker_fees':
      return quadraticFee(scaleRate(MAKER_RATE_PPM / 2, multiplierPpm), count, price); // 8750 ppm: exact
    case 'flat':
      return quadraticFee(scaleRate(TAKER_RATE_PPM, multiplierPpm), count, price);
  }
}

/** rate × multiplier in ppm, integer arithmetic, rounded half up (never understates a fee rate by more than ½ ppm). */
function scaleRate(ratePpm: number, multiplierPpm: number): number {
  const q = (BigInt(ratePpm) * BigInt(multiplierPpm) * 2n + 1_000_000n) / 2_000_000n;
  return Number(q);
}

/**
 * Fee multiplier from the wire (a JSON number such as 1 or 0.5) to integer ppm, through its decimal text (no float
 * multiplication): 0.35 → 350000. More than 6 decimals is an error, not a rounding.
 */
export function multiplierToPpm(value: number | null | undefined): number {
  if (value === null || value === undefined) return 1_000_000;
  if (!Number.isFinite(value) || value < 0) throw new RangeError('fee_multiplier must be a non-negative number');
  return parseScaledPpm(String(value));
}

function parseScaledPpm(text: string): number {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new RangeError(`fee_multiplier ${text} cannot be held exactly in ppm`);
  const ppm = Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
  if (!Number.isSafeInteger(ppm)) throw new RangeError(`fee_multiplier ${text} is out of range`);
  return ppm;
}

/** Cash change of a fill, floored toward −∞ to the cent. `revenue` is negative for a buyer. */
export function balanceChange(revenue: Micros, fee: Micros, step: Micros = BALANCE_STEP): Micros {
  return floorTo(revenue - fee, step);
}
