/** Exact integer arithmetic for the simulator's ledger: no float division on money or counts (BigInt inside). */
import type { Centis, Micros } from '../domain/fixed';

function safe(b: bigint, what: string): number {
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} out of range`);
  return Number(b);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** floor(a × b / c) for integers, c > 0 (e.g. the cost share of `closing` out of `held` contracts). */
export function mulDivFloor(a: number, b: number, c: number): number {
  if (![a, b, c].every(Number.isSafeInteger) || c <= 0) throw new RangeError('mulDivFloor needs safe integers and c > 0');
  return safe(floorDiv(BigInt(a) * BigInt(b), BigInt(c)), 'mulDivFloor');
}

/**
 * A per-contract average rounded half up to $0.0001 (100 micros). `total` is Σ price × count in micros·centis (so a
 * total fee in micros is passed as fee × 100); `count` in centis.
 */
export function averageTo4dp(total: number, count: Centis): Micros {
  if (!Number.isSafeInteger(total) || !Number.isSafeInteger(count) || count <= 0) throw new RangeError('averageTo4dp needs a positive count');
  const c = BigInt(count);
  return safe(floorDiv(BigInt(total) + 50n * c, 100n * c) * 100n, 'averageTo4dp');
}
