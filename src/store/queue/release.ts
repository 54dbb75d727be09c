import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import type { LeaseHolder } from './heartbeat.js';
import { releaseSlotCte } from './release-slot.js';
import { withEvent } from './with-event.js';

/**
 * Gives a claimed task back to the queue without using up its attempt: the work was stopped from
 * outside (its run paused for budget), not by the task failing. Fenced like completion; the
 * attempt counted at claim time is taken back, the lease cleared and the phase slot released, so
 * the task is claimed afresh once the run resumes.
 */
const releaseTaskSql = withEvent({
  mutation: `UPDATE tasks SET status = 'queued', attempt = greatest(attempt - 1, 0), lease_until = NULL, worker_id = NULL,
      available_at = now(), updated_at = now()
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'
    RETURNING *`,
  extraCtes: releaseSlotCte,
  type: `'task.released'`,
  payload: `jsonb_build_object('attempt', c.attempt, 'phase', c.phase, 'title', c.title, 'reason', $4::text, 'worker_id', $3::text)`,
});

export async function releaseTask(db: Queryable, holder: LeaseHolder, reason: string): Promise<TaskRow> {
  const outcome = await db.query<TaskRow>(releaseTaskSql, [holder.taskId, holder.attempt, holder.workerId, reason]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}
