import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import type { LeaseHolder } from './heartbeat.js';
import { releaseSlotCte } from './release-slot.js';
import { deliveredCte } from '../session-messages.js';
import { withEvent } from './with-event.js';

/**
 * Ends an attempt that was stopped from outside its session (the guardian judged it stuck or
 * breaking the phase's rules, or a person asked): the task goes back to the queue at once with the
 * note as its error, which the next attempt reads in its prompt. Unlike a budget release the
 * attempt stays used: an agent that keeps getting stopped must run out of attempts rather than
 * loop for ever, so on the last attempt the task fails. Fenced like completion; the stop requests
 * that caused it are marked delivered in the same statement.
 */
const stopTaskSql = withEvent({
  mutation: `UPDATE tasks SET
      status = CASE WHEN attempt < max_attempts THEN 'queued' ELSE 'failed' END,
      error = $4, lease_until = NULL, worker_id = NULL, available_at = now(), updated_at = now(),
      finished_at = CASE WHEN attempt < max_attempts THEN NULL ELSE now() END
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'
    RETURNING *`,
  extraCtes: `${releaseSlotCte},
  ${deliveredCte({ ids: '$5::uuid[]', sessionId: '$6::uuid', step: '$7::int' })}`,
  type: `'task.stopped'`,
  payload: `jsonb_build_object('attempt', c.attempt, 'max_attempts', c.max_attempts, 'phase', c.phase, 'title', c.title,
    'note', c.error, 'requeued', c.status = 'queued', 'worker_id', $3::text,
    'messages', coalesce((SELECT jsonb_agg(d.id) FROM delivered d), '[]'::jsonb))`,
});

export interface StopTaskOptions {
  note: string;
  /** The stop requests acted on. */
  messageIds: string[];
  /** Null when the session was stopped before its first step wrote its row. */
  sessionId: string | null;
  /** Steps the session had persisted when it stopped. */
  step: number;
}

export async function stopTask(db: Queryable, holder: LeaseHolder, { note, messageIds, sessionId, step }: StopTaskOptions): Promise<TaskRow> {
  const outcome = await db.query<TaskRow>(stopTaskSql, [holder.taskId, holder.attempt, holder.workerId, note, messageIds, sessionId, step]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}
