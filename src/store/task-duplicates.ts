import type { Queryable } from './database.js';
import type { TaskRow } from './rows.js';
import { newTaskParameters, type NewTask } from './tasks.js';
import { withEvent } from './queue/with-event.js';

/**
 * The conductor's near-duplicate statements. A near-duplicate is still inserted — cancelled, with
 * `duplicate_of` and the reason — so the board shows what was proposed and why it was not run. In
 * the same statement, a merge folds it into the earlier task while that one has not started (its
 * description gains the duplicate's, its priority the higher of the two), and the event is
 * `task.duplicate_merged`; otherwise (or with duplicate_action: cancel) `task.duplicate_cancelled`.
 */
const insertDuplicateSql = withEvent({
  ctes: `decision AS (
      SELECT id, ($15 AND status IN ('queued', 'blocked')) AS merge FROM tasks WHERE id = $13 AND run_id = $1
    )`,
  mutation: `INSERT INTO tasks (run_id, phase, title, description, priority, parent_task_id, depth, depends_on, dedupe_key, max_attempts, created_by,
      status, duplicate_of, duplicate_reason, finished_at)
    SELECT $1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9, $10, $11, 'cancelled', d.id,
      $14 || CASE WHEN d.merge THEN '; merged into it' ELSE '; cancelled' END, now()
    FROM decision d
    ON CONFLICT (run_id, phase, dedupe_key) DO NOTHING
    RETURNING *`,
  extraCtes: `merged AS (
    UPDATE tasks o SET
      description = o.description || E'\\n\\nAlso covers (merged from the near-duplicate "' || c.title || '"): ' || c.description,
      priority = greatest(o.priority, c.priority), updated_at = now()
    FROM changed c JOIN decision d ON d.id = c.duplicate_of
    WHERE o.id = d.id AND d.merge
    RETURNING o.id
  )`,
  type: `CASE WHEN (SELECT merge FROM decision) THEN 'task.duplicate_merged' ELSE 'task.duplicate_cancelled' END`,
  payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'duplicate_of', c.duplicate_of, 'reason', c.duplicate_reason,
    'score', $12::float8, 'created_by', c.created_by, 'parent_task_id', c.parent_task_id)`,
});

export interface NearDuplicate {
  originalId: string;
  score: number;
  /** Without the outcome, which the statement appends. */
  reason: string;
  merge: boolean;
}

export async function insertNearDuplicate(db: Queryable, task: NewTask, duplicate: NearDuplicate): Promise<TaskRow | undefined> {
  const result = await db.query<TaskRow>(insertDuplicateSql, [
    ...newTaskParameters(task),
    duplicate.score,
    duplicate.originalId,
    duplicate.reason,
    duplicate.merge,
  ]);
  return result.rows[0];
}

export interface DuplicateCandidate {
  id: string;
  title: string;
  description: string;
  status: string;
}

/** Tasks of a run's phase a new task may duplicate: not themselves duplicates, not cancelled; newest first. */
export async function duplicateCandidates(db: Queryable, runId: string, phase: string, limit = 200): Promise<DuplicateCandidate[]> {
  const result = await db.query<DuplicateCandidate>(
    `SELECT id, title, description, status FROM tasks
     WHERE run_id = $1 AND phase = $2 AND duplicate_of IS NULL AND status <> 'cancelled'
     ORDER BY created_at DESC, id LIMIT $3`,
    [runId, phase, limit],
  );
  return result.rows;
}
