import { testConfig } from '../../src/config/index.js';
import { createTask } from '../../src/orchestrator/tasks.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { appendEvent } from '../../src/store/events.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { simulatedModels } from '../../test/helpers/runtime.js';

/** A runtime on an in-memory PGlite with no workers: tasks stay where the benchmark puts them. */
export async function openBenchRuntime(): Promise<Runtime> {
  const database = await openPglite({ dataDir: 'memory://' });
  await migrate(database);
  const runtime = await createRuntime(testConfig(), { database, models: simulatedModels() });
  await registerWorkflow(runtime.db, {
    name: 'dashboard-bench',
    first_task: { phase: 'analyze', title: 'Task 0' },
    phases: ['analyze', 'implement', 'verify'].map((key) => ({ key, name: key })),
    limits: { max_tasks: 5_000, max_depth: 20 },
  });
  return runtime;
}

/** A run with `size` tasks over three phases; task i was created by task ⌊i/4⌋. */
export async function createBenchRun(runtime: Runtime, size: number): Promise<string> {
  const run = await startRun(runtime.db, { workflow: 'dashboard-bench', goal: `benchmark run with ${size} tasks`, simulated: true });
  const first = await runtime.db.query<{ id: string }>('SELECT id FROM tasks WHERE run_id = $1', [run.id]);
  const ids = [first.rows[0]!.id];
  const phases = ['analyze', 'implement', 'verify'];
  for (let index = 1; index < size; index += 1) {
    const created = await createTask(runtime.db, {
      runId: run.id,
      phase: phases[index % 3]!,
      title: `Task ${index}: a piece of work found while working on task ${Math.floor(index / 4)}`,
      priority: (index * 7) % 11 - 5,
      parentTaskId: ids[Math.floor(index / 4)]!,
      createdBy: 'bench',
    });
    ids.push(created.task.id);
  }
  return run.id;
}

/**
 * Appends task events at `perSecond` for `seconds`, on a fixed schedule (not "sleep after each"),
 * so a slow append does not lower the rate. A task is claimed, then completed on its next turn.
 */
export async function emitEvents(runtime: Runtime, runId: string, perSecond: number, seconds: number): Promise<number> {
  if (perSecond === 0) {
    await new Promise((resolve) => setTimeout(resolve, seconds * 1_000));
    return 0;
  }
  const tasks = (await runtime.db.query<{ id: string; phase: string; title: string }>('SELECT id, phase, title FROM tasks WHERE run_id = $1 ORDER BY created_at', [runId])).rows;
  const total = perSecond * seconds;
  const start = performance.now();
  const claimed: typeof tasks = [];
  for (let index = 0; index < total; index += 1) {
    const due = start + (index * 1_000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    if (index % 2 === 1 && claimed.length > 0) {
      const task = claimed.shift()!;
      await appendEvent(runtime.db, runId, 'task.completed', { attempt: 1, phase: task.phase, title: task.title, unblocked: [] }, task.id);
    } else {
      const task = tasks[(index * 7919) % tasks.length]!;
      claimed.push(task);
      await appendEvent(runtime.db, runId, 'task.claimed', { attempt: 1, phase: task.phase, title: task.title, worker_id: 'bench' }, task.id);
    }
  }
  return total;
}
