import type { Database } from '../../src/store/database.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { WorkflowInput } from '../../src/orchestrator/workflow/index.js';

/** A small three-phase workflow for queue and orchestrator tests. */
export function threePhaseWorkflow(overrides: Partial<WorkflowInput> = {}): WorkflowInput {
  return {
    name: 'three-phase',
    first_task: { title: 'Start {goal}' },
    phases: [
      { key: 'analyze', name: 'Analyze' },
      { key: 'implement', name: 'Implement', max_concurrency: 1 },
      { key: 'verify', name: 'Verify' },
    ],
    limits: { max_attempts: 2, max_tasks: 50, max_depth: 3 },
    ...overrides,
  } as WorkflowInput;
}

export async function startTestRun(db: Database, workflow: WorkflowInput = threePhaseWorkflow(), goal = 'the goal') {
  const stored = await registerWorkflow(db, workflow);
  return startRun(db, { workflow: stored.id, goal, simulated: true });
}
