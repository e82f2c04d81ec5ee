/** BigInt helpers for the domain's fixed-point arithmetic (no float ever). Pure. */

/** a / b rounded toward −∞ (b ≠ 0). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

/** a / b rounded toward +∞ (b ≠ 0). */
export function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) === (b < 0n) ? q + 1n : q;
}

/** The BigInt as a number, or a RangeError naming `what` if it is not a safe integer. */
export function toSafeNumber(b: bigint, what: string): number {
  if (b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${what} out of safe integer range`);
  return Number(b);
}

/** A safe integer ≥ `min` as a BigInt, or a RangeError naming `what`. */
export function safeBig(x: number, what: string, min = -Number.MAX_SAFE_INTEGER): bigint {
  if (!Number.isSafeInteger(x) || x < min) throw new RangeError(`${what} must be a safe integer ≥ ${min} (got ${x})`);
  return BigInt(x);
}
