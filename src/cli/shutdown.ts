import type { Logger } from 'pino';

/** Time past the deadline for closing connections and flushing the ledger before a forced exit. */
const closeGraceMs = 5_000;

/**
 * Waits for SIGINT or SIGTERM, then runs `close` (drain, stop claiming, let sessions finish until
 * `deadlineMs`, give back what is unfinished, flush the ledger, close connections). If that has
 * not finished by the deadline plus a short grace the process exits with 1 rather than outlive an
 * orchestrator's kill timeout half-closed. A second signal exits at once (130).
 */
export function onShutdown(logger: Logger, close: () => Promise<void>, { deadlineMs }: { deadlineMs: number }): Promise<void> {
  return new Promise((resolve) => {
    let closing = false;
    const handler = (signal: NodeJS.Signals) => {
      if (closing) {
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      closing = true;
      logger.info({ signal, deadlineMs }, 'shutting down');
      const started = Date.now();
      const forced = setTimeout(() => {
        logger.error({ deadlineMs, graceMs: closeGraceMs }, 'shutdown overran its deadline: exiting now');
        process.exit(1);
      }, deadlineMs + closeGraceMs);
      forced.unref();
      close()
        .then(() => logger.info({ durationMs: Date.now() - started }, 'shut down cleanly'))
        .catch((error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exitCode = 1;
        })
        .finally(() => {
          clearTimeout(forced);
          resolve();
        });
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}
