import type { Command } from 'commander';
import { startMetricsServer } from '../observability/metrics-server.js';
import { createRuntime } from '../runtime.js';
import { configFrom, parseIntegerOption, runCommand } from './context.js';
import { onShutdown } from './shutdown.js';
import { startEventLoopWatchdog } from '../observability/event-loop-watchdog.js';

export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description('Run a worker process that claims tasks from the shared database (PostgreSQL)')
    .option('--concurrency <n>', 'agent sessions at once', parseIntegerOption('concurrency'))
    .option('--metrics-port <port>', 'serve /metrics and /healthz on this port (0: none; default 9464)', parseIntegerOption('metrics-port'))
    .action((options: { concurrency?: number; metricsPort?: number }) =>
      runCommand(async () => {
        const config = configFrom(program, { worker: { concurrency: options.concurrency }, observability: { metricsPort: options.metricsPort } });
        const runtime = await createRuntime(config, { role: 'worker' });
        // After opening: PGlite's start (WAL recovery, compiling its module) blocks the loop legitimately.
        const watchdog = config.server.eventLoopStallExitMs > 0 ? startEventLoopWatchdog({ stallMs: config.server.eventLoopStallExitMs }) : undefined;
        const { metricsPort, metricsHost } = config.observability;
        // Before the worker starts, so a taken port stops the process before it claims anything.
        const metricsServer =
          runtime.metrics && metricsPort > 0
            ? await startMetricsServer({ metrics: runtime.metrics, port: metricsPort, host: metricsHost, onError: (error) => runtime.logger.warn({ err: error }, 'metrics scrape failed') }).catch(
                async (error: unknown) => {
                  await runtime.close();
                  throw error;
                },
              )
            : undefined;
        const worker = runtime.startWorker();
        runtime.logger.info({ workerId: worker.id, concurrency: config.worker.concurrency, database: runtime.db.kind, metrics: metricsServer?.url }, 'worker started');
        const deadlineMs = config.server.shutdownDeadlineMs;
        await onShutdown(
          runtime.logger,
          async () => {
            await runtime.close({ deadlineMs });
            await watchdog?.stop();
            await metricsServer?.close();
          },
          { deadlineMs },
        );
      }),
    );
}
