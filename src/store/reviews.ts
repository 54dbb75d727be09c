import type { Queryable } from './database.js';

export type ReviewSubject = 'task' | 'result';
export type ReviewVerdict = 'accepted' | 'needs_work';

export interface ReviewRow {
  id: string;
  run_id: string;
  task_id: string;
  subject: ReviewSubject;
  round: number;
  verdict: ReviewVerdict;
  feedback: string;
  model: string;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number | null;
  created_at: Date;
}

export interface NewReview {
  runId: string;
  taskId: string;
  subject: ReviewSubject;
  round: number;
  verdict: ReviewVerdict;
  feedback: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

/** Stores a verdict and adds what the reviewer's call cost to its run's totals, in one statement. */
export async function insertReview(db: Queryable, review: NewReview): Promise<ReviewRow> {
  const result = await db.query<ReviewRow>(
    `WITH inserted AS (
       INSERT INTO reviews (run_id, task_id, subject, round, verdict, feedback, model, tokens_input, tokens_output, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *
     ),
     totals AS (
       UPDATE runs SET tokens_input = tokens_input + $8, tokens_output = tokens_output + $9, cost_usd = cost_usd + coalesce($10::numeric, 0)
       WHERE id = $1 RETURNING id
     )
     SELECT inserted.* FROM inserted, (SELECT count(*) FROM totals) t`,
    [review.runId, review.taskId, review.subject, review.round, review.verdict, review.feedback, review.model, review.inputTokens, review.outputTokens, review.costUsd],
  );
  return result.rows[0]!;
}

export async function reviewsOfTask(db: Queryable, taskId: string): Promise<ReviewRow[]> {
  const result = await db.query<ReviewRow>('SELECT * FROM reviews WHERE task_id = $1 ORDER BY created_at, round', [taskId]);
  return result.rows;
}

/** The feedback of the latest task review that asked for more work, for the next attempt's prompt. */
export async function latestFeedback(db: Queryable, taskId: string): Promise<ReviewRow | undefined> {
  const result = await db.query<ReviewRow>(
    `SELECT * FROM reviews WHERE task_id = $1 AND subject = 'task' AND verdict = 'needs_work' ORDER BY round DESC, created_at DESC LIMIT 1`,
    [taskId],
  );
  return result.rows[0];
}

/** How many result reviews the run has had: rounds are counted per run, whichever task submits. */
export async function resultReviewCount(db: Queryable, runId: string): Promise<number> {
  const result = await db.query<{ count: number }>(`SELECT count(*)::int AS count FROM reviews WHERE run_id = $1 AND subject = 'result'`, [runId]);
  return Number(result.rows[0]!.count);
}
