/**
 * Named crash points for tests (issue 9 "Named crash points"): `KALSHI_AUTOPILOT_CRASH_AT=<point>:<n>` makes the worker
 * process exit abruptly (process.exit(137), as if SIGKILLed) the n-th time it reaches `<point>` (n ≥ 1, default 1).
 *
 *   before_journal_write  the order passed every check, its pending_submit row not written yet (nothing of it exists)
 *   after_journal_write   the pending_submit row is committed, the create not sent yet
 *   after_create_sent     the exchange answered the create, the answer not recorded in the journal yet
 *   after_response        the create's answer is recorded in the journal, the activity has not returned yet
 *   during_fill_booking   reconciliation has booked a fill (one hit per fill), the run's transaction not committed yet
 *                         (LiveLedgerStore.applyPlan): the crash rolls the whole run back
 *   during_reconciliation reconciliation has read the exchange and planned, nothing of the plan applied yet
 *
 * Refused (throws) unless the lane's env is `sim`: `assertCrashPointsAllowed` runs in buildTradingDeps, which the
 * worker command builds before it polls. Tests may pass their own `CrashHook` (e.g. one that throws) instead.
 */
export const CRASH_POINTS = ['before_journal_write', 'after_journal_write', 'after_create_sent', 'after_response', 'during_fill_booking', 'during_reconciliation'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
export type CrashHook = (point: CrashPoint) => void;

export const CRASH_ENV_VAR = 'KALSHI_AUTOPILOT_CRASH_AT';

export interface CrashSpec {
  point: CrashPoint;
  n: number;
}

export function parseCrashSpec(raw: string | undefined): CrashSpec | null {
  if (raw === undefined || raw.trim() === '') return null;
  const m = /^([a-z_]+)(?::(\d+))?$/.exec(raw.trim());
  if (!m || !(CRASH_POINTS as readonly string[]).includes(m[1])) {
    throw new Error(`${CRASH_ENV_VAR}=${JSON.stringify(raw)}: expected <point>:<n> with point one of ${CRASH_POINTS.join(', ')}`);
  }
  const n = m[2] === undefined ? 1 : Number(m[2]);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${CRASH_ENV_VAR}: n must be an integer ≥ 1`);
  return { point: m[1] as CrashPoint, n };
}

/** Throws unless the crash variable is unset or the lane's env is sim. */
export function assertCrashPointsAllowed(env: string, processEnv: NodeJS.ProcessEnv = process.env): CrashSpec | null {
  const spec = parseCrashSpec(processEnv[CRASH_ENV_VAR]);
  if (spec && env !== 'sim') throw new Error(`${CRASH_ENV_VAR} is set but the lane's env is ${env}: crash points are refused outside sim`);
  return spec;
}

/** The hook the worker uses: counts each point and exits the process at the n-th hit of the configured one. */
export function crashHookFromSpec(spec: CrashSpec | null, exit: (code: number) => never = (c) => process.exit(c)): CrashHook | null {
  if (!spec) return null;
  let hits = 0;
  return (point) => {
    if (point !== spec.point) return;
    hits += 1;
    if (hits === spec.n) {
      process.stderr.write(`${CRASH_ENV_VAR}: crashing at ${point} (hit ${hits})\n`);
      exit(137);
    }
  };
}
