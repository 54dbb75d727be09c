import { loadConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';
import type { Database } from '../../src/store/database.js';
import { claimTask, completeTask } from '../../src/store/queue/index.js';
import { openMigratedPglite } from '../../test/helpers/databases.js';
import type { ScenarioResult } from './processes.js';
import { measureWindow, seedQueue, waitForQueueDrained } from './seed.js';

/**
 * The embedded shape: PGlite in this process, the real worker (or the bare claim → complete
 * loop) beside it. PGlite has one backend, so statements are serialised; `concurrency` only
 * overlaps the JavaScript around them.
 */
export function benchConfig(database: { dataDir: string } | { url: string }) {
  // Defaults for everything but the database, the quiet log and the simulated model's latency
  // and failures; the environment is ignored so the numbers do not depend on the shell.
  return loadConfig({
    env: {},
    overrides: { database, log: { level: 'warn', pretty: false }, llm: { simulated: { latencyMs: 0, failureRate: 0 } } },
  });
}

export async function runInProcessScenario({ mode, concurrency, tasks, wrap }: { mode: 'pipeline' | 'bare'; concurrency: number; tasks: number; wrap?: (db: Database) => Database }): Promise<ScenarioResult> {
  const raw = await openMigratedPglite();
  const db = wrap ? wrap(raw) : raw;
  const { runIds } = await seedQueue(db, tasks);
  const cpuBefore = process.cpuUsage();
  let statements: number;
  if (mode === 'pipeline') {
    const runtime = await createRuntime(benchConfig({ dataDir: 'memory://' }), { database: db, migrate: false });
    const before = raw.statements;
    runtime.startWorker({ concurrency });
    const checks = await waitForQueueDrained(runtime.db, runIds, 600_000);
    await runtime.worker!.stop();
    // The drain checks' own statements are not the worker's.
    statements = raw.statements - before - checks;
    const window = await measureWindow(db, runIds);
    const cpu = process.cpuUsage(cpuBefore);
    await runtime.close();
    return result(window, statements, cpu);
  }
  const before = raw.statements;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const task = await claimTask(db, { workerId: 'bench', leaseSeconds: 30 });
        if (!task) return;
        await completeTask(db, { taskId: task.id, attempt: task.attempt, workerId: 'bench' }, { ok: true });
      }
    }),
  );
  statements = raw.statements - before;
  const window = await measureWindow(db, runIds);
  const cpu = process.cpuUsage(cpuBefore);
  await db.close();
  return result(window, statements, cpu);
}

function result(window: { done: number; seconds: number }, statements: number, cpu: NodeJS.CpuUsage): ScenarioResult {
  return {
    done: window.done,
    seconds: window.seconds,
    tasksPerSecond: window.done / window.seconds,
    statements,
    statementsPerTask: statements / window.done,
    cpuMsPerTask: (cpu.user + cpu.system) / 1000 / window.done,
  };
}
