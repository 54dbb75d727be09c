import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import type { LeaseHolder } from './heartbeat.js';
import { releaseSlotCte } from './release-slot.js';
import { withEvent } from './with-event.js';

/**
 * The review states of a task, each one fenced statement:
 *
 *   running ──complete_task in a reviewed phase──▶ in_review (same lease; the phase slot is freed)
 *   in_review ──accepted──▶ done                      (complete.ts, completeReviewedTask)
 *   in_review ──needs_work, rounds left──▶ queued     (one more attempt allowed: a round is not a failure)
 *   in_review ──needs_work, last round──▶ failed
 *   in_review with a lapsed lease ──reclaimReview──▶ in_review under a new worker's lease
 */

const toReviewSql = withEvent({
  mutation: `UPDATE tasks SET status = 'in_review', result = $4, review_round = review_round + 1, updated_at = now()
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'
    RETURNING *`,
  extraCtes: releaseSlotCte,
  type: `'task.review_requested'`,
  payload: `jsonb_build_object('attempt', c.attempt, 'phase', c.phase, 'title', c.title, 'round', c.review_round, 'worker_id', c.worker_id)`,
});

/** The agent says it is done; the task waits for its reviewer, still under the worker's lease. */
export async function submitTaskForReview(db: Queryable, holder: LeaseHolder, result: unknown): Promise<TaskRow> {
  const outcome = await db.query<TaskRow>(toReviewSql, [holder.taskId, holder.attempt, holder.workerId, JSON.stringify(result ?? null)]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}

const needsWorkSql = withEvent({
  mutation: `UPDATE tasks SET
      status = CASE WHEN $5 THEN 'failed' ELSE 'queued' END,
      max_attempts = CASE WHEN $5 THEN max_attempts ELSE greatest(max_attempts, attempt + 1) END,
      error = CASE WHEN $5 THEN $4 ELSE error END,
      available_at = now(), lease_until = NULL, worker_id = NULL, updated_at = now(),
      finished_at = CASE WHEN $5 THEN now() ELSE NULL END
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'in_review'
    RETURNING *`,
  type: `CASE WHEN c.status = 'failed' THEN 'task.failed' ELSE 'task.needs_work' END`,
  payload: `jsonb_build_object('attempt', c.attempt, 'phase', c.phase, 'title', c.title, 'round', c.review_round,
    'feedback', left($6::text, 2000), 'error', c.error, 'worker_id', $3::text)`,
});

/**
 * The reviewer returned the task. With rounds left it is queued again for a fresh attempt that
 * sees the feedback; one more attempt is allowed, since needing work is not a failure. On the
 * last round the verdict stands and the task fails for good.
 */
export async function returnTaskForWork(db: Queryable, holder: LeaseHolder, { feedback, lastRound }: { feedback: string; lastRound: boolean }): Promise<TaskRow> {
  const error = `review: still needs work after ${lastRound ? 'the last' : 'this'} round: ${feedback}`.slice(0, 4_000);
  const outcome = await db.query<TaskRow>(needsWorkSql, [holder.taskId, holder.attempt, holder.workerId, error, lastRound, feedback]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}

const reclaimSql = withEvent({
  ctes: `lapsed AS (
      SELECT t.id FROM tasks t JOIN runs r ON r.id = t.run_id AND r.status = 'running'
      WHERE t.status = 'in_review' AND t.lease_until < now()
      ORDER BY t.lease_until LIMIT 1
      FOR NO KEY UPDATE OF t SKIP LOCKED
    )`,
  mutation: `UPDATE tasks t SET worker_id = $1, lease_until = now() + make_interval(secs => $2), updated_at = now()
    FROM lapsed l WHERE t.id = l.id
    RETURNING t.*`,
  type: `'task.review_resumed'`,
  payload: `jsonb_build_object('attempt', c.attempt, 'phase', c.phase, 'title', c.title, 'round', c.review_round, 'worker_id', $1::text)`,
});

/**
 * A review whose worker died (its lease lapsed) is taken over by another worker, which runs the
 * review again: the agent's work is kept. The attempt is not counted again.
 */
export async function reclaimReview(db: Queryable, { workerId, leaseSeconds }: { workerId: string; leaseSeconds: number }): Promise<TaskRow | undefined> {
  const outcome = await db.query<TaskRow>(reclaimSql, [workerId, leaseSeconds]);
  return outcome.rows[0];
}

/** A review that could not be run (the reviewer's model failed) lets its lease lapse at once, to be reclaimed later. */
export async function dropReviewLease(db: Queryable, holder: LeaseHolder): Promise<void> {
  await db.query(`UPDATE tasks SET lease_until = now() WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'in_review'`, [holder.taskId, holder.attempt, holder.workerId]);
}
