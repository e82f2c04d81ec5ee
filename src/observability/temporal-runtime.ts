import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import type { Logger } from 'pino';

let installed = false;

/**
 * Route the Temporal SDK's own logs (core, bundler) into our logger at WARN and above, once per process.
 * Must run before the first connection or worker is created.
 */
export function installTemporalRuntimeLogging(logger: Logger, level: LogLevel = 'WARN'): void {
  if (installed) return;
  installed = true;
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
