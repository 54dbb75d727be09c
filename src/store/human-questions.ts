import type { Queryable } from './database.js';

export interface HumanQuestionRow {
  id: string;
  run_id: string;
  task_id: string;
  attempt: number;
  question: string;
  answer: string | null;
  answered_by: string | null;
  asked_at: Date;
  answered_at: Date | null;
}

export async function insertQuestion(db: Queryable, question: { runId: string; taskId: string; attempt: number; text: string }): Promise<HumanQuestionRow> {
  const result = await db.query<HumanQuestionRow>(
    'INSERT INTO human_questions (run_id, task_id, attempt, question) VALUES ($1, $2, $3, $4) RETURNING *',
    [question.runId, question.taskId, question.attempt, question.text],
  );
  return result.rows[0]!;
}

/** Records the answer to the task's open question; undefined when it has none (already answered, or never asked). */
export async function answerOpenQuestion(db: Queryable, taskId: string, answer: { text: string; author: string }): Promise<HumanQuestionRow | undefined> {
  const result = await db.query<HumanQuestionRow>(
    `UPDATE human_questions SET answer = $2, answered_by = $3, answered_at = now()
     WHERE task_id = $1 AND answered_at IS NULL RETURNING *`,
    [taskId, answer.text, answer.author],
  );
  return result.rows[0];
}

export async function questionsOfTask(db: Queryable, taskId: string): Promise<HumanQuestionRow[]> {
  const result = await db.query<HumanQuestionRow>('SELECT * FROM human_questions WHERE task_id = $1 ORDER BY asked_at, id', [taskId]);
  return result.rows;
}

/** A run's questions, oldest first; only the unanswered ones when `open`. */
export async function questionsOfRun(db: Queryable, runId: string, { open, limit }: { open: boolean; limit: number }): Promise<(HumanQuestionRow & { title: string; phase: string })[]> {
  const result = await db.query<HumanQuestionRow & { title: string; phase: string }>(
    `SELECT q.*, t.title, t.phase FROM human_questions q JOIN tasks t ON t.id = q.task_id
     WHERE q.run_id = $1 AND (NOT $2 OR q.answered_at IS NULL)
     ORDER BY q.asked_at, q.id LIMIT $3`,
    [runId, open, limit],
  );
  return result.rows;
}
