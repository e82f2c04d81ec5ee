/**
 * Injectable faults (per run, toggled through the admin API or the in-process handle). Rates are probabilities in
 * [0, 1] drawn from a seeded stream; the `*Next` counters fire deterministically on the next N eligible requests.
 */
import { Rng, rngFor } from './prng';

export interface Faults {
  /** Probability a Kalshi API request gets a 500 before anything runs (nothing is executed). */
  error5xxRate: number;
  fail5xxNext: number;
  /** Probability a create is executed but its response never arrives. */
  timeoutCreateRate: number;
  timeoutNextCreates: number;
  /** Probability a create is executed and then answered 500 (the response that tempts clients to re-send). */
  createThen500Rate: number;
  /** The next N creates are executed, then answered 500. */
  createThen500Next: number;
  /** 'destroy' resets the socket; 'hold' never answers (until the client gives up or the sim closes). */
  timeoutMode: 'destroy' | 'hold';
  /** The next N API requests get 429. */
  burst429: number;
  /** Read-after-write lag (exchange-clock ms): orders, fills, positions and balance read as of now − lag (read-lag.ts). */
  readLagMs: number;
  /** Probability a 2xx response body is truncated (malformed JSON). */
  malformedRate: number;
  malformNext: number;
  /** Skew added to the auth clock (real wall time). */
  clockSkewMs: number;
}

export const NO_FAULTS: Faults = {
  error5xxRate: 0, fail5xxNext: 0, timeoutCreateRate: 0, timeoutNextCreates: 0, createThen500Rate: 0, createThen500Next: 0, timeoutMode: 'destroy',
  burst429: 0, readLagMs: 0, malformedRate: 0, malformNext: 0, clockSkewMs: 0,
};

const NUMERIC: Array<keyof Faults> = ['error5xxRate', 'fail5xxNext', 'timeoutCreateRate', 'timeoutNextCreates', 'createThen500Rate', 'createThen500Next', 'burst429', 'readLagMs', 'malformedRate', 'malformNext', 'clockSkewMs'];

export class FaultState {
  faults: Faults = { ...NO_FAULTS };
  private rng: Rng;

  constructor(private readonly seed: number) {
    this.rng = rngFor(seed, 'faults');
  }

  /** Merge a partial update; throws naming the bad field. */
  set(partial: Partial<Faults>): Faults {
    for (const [k, v] of Object.entries(partial)) {
      if (!(k in NO_FAULTS)) throw new Error(`faults: unknown field "${k}"`);
      if (k === 'timeoutMode') {
        if (v !== 'destroy' && v !== 'hold') throw new Error(`faults.timeoutMode: must be "destroy" or "hold"`);
      } else if (NUMERIC.includes(k as keyof Faults)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`faults.${k}: must be a number`);
        if (k.endsWith('Rate') && (v < 0 || v > 1)) throw new Error(`faults.${k}: must be within [0, 1]`);
        if (!k.endsWith('Rate') && k !== 'clockSkewMs' && (v < 0 || !Number.isInteger(v))) throw new Error(`faults.${k}: must be a non-negative integer`);
      }
    }
    this.faults = { ...this.faults, ...partial };
    return this.faults;
  }

  reset(): void {
    this.faults = { ...NO_FAULTS };
    this.rng = rngFor(this.seed, 'faults');
  }

  private roll(rate: number): boolean {
    return rate > 0 && this.rng.chancePpm(Math.round(rate * 1_000_000));
  }

  take429(): boolean {
    if (this.faults.burst429 > 0) {
      this.faults.burst429--;
      return true;
    }
    return false;
  }

  take5xx(): boolean {
    if (this.faults.fail5xxNext > 0) {
      this.faults.fail5xxNext--;
      return true;
    }
    return this.roll(this.faults.error5xxRate);
  }

  takeCreateTimeout(): boolean {
    if (this.faults.timeoutNextCreates > 0) {
      this.faults.timeoutNextCreates--;
      return true;
    }
    return this.roll(this.faults.timeoutCreateRate);
  }

  takeCreateThen500(): boolean {
    if (this.faults.createThen500Next > 0) {
      this.faults.createThen500Next--;
      return true;
    }
    return this.roll(this.faults.createThen500Rate);
  }

  takeMalformed(): boolean {
    if (this.faults.malformNext > 0) {
      this.faults.malformNext--;
      return true;
    }
    return this.roll(this.faults.malformedRate);
  }
}
