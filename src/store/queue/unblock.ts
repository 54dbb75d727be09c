import type { Queryable } from '../database.js';
import { withEvents } from './with-event.js';

/**
 * Queues the blocked tasks of a run whose dependencies are all done, appending task.unblocked
 * for each; returns their ids.
 *
 * A completion unblocks its dependents in its own statement, but a statement decides from the
 * snapshot it started with. Every write to a run takes the run's row lock (its event counter), so
 * the writes of one run commit one after another; yet a statement may take its snapshot, then wait
 * for that lock while another write commits. Two dependencies completing at once then each see the
 * other still running, and neither queues the task that waits on both; a task created blocked on
 * a dependency that completes at that moment is missed the same way. Such a statement reports
 * that its snapshot was stale in a run where a task may wait on another (`recheck_dependents`,
 * see withEvent; `runs.has_dependents` is set by the insert of a task with dependencies), and its
 * caller runs this after it: a statement that starts after the stale one committed sees every
 * earlier write. Writes that commit later check for themselves. Runs without dependencies never
 * pay the extra statement. The lease sweep runs it for every run too, as a
 * last line of defence (see `runsWithReadyBlockedTasks`).
 */
const unblockReadySql = withEvents({
  ctes: `ready AS (
    UPDATE tasks b SET status = 'queued', available_at = now(), updated_at = now()
    WHERE b.run_id = $1 AND b.status = 'blocked'
      AND NOT EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY (b.depends_on) AND d.status <> 'done')
    RETURNING b.*
  )`,
  events: [
    {
      source: 'ready',
      taskId: 'c.id',
      type: `'task.unblocked'`,
      payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'depends_on', to_jsonb(c.depends_on))`,
    },
  ],
  select: `(SELECT coalesce(jsonb_agg(r.id), '[]'::jsonb) FROM ready r) AS unblocked`,
});

export async function unblockReadyTasks(db: Queryable, runId: string): Promise<string[]> {
  const result = await db.query<{ unblocked: string[] }>(unblockReadySql, [runId]);
  return result.rows[0]?.unblocked ?? [];
}

/** The second look after a completion statement that reported `recheck_dependents`; nothing otherwise. */
export async function recheckDependents(db: Queryable, completion: { recheck_dependents: boolean; run_id: string | null }): Promise<void> {
  if (completion.recheck_dependents && completion.run_id) await unblockReadyTasks(db, completion.run_id);
}

/** Runs with a blocked task whose dependencies are all done: none, unless a write missed one. */
export async function runsWithReadyBlockedTasks(db: Queryable, limit = 100): Promise<string[]> {
  const result = await db.query<{ run_id: string }>(
    `SELECT DISTINCT b.run_id FROM tasks b
     WHERE b.status = 'blocked'
       AND NOT EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY (b.depends_on) AND d.status <> 'done')
     LIMIT $1`,
    [limit],
  );
  return result.rows.map((row) => row.run_id);
}
