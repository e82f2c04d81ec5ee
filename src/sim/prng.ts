/**
 * Seeded deterministic PRNG (mulberry32) and string hashing (FNV-1a). No Math.random anywhere in the simulator.
 * Streams are derived from (seed, labels...) so a tick's randomness does not depend on how time was advanced.
 */
export interface Rng {
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform integer in [lo, hi] inclusive. */
  range(lo: number, hi: number): number;
  /** True with probability ppm / 1e6. */
  chancePpm(ppm: number): boolean;
  next32(): number;
}

export function hash32(...parts: Array<string | number>): number {
  let h = 0x811c9dc5;
  const s = parts.join('\u0001');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  const next32 = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const int = (n: number): number => {
    if (!Number.isSafeInteger(n) || n <= 0) return 0;
    // 53-bit draw from two 32-bit words, then modulo (bias negligible for our n).
    const hi = next32() >>> 5;
    const lo = next32() >>> 6;
    return (hi * 67108864 + lo) % n;
  };
  return {
    next32,
    int,
    range: (lo, hi) => lo + int(hi - lo + 1),
    chancePpm: (ppm) => int(1_000_000) < ppm,
  };
}

/** A stream keyed by the seed and labels. */
export function rngFor(seed: number, ...labels: Array<string | number>): Rng {
  return mulberry32(hash32(seed, ...labels));
}

/** Deterministic UUID-shaped id from a stream. */
export function uuidFrom(rng: Rng): string {
  const hex = (n: number, len: number) => n.toString(16).padStart(8, '0').slice(0, len);
  const a = hex(rng.next32(), 8);
  const b = hex(rng.next32(), 8);
  const c = hex(rng.next32(), 8);
  const d = hex(rng.next32(), 8);
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${((parseInt(c[0], 16) & 3) | 8).toString(16)}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}
