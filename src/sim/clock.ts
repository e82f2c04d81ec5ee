/**
 * The simulator's market clock. `wall` follows real time (plus any offset added by advance/setTime, so a standalone
 * simulator can still be time-skipped); `manual` only moves when told. This is the market-life clock; request
 * authentication uses real wall time plus the injected skew fault (see auth.ts), never this clock.
 */
export type ClockOptions = { mode: 'wall' } | { mode: 'manual'; startMs: number };

export interface SimClock {
  readonly mode: 'wall' | 'manual';
  now(): number;
  /** Move to an absolute time; moving backwards throws. */
  set(ms: number): void;
  advance(ms: number): void;
  /** Reset (may go backwards): used by the simulator's reset only. */
  resetTo(ms: number): void;
}

export function createClock(opts: ClockOptions, wallNow: () => number): SimClock {
  let offset = 0;
  let manual = opts.mode === 'manual' ? opts.startMs : 0;
  const now = (): number => (opts.mode === 'wall' ? wallNow() + offset : manual);
  const set = (ms: number): void => {
    if (!Number.isSafeInteger(ms)) throw new RangeError(`clock: time must be an integer of ms (got ${ms})`);
    const cur = now();
    if (ms < cur) throw new RangeError(`clock: cannot move backwards (now ${cur}, asked ${ms})`);
    if (opts.mode === 'wall') offset += ms - cur;
    else manual = ms;
  };
  return {
    mode: opts.mode,
    now,
    set,
    resetTo: (ms: number) => {
      if (opts.mode === 'wall') offset += ms - now();
      else manual = ms;
    },
    advance: (ms: number) => {
      if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`clock: advance must be a non-negative integer of ms (got ${ms})`);
      set(now() + ms);
    },
  };
}
