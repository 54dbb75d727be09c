import type { Command } from 'commander';
import { buildServer } from '../api/index.js';
import { createRuntime } from '../runtime.js';
import { checkServeBind } from '../security/bind-policy.js';
import { configFrom, parseIntegerOption, runCommand } from './context.js';
import { onShutdown } from './shutdown.js';
import { startEventLoopWatchdog } from '../observability/event-loop-watchdog.js';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Run the API, the dashboard and (unless --no-workers) workers in one process')
    .option('--port <port>', 'port to listen on', parseIntegerOption('port'))
    .option('--host <host>', 'address to bind')
    .option('--no-workers', 'serve the API only; run `anvil worker` processes for the work')
    .action((options: { port?: number; host?: string; workers: boolean }) =>
      runCommand(async () => {
        const config = configFrom(program, { server: { port: options.port, host: options.host, workers: options.workers } });
        const runtime = await createRuntime(config, { role: 'serve' });
        // After opening: PGlite's start (WAL recovery, compiling its module) blocks the loop legitimately.
        const watchdog = config.server.eventLoopStallExitMs > 0 ? startEventLoopWatchdog({ stallMs: config.server.eventLoopStallExitMs }) : undefined;
        // Without API keys: loopback only, or refuse to start (exit 2).
        const bind = await checkServeBind({ host: config.server.host, db: runtime.db, adminKey: config.security.adminKey }).catch(async (error: unknown) => {
          await runtime.close();
          throw error;
        });
        runtime.logger[bind.localAdmin ? 'warn' : 'info']({ host: config.server.host, localAdmin: bind.localAdmin }, bind.message);
        const app = await buildServer({ runtime });
        if (config.server.workers) runtime.startWorker();
        const address = await app.listen({ port: config.server.port, host: config.server.host });
        const model = runtime.models.defaultModelName();
        const simulated = runtime.models.resolve(model).simulated;
        runtime.logger.info(
          { address, database: runtime.db.kind, workers: config.server.workers, model, simulated },
          `Anvil listening on ${address}${simulated ? ' — default model is SIMULATED (no LLM key configured)' : ''}`,
        );
        const deadlineMs = config.server.shutdownDeadlineMs;
        await onShutdown(
          runtime.logger,
          async () => {
            // Readiness turns 503 and event streams end (clients resume on another node) at once;
            // the listener closes after in-flight requests while the worker stops claiming.
            runtime.lifecycle.drain();
            await Promise.all([app.close(), runtime.worker?.stop(deadlineMs)]);
            await runtime.close({ deadlineMs });
            await watchdog?.stop();
          },
          { deadlineMs },
        );
      }),
    );
}
