import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

/**
 * Route the Temporal SDK's own logs (core, bundler) into our logger at WARN and above, once per process.
 * Must run before the first connection or worker is created.
 */
export function installTemporalRuntimeLogging(logger: Logger, level: LogLevel = 'WARN'): void {
  // The SDK keeps one Runtime per process; if one exists (an embedding app or a test installed it) keep it.
  if (Runtime._instance !== undefined) return;
  Runtime.install({
    // Our composition root owns SIGINT/SIGTERM (it logs, then shuts the worker down); the SDK must not race it.
    shutdownSignals: [],
    logger: new DefaultLogger(level, (entry) => {
      const meta = { sdk: true, ...(entry.meta ?? {}) };
      if (entry.level === 'ERROR') logger.error(meta, entry.message);
      else if (entry.level === 'WARN') logger.warn(meta, entry.message);
      else logger.debug(meta, entry.message);
    }),
  });
}
