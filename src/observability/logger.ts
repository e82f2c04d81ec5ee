import pino, { Logger, DestinationStream } from 'pino';
import { REDACT_PATHS, scrub } from './redact';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  name?: string;
  /** Where lines go; default stderr (stdout is kept for command output such as --json). */
  destination?: DestinationStream;
}

/**
 * The one way to make a logger: JSON lines, secrets redacted by key and scrubbed by value.
 * Every module receives its logger from the composition root (worker, CLI, sim); none makes its own.
 */
export function createLogger(opts: LoggerOptions = {}): Logger {
  return pino(
    {
      name: opts.name ?? 'kalshi-autopilot',
      level: opts.level ?? process.env.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        // Scrub free-text arguments and messages by value (registered secrets, PEM blocks).
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrub(a) : a)) as Parameters<typeof method>);
        },
      },
      serializers: {
        err: (e: unknown) => {
          const s = pino.stdSerializers.err(e as Error);
          return { ...s, message: scrub(s.message ?? ''), stack: s.stack ? scrub(s.stack) : undefined };
        },
      },
    },
    opts.destination ?? pino.destination(2),
  );
}

/** A logger that drops everything (tests that don't assert on logs). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
