/**
 * The go-live checklist's judgements (`preflight`), pure: clock skew, a maintenance window in the next cycle, the
 * balance against the bankroll, and the dry-run burn-in of the live config. No I/O, no clock: "now" is an argument.
 */
import { formatDollars, Micros } from './fixed';

export interface Verdict {
  ok: boolean;
  detail: string;
}

/** |skew| ≤ max; an unknown skew (no Date header seen) fails: preflight cannot vouch for the signature's timestamp. */
export function judgeClockSkew(skewMs: number | null, maxSeconds: number): Verdict {
  if (skewMs === null) return { ok: false, detail: 'unknown: no answer from the exchange carried a Date header' };
  const ok = Math.abs(skewMs) <= maxSeconds * 1000;
  return { ok, detail: `${skewMs} ms (tolerance ±${maxSeconds} s, execution.max_clock_skew_seconds)${ok ? '' : ': fix this host\'s clock (NTP)'}` };
}

export interface Window {
  start: string;
  end: string;
}

/** The first maintenance window that overlaps [fromMs, toMs), or null. Windows with unparseable times count (fail closed). */
export function maintenanceWithin(windows: readonly Window[], fromMs: number, toMs: number): Window | null {
  for (const w of windows) {
    const s = Date.parse(w.start);
    const e = Date.parse(w.end);
    if (!Number.isFinite(s) || !Number.isFinite(e)) return w;
    if (s < toMs && e > fromMs) return w;
  }
  return null;
}

/** Cents when exact, else all six decimals (a balance is never rounded in a verdict). */
const money = (m: Micros): string => formatDollars(m, m % 10_000 === 0 ? 2 : 6);

export function judgeBalance(balance: Micros, bankroll: Micros): Verdict {
  const ok = balance >= bankroll;
  return {
    ok,
    detail: `balance $${money(balance)} ${ok ? '≥' : '<'} bankroll $${money(bankroll)}${ok ? '' : ' (trading.bankroll): fund the account or lower the bankroll'}`,
  };
}

export interface BurnInCycle {
  startedAtMs: number;
  finishedAtMs: number | null;
  outcome: string;
  /** The lane's config hash at the cycle; null for cycles recorded before it was recorded. */
  configHash: string | null;
}

/** Cycles at the end of the burn-in that must have no error. */
export const BURN_IN_CLEAN_TAIL = 3;

/**
 * The burn-in: the trailing run of the dry-run lane's cycles (latest first, back to the first cycle of another config)
 * whose config hash is `wantHash` (the live config's with the mode set to dry-run). It must span at least `minHours`
 * (first start → last finish) and its last BURN_IN_CLEAN_TAIL cycles must have no `error:` outcome. minHours 0 = off.
 */
export function judgeBurnIn(cycles: readonly BurnInCycle[], wantHash: string, minHours: number): Verdict {
  if (minHours <= 0) return { ok: true, detail: 'not required (go_live.min_burn_in_hours is 0)' };
  const sorted = [...cycles].filter((c) => c.outcome !== 'running').sort((a, b) => a.startedAtMs - b.startedAtMs);
  const run: BurnInCycle[] = [];
  for (let i = sorted.length - 1; i >= 0 && sorted[i].configHash === wantHash; i -= 1) run.unshift(sorted[i]);
  const need = `${minHours} h (go_live.min_burn_in_hours)`;
  if (run.length === 0) {
    const last = sorted[sorted.length - 1];
    return {
      ok: false,
      detail: last
        ? `no burn-in of config ${wantHash}: the dry-run lane's last cycle ran config ${last.configHash ?? 'unrecorded'}; run \`start --dry-run\` with the live config for ${need}`
        : `no burn-in: the dry-run lane has no finished cycle; run \`start --dry-run\` with the live config for ${need}`,
    };
  }
  const first = run[0];
  const last = run[run.length - 1];
  const hours = ((last.finishedAtMs ?? last.startedAtMs) - first.startedAtMs) / 3_600_000;
  const spanText = `${run.length} cycles over ${hours.toFixed(1)} h of config ${wantHash}`;
  if (hours < minHours) return { ok: false, detail: `${spanText}: less than ${need}` };
  const errors = run.slice(-BURN_IN_CLEAN_TAIL).filter((c) => c.outcome.startsWith('error:'));
  if (errors.length) return { ok: false, detail: `${spanText}, but ${errors.length} of its last ${BURN_IN_CLEAN_TAIL} cycles failed (${errors.map((c) => c.outcome).join(', ')})` };
  return { ok: true, detail: `${spanText}, the last ${Math.min(BURN_IN_CLEAN_TAIL, run.length)} without error` };
}
