import type { TaskRow } from '../store/rows.js';
import type { StoredWorkflow } from '../orchestrator/workflows.js';

/** How rows are shown over HTTP (and by the CLI's --json): stable names, ISO dates. */
export const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export function taskView(task: TaskRow) {
  return {
    id: task.id,
    run_id: task.run_id,
    phase: task.phase,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    parent_task_id: task.parent_task_id,
    depth: task.depth,
    depends_on: task.depends_on,
    attempt: task.attempt,
    max_attempts: task.max_attempts,
    available_at: iso(task.available_at),
    lease_until: iso(task.lease_until),
    worker_id: task.worker_id,
    result: task.result ?? null,
    error: task.error,
    created_by: task.created_by,
    review_round: task.review_round,
    approved_at: iso(task.approved_at),
    approved_by: task.approved_by,
    duplicate_of: task.duplicate_of ?? null,
    duplicate_reason: task.duplicate_reason ?? null,
    created_at: iso(task.created_at),
    started_at: iso(task.started_at),
    finished_at: iso(task.finished_at),
  };
}

export function workflowView(workflow: StoredWorkflow) {
  return { id: workflow.id, name: workflow.name, version: workflow.version, definition: workflow.definition, created_at: iso(workflow.created_at) };
}
