import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { WorkflowInput } from '../../src/orchestrator/workflow/index.js';
import type { Database } from '../../src/store/database.js';

/**
 * The benchmark's queue: `runs` runs of a one-phase workflow whose agents are offered no tool but
 * complete_task (and fail_task), so the simulated agent answers each task with one model call
 * that completes it. What is measured is the queue and the worker around the model, not the
 * agent's own work. The tasks are spread evenly over the runs and inserted in one statement per
 * run (seeding is not measured).
 */
export const benchWorkflow: WorkflowInput = {
  name: 'queue-bench',
  version: 1,
  first_task: { title: 'Item 0 of {goal}' },
  phases: [{ key: 'work', name: 'Work', instructions: 'Complete the item.', tools: [] }],
  limits: { max_tasks: 1_000_000, max_attempts: 3, max_steps: 4 },
  on_task_failure: 'fail_run',
} as WorkflowInput;

export interface SeededQueue {
  runIds: string[];
  /** Tasks queued, the runs' first tasks included. */
  tasks: number;
}

export async function seedQueue(db: Database, tasks: number, runs = 1): Promise<SeededQueue> {
  await registerWorkflow(db, benchWorkflow);
  const runIds: string[] = [];
  for (let index = 0; index < runs; index++) {
    const run = await startRun(db, { workflow: 'queue-bench', goal: `the queue benchmark, run ${index + 1}`, simulated: true });
    // Each run's first task counts; the rest of the run's share is inserted beside it.
    const share = Math.floor(tasks / runs) + (index < tasks % runs ? 1 : 0);
    await db.query(
      `INSERT INTO tasks (run_id, phase, title, status, dedupe_key, max_attempts, created_by)
       SELECT $1, 'work', 'Item ' || i || ' of the queue benchmark', 'queued', 'item-' || i, 3, 'bench'
       FROM generate_series(1, $2::int) AS i`,
      [run.id, share - 1],
    );
    runIds.push(run.id);
  }
  return { runIds, tasks };
}

export interface QueueWindow {
  done: number;
  /** From the first claim to the last completion, by the database's clock. */
  seconds: number;
}

/** Tasks done and the time they took, read from the task rows themselves. */
export async function measureWindow(db: Database, runIds: string[]): Promise<QueueWindow> {
  const result = await db.query<{ done: number; seconds: number | null }>(
    `SELECT count(*) FILTER (WHERE status = 'done')::int AS done,
            extract(epoch FROM max(finished_at) - min(started_at))::float8 AS seconds
     FROM tasks WHERE run_id = ANY ($1::uuid[])`,
    [runIds],
  );
  const row = result.rows[0]!;
  return { done: row.done, seconds: row.seconds ?? 0 };
}

/** Resolves, with the number of checks it made, when none of the runs' tasks is queued or running. */
export async function waitForQueueDrained(db: Database, runIds: string[], timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let checks = 0;
  while (Date.now() < deadline) {
    checks += 1;
    const result = await db.query<{ open: number }>("SELECT count(*)::int AS open FROM tasks WHERE run_id = ANY ($1::uuid[]) AND status IN ('queued', 'running')", [runIds]);
    if (result.rows[0]!.open === 0) return checks;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`queue of ${runIds.length} run(s) not drained within ${timeoutMs} ms`);
}
