import type { Queryable } from './database.js';

export type SessionStatus = 'running' | 'completed' | 'failed' | 'interrupted' | 'capped' | 'stopped';

export interface SessionRow {
  id: string;
  task_id: string;
  run_id: string;
  attempt: number;
  worker_id: string;
  model: string;
  simulated: boolean;
  status: SessionStatus;
  resumed_from: string | null;
  steps: number;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  error: string | null;
  started_at: Date;
  finished_at: Date | null;
}

export interface StepRow {
  id: number;
  session_id: string;
  index: number;
  kind: string;
  payload: {
    messages?: unknown[];
    text?: string;
    toolCalls?: unknown[];
    toolResults?: unknown[];
    finishReason?: string;
    /** Inbox messages added to this step's prompt (their text is the first entries of `messages`). */
    delivered?: string[];
  };
  usage: { inputTokens: number; outputTokens: number; costUsd: number | null } | null;
  created_at: Date;
}

/** The session a dead worker left running on this task, with its persisted steps. */
export async function findInterruptedSession(db: Queryable, taskId: string): Promise<{ session: SessionRow; steps: StepRow[] } | undefined> {
  const sessions = await db.query<SessionRow>(
    // The latest attempt's session, when it was cut off (its worker died, or lost its lease) and
    // no later session has resumed it yet.
    `UPDATE agent_sessions a SET status = 'interrupted', finished_at = coalesce(a.finished_at, now())
     WHERE a.id = (
       SELECT s.id FROM agent_sessions s WHERE s.task_id = $1 ORDER BY s.attempt DESC LIMIT 1
     ) AND a.status IN ('running', 'interrupted') AND a.steps >= 0
       AND NOT EXISTS (SELECT 1 FROM agent_sessions r WHERE r.resumed_from = a.id)
     RETURNING *`,
    [taskId],
  );
  const session = sessions.rows[0];
  if (!session) return undefined;
  const steps = await db.query<StepRow>('SELECT * FROM steps WHERE session_id = $1 ORDER BY index', [session.id]);
  // A resumed session may itself have been resumed: carry the chain's earlier steps too.
  if (session.resumed_from) {
    const earlier = await db.query<StepRow>(
      `WITH RECURSIVE chain AS (
         SELECT id, resumed_from FROM agent_sessions WHERE id = $1
         UNION ALL SELECT a.id, a.resumed_from FROM agent_sessions a JOIN chain ON a.id = chain.resumed_from
       )
       SELECT s.* FROM steps s JOIN agent_sessions a ON a.id = s.session_id
       WHERE s.session_id IN (SELECT id FROM chain) AND s.session_id <> $2
       ORDER BY a.attempt, s.index`,
      [session.resumed_from, session.id],
    );
    return { session, steps: [...earlier.rows, ...steps.rows] };
  }
  return { session, steps: steps.rows };
}

export async function sessionsOfTask(db: Queryable, taskId: string): Promise<(SessionRow & { step_list: StepRow[] })[]> {
  const sessions = await db.query<SessionRow>('SELECT * FROM agent_sessions WHERE task_id = $1 ORDER BY attempt', [taskId]);
  const steps = await db.query<StepRow>(
    'SELECT s.* FROM steps s JOIN agent_sessions a ON a.id = s.session_id WHERE a.task_id = $1 ORDER BY a.attempt, s.index',
    [taskId],
  );
  return sessions.rows.map((session) => ({ ...session, step_list: steps.rows.filter((step) => step.session_id === session.id) }));
}
