/**
 * One order-placing attempt at a time (issue 9 review #2). A Temporal activity attempt that the server has timed out
 * (its heartbeat was late) is retried while the old attempt may still be running in this worker: two attempts of the
 * same `execute` would then interleave on the same journal rows — the old one inserting a body the new one already
 * inserted with another price or expiration (idempotency_conflict_guard latched), or sending a second create.
 *
 * `AttemptGuard.check(stage)` runs before every journal write and every send of the live order path and throws
 * CancelledFailure (the attempt stops there, nothing written or sent) when
 * - the activity was cancelled: the SDK learns of a server-side timeout (TIMED_OUT) or a closed workflow (NOT_FOUND)
 *   through a heartbeat answer, and aborts `Context.cancellationSignal`; or
 * - a LATER attempt of the same activity has started in this worker process (the AttemptFence): the window in which
 *   the server has already timed the old attempt out but no heartbeat has told the worker yet.
 * Each check also heartbeats (progress details), so the order path beats per order and around each network call, on
 * top of the KeepAliveInterceptor's periodic beats. Outside an activity (unit tests, tools) it is a no-op.
 *
 * better-sqlite3 writes are synchronous: a check followed by its write cannot interleave with another attempt in this
 * process. A send that a check let through before the newer attempt started leaves a `pending_submit` row with its send
 * recorded: the newer attempt resumes it (byte-identical resend → 409 already exists → lookup), never a new body.
 */
import { CancelledFailure, Context } from '@temporalio/activity';

/**
 * The newest attempt seen per activity (workflow run + activity id), per worker process. Entries are never released
 * when an attempt ends (a newer attempt that finished first must still fence the old one out); the oldest are evicted
 * past `capacity` (one key per execute call: a week of cycles is a few thousand).
 */
export class AttemptFence {
  private readonly latest = new Map<string, number>();

  constructor(private readonly capacity = 10_000) {}

  /** Record `attempt` as started; returns the newest attempt known for `key` afterwards. */
  claim(key: string, attempt: number): number {
    const n = Math.max(this.latest.get(key) ?? 0, attempt);
    this.latest.delete(key);
    this.latest.set(key, n);
    while (this.latest.size > this.capacity) this.latest.delete(this.latest.keys().next().value as string);
    return n;
  }

  newest(key: string): number {
    return this.latest.get(key) ?? 0;
  }
}

/** The worker process's fence (like the reconciliation gate: "this worker process" is the contract). */
export const processAttemptFence = new AttemptFence();

export interface AttemptGuard {
  /** Heartbeat `details`, then throw CancelledFailure if this attempt must not write or send any more. */
  check(stage: string, details?: Record<string, unknown>): void;
  /** Heartbeat only (around network calls). */
  beat(stage: string, details?: Record<string, unknown>): void;
}

const NOOP: AttemptGuard = { check: () => {}, beat: () => {} };

/** The guard of the current activity attempt; a no-op outside an activity. */
export function attemptGuard(fence: AttemptFence = processAttemptFence): AttemptGuard {
  let ctx: Context;
  try {
    ctx = Context.current();
  } catch {
    return NOOP;
  }
  const { info } = ctx;
  const key = `${info.workflowExecution?.workflowId ?? ''}/${info.workflowExecution?.runId ?? ''}/${info.activityId}`;
  const attempt = info.attempt;
  fence.claim(key, attempt);
  const beat = (stage: string, details: Record<string, unknown> = {}) => {
    try {
      ctx.heartbeat({ stage, ...details });
    } catch {
      // A heartbeat that cannot be sent changes nothing here; the checks below decide.
    }
  };
  return {
    beat,
    check(stage, details = {}) {
      beat(stage, details);
      const signal = ctx.cancellationSignal;
      if (signal.aborted) {
        const reason = signal.reason instanceof Error ? signal.reason.message : String(signal.reason ?? 'CANCELLED');
        throw new CancelledFailure(`execute attempt ${attempt} cancelled (${reason}) before ${stage}: nothing more is written or sent`);
      }
      const newest = fence.newest(key);
      if (newest > attempt) {
        throw new CancelledFailure(`execute attempt ${attempt} superseded by attempt ${newest} before ${stage}: nothing more is written or sent`);
      }
    },
  };
}
