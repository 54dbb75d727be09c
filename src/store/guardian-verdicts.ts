import type { Queryable } from './database.js';
import { eventsChannel } from './queue/with-event.js';

/**
 * The guardian's verdicts (table `guardian_verdicts`, migration 0008). Recording one also adds its
 * tokens and dollars to the run's totals (the ledger counts the guardian's calls toward the run,
 * and start-up reconciles run totals with the ledger) and appends `guardian.verdict`, in one
 * statement that updates the run row once.
 */
export interface GuardianVerdictRow {
  id: number;
  run_id: string;
  task_id: string;
  session_id: string;
  steps_seen: number;
  verdict: 'on_track' | 'drifting' | 'stuck' | 'violating';
  score: number;
  reason: string;
  action: 'none' | 'steer' | 'stop';
  message_id: string | null;
  model: string;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number | null;
  created_at: Date;
}

export interface NewGuardianVerdict {
  runId: string;
  taskId: string;
  sessionId: string;
  stepsSeen: number;
  verdict: GuardianVerdictRow['verdict'];
  score: number;
  reason: string;
  action: GuardianVerdictRow['action'];
  messageId: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

export async function insertGuardianVerdict(db: Queryable, verdict: NewGuardianVerdict): Promise<GuardianVerdictRow> {
  const result = await db.query<GuardianVerdictRow>(
    `WITH v AS (
       INSERT INTO guardian_verdicts (run_id, task_id, session_id, steps_seen, verdict, score, reason, action, message_id, model, tokens_input, tokens_output, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       RETURNING *
     ),
     r AS (
       UPDATE runs SET tokens_input = runs.tokens_input + $11, tokens_output = runs.tokens_output + $12,
         cost_usd = runs.cost_usd + coalesce($13::numeric, 0), event_seq = runs.event_seq + 1, updated_at = now()
       FROM v WHERE runs.id = v.run_id RETURNING runs.id, runs.event_seq
     ),
     e AS (
       INSERT INTO events (run_id, seq, type, task_id, payload)
       SELECT r.id, r.event_seq, 'guardian.verdict', v.task_id,
         jsonb_build_object('verdict_id', v.id, 'session_id', v.session_id, 'steps_seen', v.steps_seen, 'verdict', v.verdict,
           'score', v.score, 'reason', left(v.reason, 1000), 'action', v.action, 'message_id', v.message_id, 'model', v.model,
           'cost_usd', v.cost_usd)
       FROM r, v RETURNING run_id, seq
     ),
     notified AS (SELECT pg_notify('${eventsChannel}', e.run_id::text || ':' || e.seq) FROM e)
     SELECT v.* FROM v, (SELECT count(*) FROM notified) n`,
    [
      verdict.runId,
      verdict.taskId,
      verdict.sessionId,
      verdict.stepsSeen,
      verdict.verdict,
      verdict.score,
      verdict.reason,
      verdict.action,
      verdict.messageId,
      verdict.model,
      verdict.inputTokens,
      verdict.outputTokens,
      verdict.costUsd,
    ],
  );
  return result.rows[0]!;
}

/** A run's verdicts, oldest first (optionally one task's). */
export async function guardianVerdictsOfRun(db: Queryable, runId: string, options: { taskId?: string; limit?: number } = {}): Promise<GuardianVerdictRow[]> {
  const result = await db.query<GuardianVerdictRow>(
    `SELECT * FROM guardian_verdicts WHERE run_id = $1 AND ($2::uuid IS NULL OR task_id = $2) ORDER BY created_at, id LIMIT $3`,
    [runId, options.taskId ?? null, options.limit ?? 1_000],
  );
  return result.rows.map((row) => ({ ...row, id: Number(row.id), score: Number(row.score), cost_usd: row.cost_usd === null ? null : Number(row.cost_usd) }));
}

export interface GuardianSpend {
  reviews: number;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  /** Reviews whose model has no price (cost unknown, not counted as $0). */
  unpriced_reviews: number;
  steers: number;
  stops: number;
}

/** What the guardian spent on a run and did in it. */
export async function guardianSpendOfRun(db: Queryable, runId: string): Promise<GuardianSpend> {
  const result = await db.query<Record<keyof GuardianSpend, string | number>>(
    `SELECT count(*) AS reviews, coalesce(sum(tokens_input), 0) AS tokens_input, coalesce(sum(tokens_output), 0) AS tokens_output,
       coalesce(sum(cost_usd), 0) AS cost_usd, count(*) FILTER (WHERE cost_usd IS NULL) AS unpriced_reviews,
       count(*) FILTER (WHERE action = 'steer') AS steers, count(*) FILTER (WHERE action = 'stop') AS stops
     FROM guardian_verdicts WHERE run_id = $1`,
    [runId],
  );
  const row = result.rows[0]!;
  return {
    reviews: Number(row.reviews),
    tokens_input: Number(row.tokens_input),
    tokens_output: Number(row.tokens_output),
    cost_usd: Number(row.cost_usd),
    unpriced_reviews: Number(row.unpriced_reviews),
    steers: Number(row.steers),
    stops: Number(row.stops),
  };
}
