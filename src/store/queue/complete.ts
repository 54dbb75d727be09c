import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import { releaseSlotCte } from './release-slot.js';
import type { LeaseHolder } from './heartbeat.js';
import { recheckDependents } from './unblock.js';
import { withEvent } from './with-event.js';

/** Where a completion statement finds the lease holder and the result: SQL parameters. */
export interface CompletionParameters {
  taskId: string;
  attempt: string;
  workerId: string;
  result: string;
}

/**
 * The fenced completion, as the `changed` CTE's statement: a late worker whose lease lapsed and
 * whose task was claimed again cannot complete it a second time. A reviewed task keeps the result
 * its agent gave (a null result) and gave its phase slot back when it went to review.
 */
export function completionMutation({ taskId, attempt, workerId, result }: CompletionParameters, from: 'running' | 'in_review' = 'running'): string {
  return `UPDATE tasks SET status = 'done', result = ${from === 'running' ? result : `coalesce(${result}, result)`}, lease_until = NULL, finished_at = now(), updated_at = now()
    WHERE id = ${taskId} AND attempt = ${attempt} AND worker_id = ${workerId} AND status = '${from}'
    RETURNING *`;
}

/**
 * What a completion does beside it, reading `changed`: the phase slot is given back (unless the
 * task left 'running' for review already), and blocked tasks whose last pending dependency this
 * was are queued (the CTEs share one snapshot, so "this task" is treated as done explicitly).
 */
export function completionSideEffectCtes(from: 'running' | 'in_review' = 'running'): string {
  return `${from === 'running' ? `${releaseSlotCte},` : ''}
  unblocked AS (
    UPDATE tasks b SET status = 'queued', available_at = now(), updated_at = now()
    FROM changed c
    WHERE b.run_id = c.run_id AND b.status = 'blocked' AND c.id = ANY (b.depends_on)
      AND NOT EXISTS (SELECT 1 FROM tasks d WHERE d.id = ANY (b.depends_on) AND d.id <> c.id AND d.status <> 'done')
    RETURNING b.id
  )`;
}

/** task.completed's payload, over the completed row `c`; it lists the tasks it unblocked. */
export const completedEventPayload = `jsonb_build_object('attempt', c.attempt, 'phase', c.phase, 'title', c.title, 'worker_id', c.worker_id,
    'unblocked', coalesce((SELECT jsonb_agg(u.id) FROM unblocked u), '[]'::jsonb), 'review_round', c.review_round)`;

const completionSql = (from: 'running' | 'in_review') =>
  withEvent({
    mutation: completionMutation({ taskId: '$1', attempt: '$2', workerId: '$3', result: '$4' }, from),
    extraCtes: completionSideEffectCtes(from),
    type: `'task.completed'`,
    payload: completedEventPayload,
    reportStaleSnapshot: true,
  });
const completeTaskSql = completionSql('running');
const completeReviewedTaskSql = completionSql('in_review');

/** Completes a task on its own (an agent's last step completes it with recordCompletion instead). */
export async function completeTask(db: Queryable, holder: LeaseHolder, result: unknown): Promise<TaskRow> {
  const outcome = await db.query<CompletedRow>(completeTaskSql, [holder.taskId, holder.attempt, holder.workerId, JSON.stringify(result ?? null)]);
  return afterCompletion(db, holder, outcome.rows[0]);
}

type CompletedRow = TaskRow & { recheck_dependents: boolean };

/** The fence's verdict, then the dependents a stale snapshot may have missed (store/queue/unblock.ts). */
async function afterCompletion(db: Queryable, holder: LeaseHolder, row: CompletedRow | undefined): Promise<TaskRow> {
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  await recheckDependents(db, row);
  return row;
}

/** Completes a task a reviewer accepted: `in_review → done`, fenced by the lease like completeTask. */
export async function completeReviewedTask(db: Queryable, holder: LeaseHolder): Promise<TaskRow> {
  const outcome = await db.query<CompletedRow>(completeReviewedTaskSql, [holder.taskId, holder.attempt, holder.workerId, null]);
  return afterCompletion(db, holder, outcome.rows[0]);
}
