import type { Database } from '../../src/store/database.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { WorkflowInput } from '../../src/orchestrator/workflow/index.js';

/** The load benchmarks' workflow: one phase, one task per run. */
export const loadWorkflow = {
  name: 'load-one-task',
  first_task: { title: 'Do {goal}', description: 'Do {goal} and complete the task.' },
  phases: [{ key: 'work', name: 'Work', instructions: 'Do the work and complete the task.' }],
  limits: { max_tasks: 5, max_depth: 1, max_attempts: 5, max_steps: 10 },
} as WorkflowInput;

/** Registers the workflow and starts `runs` runs (reads need something to read). */
export async function seed(db: Database, runs: number): Promise<string[]> {
  await registerWorkflow(db, loadWorkflow);
  const ids: string[] = [];
  for (let index = 0; index < runs; index++) ids.push((await startRun(db, { workflow: 'load-one-task', goal: `seed ${index}`, simulated: true })).id);
  return ids;
}
