import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import { releaseSlotCte } from './release-slot.js';
import type { LeaseHolder } from './heartbeat.js';
import { withEvent } from './with-event.js';

/**
 * Ends a task attempt in failure, fenced like completion. A retryable failure with attempts left
 * goes back to the queue, claimable after `retryDelaySeconds` (exponential backoff with jitter,
 * computed by the caller); otherwise the task has failed for good.
 */
const failTaskSql = withEvent({
  mutation: `UPDATE tasks SET
      status = CASE WHEN $5 AND attempt < max_attempts THEN 'queued' ELSE 'failed' END,
      available_at = now() + make_interval(secs => $6),
      error = $4, lease_until = NULL, worker_id = NULL, updated_at = now(),
      finished_at = CASE WHEN $5 AND attempt < max_attempts THEN NULL ELSE now() END
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'
    RETURNING *`,
  extraCtes: releaseSlotCte,
  type: `CASE WHEN c.status = 'queued' THEN 'task.retry_scheduled' ELSE 'task.failed' END`,
  payload: `jsonb_build_object('attempt', c.attempt, 'max_attempts', c.max_attempts, 'phase', c.phase, 'title', c.title,
    'error', c.error, 'available_at', c.available_at, 'worker_id', $3::text)`,
});

export interface FailOptions {
  reason: string;
  retryable: boolean;
  retryDelaySeconds: number;
}

export async function failTask(db: Queryable, holder: LeaseHolder, { reason, retryable, retryDelaySeconds }: FailOptions): Promise<TaskRow> {
  const outcome = await db.query<TaskRow>(failTaskSql, [holder.taskId, holder.attempt, holder.workerId, reason, retryable, retryDelaySeconds]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}

/** Exponential backoff with full jitter: up to base·2^(attempt−1), capped. */
export function retryDelaySeconds(attempt: number, baseMs: number, capMs = 60_000, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return (ceiling / 2 + random() * (ceiling / 2)) / 1000;
}
