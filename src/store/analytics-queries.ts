import type { Queryable } from './database.js';

/**
 * Read-side queries over the append-only tables: the LLM ledger (spend by run over time, spend by
 * model over a day range) and a run's event stream. Each is written so that one composite index
 * serves it as an index range scan; bench/indexes measures what each index buys on a million rows
 * and test/indexes.test.ts checks that the plans use them.
 *
 * Buckets are truncated in UTC (three-argument date_trunc) so that a day means the same thing
 * whatever TimeZone the session has.
 */

/** The ledger aggregates every spend report shows, per bucket. */
const spendColumns = `count(*)::int AS calls,
    count(*) FILTER (WHERE cost_usd IS NULL)::int AS unpriced_calls,
    sum(tokens_input)::bigint AS tokens_input,
    sum(tokens_output)::bigint AS tokens_output,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    sum(saved_usd) AS saved_usd`;

/** One run's spend per hour since a time. Served by llm_calls_run_idx (run_id, created_at). */
export const spendByRunSql = `SELECT date_trunc('hour', created_at, 'UTC') AS hour,
    ${spendColumns}
  FROM llm_calls
  WHERE run_id = $1 AND created_at >= $2
  GROUP BY 1
  ORDER BY 1`;

/** One model's spend per day over [from, to). Served by llm_calls_model_idx (model, created_at). */
export const spendByModelSql = `SELECT date_trunc('day', created_at, 'UTC') AS day,
    ${spendColumns}
  FROM llm_calls
  WHERE model = $1 AND created_at >= $2 AND created_at < $3
  GROUP BY 1
  ORDER BY 1`;

/** A run's events after a sequence number, oldest first. Served by events_pkey (run_id, seq). */
export const eventsAfterSql = `SELECT * FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`;

export interface SpendBucketRow {
  calls: number;
  unpriced_calls: number;
  tokens_input: number;
  tokens_output: number;
  cost_usd: number;
  saved_usd: number;
}

export interface EventRow {
  run_id: string;
  seq: number;
  type: string;
  task_id: string | null;
  payload: unknown;
  created_at: Date;
}

export async function spendByRun(db: Queryable, { runId, since }: { runId: string; since: Date }): Promise<(SpendBucketRow & { hour: Date })[]> {
  return (await db.query<SpendBucketRow & { hour: Date }>(spendByRunSql, [runId, since])).rows;
}

export async function spendByModel(db: Queryable, { model, from, to }: { model: string; from: Date; to: Date }): Promise<(SpendBucketRow & { day: Date })[]> {
  return (await db.query<SpendBucketRow & { day: Date }>(spendByModelSql, [model, from, to])).rows;
}

export async function eventsAfter(db: Queryable, { runId, afterSeq, limit }: { runId: string; afterSeq: number; limit: number }): Promise<EventRow[]> {
  return (await db.query<EventRow>(eventsAfterSql, [runId, afterSeq, limit])).rows;
}
