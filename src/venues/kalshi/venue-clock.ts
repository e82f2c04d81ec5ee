/**
 * The venue clock for demo and prod (issue 9 "Exchange times … come from a venue-clock port"): wall time corrected by
 * the measured skew against the exchange. On `sim` the simulator's own clock is the venue clock (trading-deps.ts).
 *
 * The measure: the HTTP `Date` header of Kalshi's answers (KalshiHttp.observeDate: exchange − local, ±~0.5 s; the
 * header has 1 s resolution). kalshi-api.md documents no server-time endpoint; `GET /exchange/user_data_timestamp`
 * says how fresh the portfolio reads are, it lags by design and is no clock. One sample = one cheap public read
 * (`GET /exchange/status`) when the newest sample is older than `sampleIntervalMs`.
 *
 * The estimate: the MEDIAN of the recent samples (at most `windowSize`, none older than `maxSampleAgeMs`), so one slow
 * or odd answer moves nothing. The correction applied to wall time is bounded by `maxCorrectionMs`; beyond it, or
 * beyond the tolerance (`execution.max_clock_skew_seconds`), `check()` refuses and the live order path sends nothing
 * (`clock_skew_guard`). An unmeasured skew (no sample could be taken) is refused too: fail closed.
 */

export interface ClockSample {
  /** Wall time when it was taken (ms). */
  atMs: number;
  /** Exchange − local (ms). */
  skewMs: number;
}

export type SkewVerdict =
  | { ok: true; skewMs: number; samples: number; detail: string }
  | { ok: false; skewMs: number | null; samples: number; detail: string };

export interface VenueClockOptions {
  wallNow: () => number;
  /** One fresh measurement (exchange − local, ms), or null when it could not be taken. May throw. */
  measure: () => Promise<number | null>;
  /** The tolerance (ms): a larger |median| refuses new orders. */
  maxSkewMs: number;
  /** Samples kept (default 9). */
  windowSize?: number;
  /** Samples older than this are ignored (default 10 min). */
  maxSampleAgeMs?: number;
  /** A new measurement when the newest sample is older than this (default 30 s). */
  sampleIntervalMs?: number;
  /** The largest correction ever applied to wall time (default 60 s): a wilder median is not trusted. */
  maxCorrectionMs?: number;
}

/** The median of the samples' skews (the lower middle of an even count, an integer); null for none. */
export function medianSkewMs(samples: readonly ClockSample[]): number | null {
  if (samples.length === 0) return null;
  const s = samples.map((x) => x.skewMs).sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** The verdict on a median skew: within ±maxSkewMs and the correction bound → ok. */
export function judgeSkew(median: number | null, samples: number, maxSkewMs: number, maxCorrectionMs: number): SkewVerdict {
  const tol = `±${maxSkewMs / 1000} s, execution.max_clock_skew_seconds`;
  if (median === null) return { ok: false, skewMs: null, samples, detail: `clock skew against the exchange unmeasured (no answer carried a Date header; tolerance ${tol})` };
  if (Math.abs(median) > maxSkewMs || Math.abs(median) > maxCorrectionMs) {
    return { ok: false, skewMs: median, samples, detail: `the exchange's clock is ${median} ms from ours (median of ${samples}; tolerance ${tol}): fix this host's clock (NTP)` };
  }
  return { ok: true, skewMs: median, samples, detail: `skew ${median} ms (median of ${samples}; tolerance ${tol})` };
}

export class VenueClock {
  private samples: ClockSample[] = [];
  private readonly windowSize: number;
  private readonly maxSampleAgeMs: number;
  private readonly sampleIntervalMs: number;
  private readonly maxCorrectionMs: number;

  constructor(private readonly o: VenueClockOptions) {
    if (!Number.isSafeInteger(o.maxSkewMs) || o.maxSkewMs < 0) throw new RangeError(`VenueClock: maxSkewMs must be an integer ≥ 0 (got ${o.maxSkewMs})`);
    this.windowSize = o.windowSize ?? 9;
    this.maxSampleAgeMs = o.maxSampleAgeMs ?? 600_000;
    this.sampleIntervalMs = o.sampleIntervalMs ?? 30_000;
    this.maxCorrectionMs = o.maxCorrectionMs ?? 60_000;
    if (!Number.isSafeInteger(this.windowSize) || this.windowSize < 1) throw new RangeError('VenueClock: windowSize must be an integer ≥ 1');
  }

  /** Add a measurement (also usable by a caller that already holds one). Non-integers are ignored. */
  record(skewMs: number, atMs: number = this.o.wallNow()): void {
    if (!Number.isSafeInteger(skewMs) || !Number.isFinite(atMs)) return;
    this.samples.push({ atMs, skewMs });
    if (this.samples.length > this.windowSize) this.samples.splice(0, this.samples.length - this.windowSize);
  }

  /** The samples that count now (not older than maxSampleAgeMs). */
  recent(nowMs: number = this.o.wallNow()): ClockSample[] {
    return this.samples.filter((s) => nowMs - s.atMs <= this.maxSampleAgeMs);
  }

  /** Take a new sample when the newest is older than sampleIntervalMs (a failed measure is not a sample). */
  async refresh(): Promise<void> {
    const now = this.o.wallNow();
    const newest = this.samples[this.samples.length - 1];
    if (newest && now - newest.atMs < this.sampleIntervalMs) return;
    let skew: number | null = null;
    try {
      skew = await this.o.measure();
    } catch {
      skew = null;
    }
    if (skew !== null) this.record(Math.round(skew), now);
  }

  /** The tolerance verdict (clock_skew_guard when not ok). */
  async check(): Promise<SkewVerdict> {
    await this.refresh();
    const r = this.recent();
    return judgeSkew(medianSkewMs(r), r.length, this.o.maxSkewMs, this.maxCorrectionMs);
  }

  /** The exchange's now: wall time + the median skew, bounded by maxCorrectionMs (wall time while unmeasured). */
  async nowMs(): Promise<number> {
    await this.refresh();
    const wall = this.o.wallNow();
    const m = medianSkewMs(this.recent(wall)) ?? 0;
    return wall + Math.max(-this.maxCorrectionMs, Math.min(this.maxCorrectionMs, m));
  }
}

/** The venue clock of a Kalshi client: one `GET /exchange/status` per sample, its Date header measured by the client. */
export function kalshiVenueClock(
  venue: { getExchangeStatus(): Promise<unknown>; clockSkewMs(): number | null },
  maxClockSkewSeconds: number,
  opts: Partial<Omit<VenueClockOptions, 'measure' | 'maxSkewMs'>> = {},
): VenueClock {
  return new VenueClock({
    wallNow: () => Date.now(),
    ...opts,
    maxSkewMs: Math.round(maxClockSkewSeconds * 1000),
    measure: async () => {
      await venue.getExchangeStatus();
      return venue.clockSkewMs();
    },
  });
}
