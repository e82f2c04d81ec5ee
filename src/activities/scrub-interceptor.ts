import { ApplicationFailure } from '@temporalio/activity';
import type { ActivityInboundCallsInterceptor, ActivityExecuteInput, Next } from '@temporalio/worker';
import { scrub } from '../observability/redact';

/**
 * Every activity error leaves the worker scrubbed: its message and stack become part of Temporal history (and the Web
 * UI), so a secret quoted by some library error must be removed before it gets there. Type and retryability are kept.
 */
export class ScrubFailuresInterceptor implements ActivityInboundCallsInterceptor {
  async execute(input: ActivityExecuteInput, next: Next<ActivityInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    try {
      return await next(input);
    } catch (err) {
      throw scrubFailure(err);
    }
  }
}

export function scrubFailure(err: unknown): Error {
  if (err instanceof ApplicationFailure) {
    const f = ApplicationFailure.create({
      message: scrub(err.message),
      type: err.type ?? undefined,
      nonRetryable: err.nonRetryable ?? undefined,
      nextRetryDelay: err.nextRetryDelay ?? undefined,
    });
    f.stack = err.stack ? scrub(err.stack) : f.stack;
    return f;
  }
  if (err instanceof Error) {
    const e = new Error(scrub(err.message));
    e.name = err.name;
    e.stack = err.stack ? scrub(err.stack) : e.stack;
    return e;
  }
  return new Error(scrub(String(err)));
}
