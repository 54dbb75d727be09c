import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openPostgres } from '../../src/store/postgres.js';
import { createPostgresDatabase } from '../../test/helpers/databases.js';
import { busyShare, sampleMachineCpu } from '../lib/machine-cpu.js';
import { measureWindow, seedQueue, waitForQueueDrained } from './seed.js';
import type { ChildMessage, ParentMessage, WorkerMode } from './worker-process.js';

/**
 * One PostgreSQL measurement: a fresh database cloned from the migrated template, a seeded queue,
 * `processes` worker processes that connect first and start together on `go`. The rate comes
 * from the task rows (first claim to last completion, the database's clock), so process start-up
 * and connection set-up are not counted.
 */
export interface ProcessScenario {
  baseUrl: string;
  mode: WorkerMode;
  processes: number;
  concurrency: number;
  tasks: number;
  /** Runs the tasks are spread over; every write to a run serialises on the run's row. */
  runs: number;
}

export interface ScenarioResult {
  done: number;
  seconds: number;
  tasksPerSecond: number;
  statements: number;
  statementsPerTask: number;
  /** Worker processes' CPU time (user + system) per task. */
  cpuMsPerTask: number;
  /** Share of the machine's cores busy (every process, the database's too) while the queue drained. */
  machineBusy?: number;
}

const childModule = fileURLToPath(new URL('./worker-process.ts', import.meta.url));

export async function runProcessScenario({ baseUrl, mode, processes, concurrency, tasks, runs }: ProcessScenario): Promise<ScenarioResult> {
  const url = await createPostgresDatabase(baseUrl);
  const db = await openPostgres({ url, poolMax: 2, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 600 });
  const children: ChildProcess[] = [];
  try {
    const { runIds } = await seedQueue(db, tasks, runs);
    await db.query('ANALYZE');
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: url };
    // Only the database is shared: no Redis, no real model keys, no config file.
    for (const name of ['REDIS_URL', 'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'ANVIL_OPENAI_COMPATIBLE_BASE_URL', 'ANVIL_DEFAULT_MODEL', 'ANVIL_CONFIG']) delete env[name];
    for (let index = 0; index < processes; index++) {
      children.push(fork(childModule, [mode, String(concurrency)], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
    }
    await Promise.all(children.map((child) => nextMessage(child, 'ready')));
    const finished = children.map((child) => nextMessage(child, 'done'));
    const cpuBefore = sampleMachineCpu();
    for (const child of children) child.send({ type: 'go' } satisfies ParentMessage);
    if (mode === 'pipeline') {
      await waitForQueueDrained(db, runIds, 600_000);
      for (const child of children) child.send({ type: 'stop' } satisfies ParentMessage);
    }
    // The bare loops stop by themselves when the queue is empty; the pipeline's workers were stopped above.
    let cpuAfter = mode === 'pipeline' ? sampleMachineCpu() : undefined;
    const reports = await Promise.all(finished);
    cpuAfter ??= sampleMachineCpu();
    const window = await measureWindow(db, runIds);
    const statements = reports.reduce((sum, report) => sum + report.statements, 0);
    const cpuMs = reports.reduce((sum, report) => sum + report.cpuMs, 0);
    return {
      done: window.done,
      seconds: window.seconds,
      tasksPerSecond: window.done / window.seconds,
      statements,
      statementsPerTask: statements / window.done,
      cpuMsPerTask: cpuMs / window.done,
      machineBusy: busyShare(cpuBefore, cpuAfter),
    };
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db.close();
  }
}

async function nextMessage<Type extends ChildMessage['type']>(child: ChildProcess, type: Type): Promise<Extract<ChildMessage, { type: Type }>> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: ChildMessage) => {
      if (message.type !== type) return;
      cleanup();
      resolve(message as Extract<ChildMessage, { type: Type }>);
    };
    const onExit = (code: number | null) => {
      cleanup();
      reject(new Error(`worker process ${child.pid} exited (${code}) before sending '${type}'`));
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}
