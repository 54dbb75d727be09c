import type { TaskRow } from '../store/rows.js';

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

/**
 * A task as an outside agent sees it. Other holders' worker ids (host names, process ids) are
 * not shown: `held_by_you` says what the agent needs to know.
 */
export function agentTaskView(task: TaskRow, workerId: string) {
  return {
    id: task.id,
    phase: task.phase,
    title: task.title,
    description: task.description,
    status: task.status,
    priority: task.priority,
    parent_task_id: task.parent_task_id,
    depends_on: task.depends_on,
    attempt: task.attempt,
    max_attempts: task.max_attempts,
    held_by_you: task.status === 'running' && task.worker_id === workerId,
    lease_until: iso(task.lease_until),
    result: task.result ?? null,
    error: task.error,
    created_at: iso(task.created_at),
    finished_at: iso(task.finished_at),
  };
}
