import { Context } from '@temporalio/activity';

/** Heartbeat when running inside a Temporal activity (long steps report progress per page); a no-op elsewhere. */
export function progress(details: unknown): void {
  let ctx: Context | null = null;
  try {
    ctx = Context.current();
  } catch {
    return; // called outside an activity (unit tests)
  }
  ctx.heartbeat(details);
}

/** The running activity's cancellation signal (a timed-out or cancelled attempt aborts its in-flight calls); undefined elsewhere. */
export function cancellationSignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called outside an activity (unit tests)
  }
}
