/**
 * Fixed-point money and counts: the one vocabulary of the ledger.
 *
 * - Money and prices are integer **micro-dollars** (1e-6 $). Kalshi sends prices with 4 dp ("0.5200") and some
 *   portfolio amounts with 6 dp ("0.017500"); both are exact in micros.
 * - Counts are integer **centi-contracts** (1e-2 contract): Kalshi's `*_fp` strings have 2 dp ("3.00").
 *
 * Parsing is strict: a value that is not a plain decimal string (or has more decimals than the unit holds) throws a
 * FixedPointError naming the field. There are no floats anywhere on this path.
 */

export type Micros = number; // integer micro-dollars
export type Centis = number; // integer centi-contracts

export const MICROS_PER_DOLLAR = 1_000_000;
export const CENTIS_PER_CONTRACT = 100;
/** One whole contract pays $1 at settlement. */
export const ONE_DOLLAR: Micros = MICROS_PER_DOLLAR;

export class FixedPointError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`${field}: ${reason} (got ${describe(value)})`);
    this.name = 'FixedPointError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === undefined) return 'undefined';
  return `${typeof value} ${JSON.stringify(value)}`;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

function parseScaled(value: unknown, field: string, decimals: number, unit: string): number {
  if (typeof value !== 'string') throw new FixedPointError(field, value, `expected a decimal string of ${unit}`);
  const m = DECIMAL.exec(value.trim());
  if (!m) throw new FixedPointError(field, value, `not a decimal ${unit} string`);
  const [, sign, whole, frac = ''] = m;
  if (frac.length > decimals) {
    // Trailing zeros beyond the unit are harmless ("0.52000000"); anything else would lose precision.
    if (!/^0*$/.test(frac.slice(decimals))) {
      throw new FixedPointError(field, value, `more than ${decimals} decimals cannot be held exactly`);
    }
  }
  const fracPadded = (frac + '0'.repeat(decimals)).slice(0, decimals);
  const big = BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fracPadded || '0');
  if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw new FixedPointError(field, value, 'out of range');
  const n = Number(big);
  return sign && n !== 0 ? -n : n;
}

function formatScaled(n: number, decimals: number, dp: number, field: string): string {
  if (!Number.isSafeInteger(n)) throw new FixedPointError(field, n, 'not a safe integer');
  if (dp > decimals) throw new FixedPointError(field, n, `cannot format ${dp} dp`);
  const drop = 10 ** (decimals - dp);
  if (n % drop !== 0) throw new FixedPointError(field, n, `not representable with ${dp} decimals`);
  const neg = n < 0;
  const abs = Math.abs(n) / drop;
  const s = abs.toString().padStart(dp + 1, '0');
  const body = dp === 0 ? s : `${s.slice(0, s.length - dp)}.${s.slice(s.length - dp)}`;
  return neg ? `-${body}` : body;
}

/** "0.5200" → 520000 micros. */
export function parseDollars(value: unknown, field: string): Micros {
  return parseScaled(value, field, 6, 'dollar');
}

/** A decimal string scaled by 10^decimals to an exact integer (e.g. Polymarket share sizes in micro-shares, unit "share"). */
export function parseScaledDecimal(value: unknown, field: string, decimals: number, unit: string): number {
  return parseScaled(value, field, decimals, unit);
}

/** "3.00" → 300 centis. */
export function parseCount(value: unknown, field: string): Centis {
  return parseScaled(value, field, 2, 'count');
}

/** 520000 → "0.5200" (dp 4, Kalshi's price format); dp 6 for fee/cost fields. Throws if it would round. */
export function formatDollars(micros: Micros, dp = 4): string {
  return formatScaled(micros, 6, dp, 'dollars');
}

/** Like formatDollars, but uses 6 dp when 4 would lose precision (for echoing amounts as they are). */
export function formatDollarsExact(micros: Micros): string {
  return micros % 100 === 0 ? formatDollars(micros, 4) : formatDollars(micros, 6);
}

/** 300 → "3.00". */
export function formatCount(centis: Centis): string {
  return formatScaled(centis, 2, 2, 'count');
}

/** Integer division rounding toward −∞, on BigInt. */
function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function toSafe(b: bigint, what: string): number {
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new FixedPointError(what, b.toString(), 'out of range');
  }
  return Number(b);
}

/** Round micros up (toward +∞) to a multiple of `step` micros. */
export function ceilTo(micros: Micros, step: Micros): Micros {
  return -floorTo(-micros, step);
}

/** Round micros down (toward −∞) to a multiple of `step` micros. */
export function floorTo(micros: Micros, step: Micros): Micros {
  // Safe integers and a positive step: % is exact on them, so this is floorDiv(micros, step) × step without BigInt.
  if (Number.isSafeInteger(micros) && Number.isSafeInteger(step) && step > 0) {
    const r = micros % step;
    if (r === 0) return micros === 0 ? 0 : micros; // +0 for −0, as Number(0n) gives
    return micros - (r < 0 ? r + step : r);
  }
  return toSafe(floorDiv(BigInt(micros), BigInt(step)) * BigInt(step), 'floorTo');
}

/** Cost of `count` contracts at `price` (both fixed-point), rounded toward −∞ to a whole micro. */
export function notional(price: Micros, count: Centis): Micros {
  return toSafe(floorDiv(BigInt(price) * BigInt(count), BigInt(CENTIS_PER_CONTRACT)), 'notional');
}

/** Cost of `count` contracts at `price`, rounded toward +∞ (use for budgets and caps: never understate a cost). */
export function notionalCeil(price: Micros, count: Centis): Micros {
  return -toSafe(floorDiv(-BigInt(price) * BigInt(count), BigInt(CENTIS_PER_CONTRACT)), 'notional');
}

/** The complementary price of a binary contract: 1 − p. */
export function complement(price: Micros): Micros {
  return ONE_DOLLAR - price;
}

/** Is `price` a valid order price at all (strictly between $0 and $1)? Grid checks are separate. */
export function isTradablePrice(price: Micros): boolean {
  return Number.isSafeInteger(price) && price > 0 && price < ONE_DOLLAR;
}

/** Whole-number helper for user-facing config values given in dollars as JSON numbers (e.g. bankroll 250). */
export function dollarsFromConfigNumber(value: number, field: string): Micros {
  if (!Number.isFinite(value)) throw new FixedPointError(field, value, 'not a finite number');
  // Config numbers are human input; route through the decimal string so 0.1 becomes exactly 100000.
  const s = value.toFixed(6);
  return parseDollars(s, field);
}
