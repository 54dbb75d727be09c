import type { Queryable } from './database.js';
import type { TaskRow, TaskStatus } from './rows.js';
import { releaseSlotCte } from './queue/release-slot.js';
import { unblockReadyTasks } from './queue/unblock.js';
import { withEvent } from './queue/with-event.js';

export async function findTask(db: Queryable, id: string): Promise<TaskRow | undefined> {
  const result = await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [id]);
  return result.rows[0];
}

export interface NewTask {
  runId: string;
  phase: string;
  title: string;
  description: string;
  priority: number;
  parentTaskId: string | null;
  depth: number;
  dependsOn: string[];
  dedupeKey: string;
  maxAttempts: number;
  createdBy: string;
  /** True when some dependency is not done yet: the task starts blocked. */
  blocked: boolean;
}

/**
 * Inserts a task unless one with the same normalised key exists in its run and phase; the
 * statement appends task.created only when a row was inserted.
 */
const insertTaskSql = withEvent({
  mutation: `INSERT INTO tasks (run_id, phase, title, description, priority, parent_task_id, depth, depends_on, dedupe_key, max_attempts, created_by, status)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10, $11, $12)
    ON CONFLICT (run_id, phase, dedupe_key) DO NOTHING
    RETURNING *`,
  type: `'task.created'`,
  // Marks the run as one whose completions must look for blocked tasks they may have missed.
  runSet: 'has_dependents = r.has_dependents OR cardinality(c.depends_on) > 0',
  payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'status', c.status, 'priority', c.priority,
    'parent_task_id', c.parent_task_id, 'depends_on', to_jsonb(c.depends_on), 'created_by', c.created_by, 'depth', c.depth)`,
});

/** The new task's columns as statement parameters $1..$11, in the order every task insert takes them. */
export function newTaskParameters(task: NewTask): unknown[] {
  return [
    task.runId,
    task.phase,
    task.title,
    task.description,
    task.priority,
    task.parentTaskId,
    task.depth,
    task.dependsOn,
    task.dedupeKey,
    task.maxAttempts,
    task.createdBy,
  ];
}

/**
 * A task created blocked was judged so from an earlier read; a dependency that completed since
 * did not see it. Checked again once the insert holds the run's lock (store/queue/unblock.ts).
 */
export async function insertTask(db: Queryable, task: NewTask): Promise<TaskRow | undefined> {
  const result = await db.query<TaskRow>(insertTaskSql, [
    ...newTaskParameters(task),
    task.blocked ? 'blocked' : 'queued',
  ]);
  const inserted = result.rows[0];
  if (inserted?.status === 'blocked' && (await unblockReadyTasks(db, inserted.run_id)).includes(inserted.id)) return { ...inserted, status: 'queued' };
  return inserted;
}

export async function findByDedupeKey(db: Queryable, runId: string, phase: string, key: string): Promise<TaskRow | undefined> {
  const result = await db.query<TaskRow>('SELECT * FROM tasks WHERE run_id = $1 AND phase = $2 AND dedupe_key = $3', [runId, phase, key]);
  return result.rows[0];
}

/** What create_task must know in one round trip: how many tasks the run has and the state of the named dependencies. */
export async function creationContext(db: Queryable, runId: string, dependsOn: string[]): Promise<{ taskCount: number; dependencies: { id: string; status: TaskStatus }[] }> {
  const result = await db.query<{ task_count: number; dependencies: { id: string; status: TaskStatus }[] | null }>(
    `SELECT (SELECT count(*)::int FROM tasks WHERE run_id = $1) AS task_count,
            (SELECT jsonb_agg(jsonb_build_object('id', id, 'status', status)) FROM tasks WHERE run_id = $1 AND id = ANY ($2::uuid[])) AS dependencies`,
    [runId, dependsOn],
  );
  const row = result.rows[0]!;
  return { taskCount: Number(row.task_count), dependencies: row.dependencies ?? [] };
}

/**
 * Changes a task that is not running (retry a failed one, cancel a queued one, …) when it is in
 * one of `from`. A running task's cancel also frees its phase slot; its worker loses the lease.
 */
export async function updateTaskStatus(
  db: Queryable,
  { taskId, from, to, eventType, error = null }: { taskId: string; from: TaskStatus[]; to: TaskStatus; eventType: string; error?: string | null },
): Promise<TaskRow | undefined> {
  const sql = withEvent({
    mutation: `UPDATE tasks t SET status = $2, error = coalesce($4, t.error), updated_at = now(),
        available_at = CASE WHEN $2 = 'queued' THEN now() ELSE t.available_at END,
        max_attempts = CASE WHEN $2 = 'queued' AND t.attempt >= t.max_attempts THEN t.attempt + 1 ELSE t.max_attempts END,
        lease_until = NULL, worker_id = NULL,
        finished_at = CASE WHEN $2 IN ('done', 'failed', 'cancelled') THEN now() ELSE NULL END
      FROM tasks old WHERE t.id = $1 AND old.id = t.id AND t.status = ANY ($3::text[])
      RETURNING t.*, old.status AS previous_status`,
    extraCtes: releaseSlotCte.replace('FROM changed GROUP BY', "FROM changed WHERE previous_status = 'running' GROUP BY"),
    type: `'${eventType.replace(/'/g, '')}'`,
    payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'status', c.status, 'previous_status', c.previous_status)`,
  });
  const result = await db.query<TaskRow>(sql, [taskId, to, from, error]);
  return result.rows[0];
}

export async function setTaskPriority(db: Queryable, taskId: string, priority: number): Promise<TaskRow | undefined> {
  const sql = withEvent({
    mutation: `UPDATE tasks SET priority = $2, updated_at = now() WHERE id = $1 RETURNING *`,
    type: `'task.reprioritized'`,
    payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'priority', c.priority)`,
  });
  const result = await db.query<TaskRow>(sql, [taskId, priority]);
  return result.rows[0];
}

