import { LeaseLostError } from '../../errors.js';
import type { Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import type { LeaseHolder } from './heartbeat.js';
import { releaseSlotCte } from './release-slot.js';
import { withEvent } from './with-event.js';

/**
 * The agent asked a person: `running → waiting_human`, fenced like completion. As in release.ts,
 * the attempt counted at claim time is taken back (waiting is not a failure) and the phase slot
 * freed, so the attempt that follows the answer continues the same session from its steps.
 */
const waitSql = withEvent({
  mutation: `UPDATE tasks SET status = 'waiting_human', attempt = greatest(attempt - 1, 0), lease_until = NULL, worker_id = NULL, updated_at = now()
    WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status = 'running'
    RETURNING *`,
  extraCtes: releaseSlotCte,
  type: `'task.waiting_human'`,
  payload: `jsonb_build_object('attempt', $2::int, 'phase', c.phase, 'title', c.title, 'question_id', $4::uuid, 'question', left($5::text, 2000))`,
});

export async function waitForHuman(db: Queryable, holder: LeaseHolder, question: { id: string; text: string }): Promise<TaskRow> {
  const outcome = await db.query<TaskRow>(waitSql, [holder.taskId, holder.attempt, holder.workerId, question.id, question.text]);
  const row = outcome.rows[0];
  if (!row) throw new LeaseLostError(holder.taskId, holder.attempt);
  return row;
}

const answeredSql = withEvent({
  mutation: `UPDATE tasks SET status = 'queued', available_at = now(), updated_at = now()
    WHERE id = $1 AND status = 'waiting_human'
    RETURNING *`,
  type: `'task.question_answered'`,
  payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'question_id', $2::uuid, 'answered_by', $3::text, 'answer', left($4::text, 2000))`,
});

/** The person answered: the task is queued again. Undefined when the task was not waiting. */
export async function resumeAfterAnswer(db: Queryable, taskId: string, answer: { questionId: string; author: string; text: string }): Promise<TaskRow | undefined> {
  const outcome = await db.query<TaskRow>(answeredSql, [taskId, answer.questionId, answer.author, answer.text]);
  return outcome.rows[0];
}
