/**
 * Integer input checks and the one ppm-threshold rule shared by the risk guards. Pure; each check throws a RangeError
 * naming the field (the guards' fail-closed wrapper turns it into no orders).
 */

const PPM = 1_000_000n;

/** A safe integer (money in micros, logical-clock ms). */
export function requireInt(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new RangeError(`${field}: expected an integer (got ${String(value)})`);
  return value;
}

/** A safe integer ≥ 0 (counts, caps, cycle numbers, ppm). */
export function requireCount(value: unknown, field: string): number {
  if (requireInt(value, field) < 0) throw new RangeError(`${field}: expected an integer ≥ 0 (got ${String(value)})`);
  return value as number;
}

/**
 * The smallest amount (micros) that reaches `ppm` of `baseMicros`: max(1, ⌈ppm × base / 1e6⌉), exact on BigInt.
 * For an integer x: x × 1e6 ≥ ppm × base ⇔ x ≥ ⌈ppm × base / 1e6⌉; the floor of 1 means "at least one micro".
 */
export function ppmThresholdMicros(baseMicros: number, ppm: number, field: string): number {
  requireInt(baseMicros, `${field} base`);
  requireCount(ppm, field);
  const p = BigInt(ppm) * BigInt(baseMicros);
  const q = p / PPM;
  const t = p % PPM !== 0n && p > 0n ? q + 1n : q;
  return Number(t < 1n ? 1n : t);
}
