/**
 * Polymarket simulator faults (set in process or through POST /__sim/faults with `admin`): 5xx answers (a seeded
 * rate and a deterministic "next N" counter) and stale books — the reported failure where `/book` answers a
 * 0.01/0.99 book with an old timestamp while `/price` and `/midpoint` stay live (kalshi-api.md §11).
 */
import { Rng, rngFor } from '../prng';

export interface PolymarketFaults {
  /** Probability in [0, 1] that a request is answered 500. */
  error5xxRate: number;
  /** The next N requests are answered 500. */
  fail5xxNext: number;
  /** Kalshi tickers (or token ids) whose books are stale; `all` for every book. */
  staleBooks: 'all' | string[];
}

export const NO_POLYMARKET_FAULTS: PolymarketFaults = { error5xxRate: 0, fail5xxNext: 0, staleBooks: [] };

export class PolymarketFaultState {
  faults: PolymarketFaults = { ...NO_POLYMARKET_FAULTS, staleBooks: [] };
  private readonly rng: Rng;

  constructor(seed: number) {
    this.rng = rngFor(seed, 'pm-faults');
  }

  /** Merge a partial update; throws naming the bad field. */
  set(partial: Partial<PolymarketFaults>): PolymarketFaults {
    const next = { ...this.faults };
    for (const [k, v] of Object.entries(partial)) {
      if (k === 'error5xxRate') {
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error('faults.error5xxRate: must be a number in [0, 1]');
        next.error5xxRate = v;
      } else if (k === 'fail5xxNext') {
        if (!Number.isSafeInteger(v) || (v as number) < 0) throw new Error('faults.fail5xxNext: must be a whole number ≥ 0');
        next.fail5xxNext = v as number;
      } else if (k === 'staleBooks') {
        if (v !== 'all' && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new Error('faults.staleBooks: must be "all" or an array of tickers / token ids');
        next.staleBooks = v === 'all' ? 'all' : [...(v as string[])];
      } else throw new Error(`faults: unknown field "${k}"`);
    }
    this.faults = next;
    return { ...next };
  }

  /** Should this request fail with a 500? (consumes the counter) */
  fail5xx(): boolean {
    if (this.faults.fail5xxNext > 0) {
      this.faults.fail5xxNext -= 1;
      return true;
    }
    return this.faults.error5xxRate > 0 && this.rng.chancePpm(Math.round(this.faults.error5xxRate * 1_000_000));
  }

  isStale(ticker: string, token: string): boolean {
    const s = this.faults.staleBooks;
    return s === 'all' || s.includes(ticker) || s.includes(token);
  }
}
