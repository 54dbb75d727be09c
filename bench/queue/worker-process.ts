/**
 * One worker process of the queue benchmark, started by bench/queue/index.ts over IPC:
 *
 *   pipeline  the real worker (createRuntime + startWorker): claim → agent session on the
 *             simulated model (no latency, no failures) → complete → settle the run
 *   bare      claimTask + completeTask in `concurrency` loops: the ceiling the queue allows
 *
 * Messages: it sends `ready` once connected, starts on `go`, and on `stop` (pipeline) or when the
 * queue is empty (bare) sends `done` with the statements it sent and its CPU time, then exits.
 */
import { loadConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';
import { openDatabase } from '../../src/store/open.js';
import { claimTask, completeTask } from '../../src/store/queue/index.js';
import type { Database } from '../../src/store/database.js';

export type WorkerMode = 'pipeline' | 'bare';

export type ParentMessage = { type: 'go' } | { type: 'stop' };
export type ChildMessage = { type: 'ready' } | { type: 'done'; statements: number; tasks: number; cpuMs: number };

const [mode, concurrencyText] = process.argv.slice(2) as [WorkerMode, string];
const concurrency = Number(concurrencyText);
const config = loadConfig({
  overrides: {
    worker: { concurrency },
    llm: { simulated: { latencyMs: 0, failureRate: 0 } },
    log: { level: 'warn', pretty: false },
  },
});
const db = await openDatabase(config.database, 'worker');
const send = (message: ChildMessage) => process.send!(message);

function onMessage(type: ParentMessage['type']): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: ParentMessage) => {
      if (message.type !== type) return;
      process.off('message', listener);
      resolve();
    };
    process.on('message', listener);
  });
}

async function bareLoop(database: Database, workerId: string): Promise<number> {
  let tasks = 0;
  for (;;) {
    const task = await claimTask(database, { workerId, leaseSeconds: 30 });
    if (!task) return tasks;
    await completeTask(database, { taskId: task.id, attempt: task.attempt, workerId }, { ok: true });
    tasks += 1;
  }
}

if (mode === 'pipeline') {
  const runtime = await createRuntime(config, { role: 'worker', database: db, migrate: false });
  send({ type: 'ready' });
  await onMessage('go');
  const statementsBefore = db.statements;
  const cpuBefore = process.cpuUsage();
  runtime.startWorker({ concurrency });
  await onMessage('stop');
  await runtime.worker!.stop();
  const statements = db.statements - statementsBefore;
  const cpu = process.cpuUsage(cpuBefore);
  await runtime.close();
  send({ type: 'done', statements, tasks: 0, cpuMs: (cpu.user + cpu.system) / 1000 });
} else {
  send({ type: 'ready' });
  await onMessage('go');
  const statementsBefore = db.statements;
  const cpuBefore = process.cpuUsage();
  const workerId = `bench:${process.pid}`;
  const counts = await Promise.all(Array.from({ length: concurrency }, () => bareLoop(db, workerId)));
  const statements = db.statements - statementsBefore;
  const cpu = process.cpuUsage(cpuBefore);
  await db.close();
  send({ type: 'done', statements, tasks: counts.reduce((sum, count) => sum + count, 0), cpuMs: (cpu.user + cpu.system) / 1000 });
}
process.disconnect?.();
