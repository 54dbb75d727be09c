import type { Queryable } from './database.js';
import { withEvent } from './queue/with-event.js';

/**
 * The session inbox's statements (table `session_messages`, migration 0008). A message waits
 * undelivered until the task's session takes it before a step; the statement that persists that
 * step marks it delivered (see `deliveredCte`), so delivery and the step commit together.
 */
export type SessionMessageKind = 'message' | 'stop';
export type SessionMessageSource = 'guardian' | 'human';

export interface SessionMessageRow {
  id: string;
  run_id: string;
  task_id: string;
  kind: SessionMessageKind;
  source: SessionMessageSource;
  author: string | null;
  body: string;
  created_at: Date;
  delivered_at: Date | null;
  delivered_session_id: string | null;
  delivered_step: number | null;
}

/**
 * Inserts a message for a task of the run, only while the task can still be worked on (queued, in review,
 * running, blocked or waiting for a person); the event is appended in the same statement. No row
 * back means the task is not in the run or is already final: the caller says which.
 */
const postSql = withEvent({
  mutation: `INSERT INTO session_messages (run_id, task_id, kind, source, author, body)
    SELECT t.run_id, t.id, $3, $4, $5, $6 FROM tasks t
    WHERE t.id = $2 AND t.run_id = $1 AND t.status IN ('queued', 'running', 'in_review', 'blocked', 'waiting_human')
    RETURNING *`,
  taskId: 'c.task_id',
  type: `CASE WHEN c.kind = 'stop' THEN 'session.stop_requested' ELSE 'session.message_posted' END`,
  payload: `jsonb_build_object('message_id', c.id, 'kind', c.kind, 'source', c.source, 'author', c.author, 'body', left(c.body, 2000))`,
});

export async function insertSessionMessage(
  db: Queryable,
  message: { runId: string; taskId: string; kind: SessionMessageKind; source: SessionMessageSource; author: string | null; body: string },
): Promise<SessionMessageRow | undefined> {
  const result = await db.query<SessionMessageRow>(postSql, [message.runId, message.taskId, message.kind, message.source, message.author, message.body]);
  return result.rows[0];
}

/** The task's undelivered messages and stop requests, oldest first. */
export async function pendingSessionMessages(db: Queryable, taskId: string): Promise<SessionMessageRow[]> {
  const result = await db.query<SessionMessageRow>(
    'SELECT * FROM session_messages WHERE task_id = $1 AND delivered_at IS NULL ORDER BY created_at, id',
    [taskId],
  );
  return result.rows;
}

/** A run's messages (optionally one task's), oldest first. */
export async function sessionMessagesOfRun(db: Queryable, runId: string, options: { taskId?: string; limit?: number } = {}): Promise<SessionMessageRow[]> {
  const result = await db.query<SessionMessageRow>(
    `SELECT * FROM session_messages WHERE run_id = $1 AND ($2::uuid IS NULL OR task_id = $2)
     ORDER BY created_at, id LIMIT $3`,
    [runId, options.taskId ?? null, options.limit ?? 500],
  );
  return result.rows;
}

/**
 * A CTE that marks messages delivered to a session step, for the statement that persists the step
 * (or ends the session). `$ids` is a uuid[] parameter; already delivered rows are left alone.
 */
export function deliveredCte({ ids, sessionId, step }: { ids: string; sessionId: string; step: string }): string {
  return `delivered AS (
    UPDATE session_messages SET delivered_at = now(), delivered_session_id = ${sessionId}, delivered_step = ${step}
    WHERE id = ANY (${ids}) AND delivered_at IS NULL
    RETURNING id
  )`;
}
