import { Context } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';

/** Never heartbeat less often than this, whatever the timeout (the SDK throttles beats to 0.8 × the timeout anyway). */
const MAX_BEAT_MS = 3_000;

/**
 * An activity that has a heartbeat timeout beats on its own while it runs (every third of the timeout, at most every
 * 3 s), besides the progress details its steps report. A live worker is then never mistaken for a dead one (a slow
 * book read or a 429 backoff inside one order takes longer than the order-path's 10 s heartbeat timeout), while a
 * killed worker stops beating and its attempt times out in that 10 s, not in its start-to-close timeout: under time
 * skipping the test server does not skip time while an attempt is outstanding (docs/week-proof.md).
 * A hung activity is still ended by its start-to-close timeout.
 */
export class KeepAliveInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    let ctx: Context;
    try {
      ctx = Context.current();
    } catch {
      return next(input);
    }
    const timeout = ctx.info.heartbeatTimeoutMs;
    if (!timeout || timeout <= 0) return next(input);
    const every = Math.max(250, Math.min(MAX_BEAT_MS, Math.floor(timeout / 3)));
    const timer = setInterval(() => ctx.heartbeat({ alive: true }), every);
    try {
      return await next(input);
    } finally {
      clearInterval(timer);
    }
  }
}