/**
 * Cancels every queued or blocked task of a run (the run was cancelled, or failed under
 * fail_run), or only the blocked tasks that depend on `dependencyId`.
 */
export async function cancelPendingTasks(db: Queryable, runId: string, reason: string, dependencyId?: string): Promise<TaskRow[]> {
  const result = await db.query<TaskRow>(
    `UPDATE tasks SET status = 'cancelled', error = $2, finished_at = now(), updated_at = now()
     WHERE run_id = $1 AND status IN ('queued', 'blocked', 'waiting_human')
       AND ($3::uuid IS NULL OR (status = 'blocked' AND $3::uuid = ANY (depends_on)))
     RETURNING *`,
    [runId, reason, dependencyId ?? null],
  );
  return result.rows;
}

/**
 * Cancels every unfinished task of a run but one (a result was accepted under on_result:
 * stop_all; the submitting task finishes on its own). Running tasks lose their lease at their
 * worker's next heartbeat; the phase slots they held are given back.
 */
export async function cancelOtherActiveTasks(db: Queryable, runId: string, keepTaskId: string, reason: string): Promise<TaskRow[]> {
  const result = await db.query<TaskRow>(
    `WITH changed AS (
       UPDATE tasks t SET status = 'cancelled', error = $3, lease_until = NULL, finished_at = now(), updated_at = now()
       FROM tasks old
       WHERE t.run_id = $1 AND t.id <> $2 AND old.id = t.id
         AND t.status IN ('queued', 'running', 'in_review', 'blocked', 'waiting_human')
       RETURNING t.*, old.status AS previous_status
     ),
     ${releaseSlotCte.replace('FROM changed GROUP BY', "FROM changed WHERE previous_status = 'running' GROUP BY")}
     SELECT * FROM changed`,
    [runId, keepTaskId, reason],
  );
  return result.rows;
}
