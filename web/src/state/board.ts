import type { RunEvent, Task, TaskStatus } from '../api/types.js';

/**
 * The run page's task board, kept current by the run's events. Every event that changes a task
 * says which one (task_id) and to what, so the board follows the run without polling. Applying
 * an event already reflected in the snapshot is harmless: the page reads the tasks after taking
 * the stream's starting seq, and replaying the later events in order ends in the same state.
 */
export type TaskMap = ReadonlyMap<string, Task>;

const pendingStatuses = new Set<TaskStatus>(['queued', 'running', 'in_review', 'blocked', 'waiting_human']);

type Change = Partial<Task>;

function changeOf(event: RunEvent): Change | undefined {
  const payload = event.payload;
  switch (event.type) {
    case 'task.claimed':
      return { status: 'running', attempt: Number(payload.attempt ?? 1), started_at: event.created_at };
    case 'task.completed':
      return { status: 'done', finished_at: event.created_at };
    case 'task.failed':
      return { status: 'failed', error: typeof payload.error === 'string' ? payload.error : null, finished_at: event.created_at };
    case 'task.retry_scheduled':
    case 'task.lease_expired':
    case 'task.retried':
      return { status: 'queued', finished_at: null };
    case 'task.cancelled':
      return { status: 'cancelled', finished_at: event.created_at };
    case 'task.review_requested':
      return { status: 'in_review', ...(typeof payload.round === 'number' ? { review_round: payload.round } : {}) };
    case 'task.unblocked':
      return { status: 'queued' };
    case 'task.needs_work':
    case 'task.question_answered':
      return { status: 'queued', finished_at: null };
    case 'task.waiting_human':
      return { status: 'waiting_human' };
    case 'task.approved':
      return { approved_at: event.created_at, approved_by: typeof payload.approved_by === 'string' ? payload.approved_by : null };
    case 'task.reprioritized':
      return typeof payload.priority === 'number' ? { priority: payload.priority } : undefined;
    default:
      return undefined;
  }
}

function createdTask(event: RunEvent, runId: string): Task {
  const payload = event.payload;
  return {
    id: event.task_id!,
    run_id: runId,
    phase: String(payload.phase ?? ''),
    title: String(payload.title ?? ''),
    description: '',
    status: (payload.status as TaskStatus | undefined) ?? 'queued',
    priority: Number(payload.priority ?? 0),
    parent_task_id: (payload.parent_task_id as string | null | undefined) ?? null,
    depth: Number(payload.depth ?? 0),
    depends_on: (payload.depends_on as string[] | undefined) ?? [],
    attempt: 0,
    max_attempts: 0,
    error: null,
    result: null,
    created_by: String(payload.created_by ?? ''),
    created_at: event.created_at,
    started_at: null,
    finished_at: null,
  };
}

/** Returns the same map when no event touched a task, so React skips the render. */
export function applyEvents(tasks: TaskMap, events: RunEvent[], runId: string): TaskMap {
  let next: Map<string, Task> | undefined;
  const write = () => (next ??= new Map(tasks));
  const update = (id: string, change: Change) => {
    const current = (next ?? tasks).get(id);
    if (current) write().set(id, { ...current, ...change });
  };
  for (const event of events) {
    if (event.type === 'task.created' && event.task_id) {
      if (!(next ?? tasks).has(event.task_id)) write().set(event.task_id, createdTask(event, runId));
      continue;
    }
    if (event.type === 'tasks.cancelled' && Array.isArray(event.payload.task_ids)) {
      for (const id of event.payload.task_ids as string[]) update(id, { status: 'cancelled', finished_at: event.created_at });
      continue;
    }
    if (event.type === 'run.cancelled') {
      for (const task of (next ?? tasks).values()) if (pendingStatuses.has(task.status)) update(task.id, { status: 'cancelled', finished_at: event.created_at });
      continue;
    }
    const change = changeOf(event);
    if (change && event.task_id) update(event.task_id, change);
    if (event.type === 'task.completed' && Array.isArray(event.payload.unblocked)) {
      for (const id of event.payload.unblocked as string[]) {
        if ((next ?? tasks).get(id)?.status === 'blocked') update(id, { status: 'queued' });
      }
    }
  }
  return next ?? tasks;
}

const statusRank: Record<TaskStatus, number> = { running: 0, in_review: 1, waiting_human: 2, queued: 3, blocked: 4, failed: 5, done: 6, cancelled: 7 };

/** Cards in a column: active work first, then by priority (high first), then oldest first. */
export function compareCards(a: Task, b: Task): number {
  return statusRank[a.status] - statusRank[b.status] || b.priority - a.priority || a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id);
}

/** One column per phase, in the workflow's order; phases no task has reached yet stay empty. */
export function columnsOf(tasks: TaskMap, phaseKeys: string[]): { phase: string; tasks: Task[] }[] {
  const columns = new Map<string, Task[]>(phaseKeys.map((key) => [key, []]));
  for (const task of tasks.values()) {
    if (!columns.has(task.phase)) columns.set(task.phase, []);
    columns.get(task.phase)!.push(task);
  }
  return [...columns].map(([phase, list]) => ({ phase, tasks: list.sort(compareCards) }));
}
