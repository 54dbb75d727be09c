import type { Queryable } from './database.js';

/**
 * The costs report over the LLM ledger: totals and breakdowns by run, model, kind and UTC day in
 * one statement (GROUPING SETS, one scan of the range). A run filter is served by
 * llm_calls_run_idx (run_id, created_at), a date range alone by llm_calls_created_idx.
 */
export interface CostFilter {
  runId?: string;
  since: Date;
  until?: Date;
}

export interface CostBucket {
  calls: number;
  unpriced_calls: number;
  errors: number;
  tokens_input: number;
  tokens_output: number;
  tokens_cache_read: number;
  cost_usd: number;
  saved_usd: number;
  cache_hits: number;
}

export interface CostRow extends CostBucket {
  dimension: 'total' | 'run' | 'model' | 'kind' | 'day';
  key: string | null;
}

const costsSql = `SELECT
    CASE WHEN GROUPING(run_id) = 0 THEN 'run' WHEN GROUPING(model) = 0 THEN 'model' WHEN GROUPING(kind) = 0 THEN 'kind'
         WHEN GROUPING(date_trunc('day', created_at, 'UTC')) = 0 THEN 'day' ELSE 'total' END AS dimension,
    coalesce(run_id::text, model, kind, to_char(date_trunc('day', created_at, 'UTC'), 'YYYY-MM-DD')) AS key,
    count(*)::int AS calls,
    count(*) FILTER (WHERE cost_usd IS NULL AND error IS NULL)::int AS unpriced_calls,
    count(*) FILTER (WHERE error IS NOT NULL)::int AS errors,
    coalesce(sum(tokens_input), 0)::bigint AS tokens_input,
    coalesce(sum(tokens_output), 0)::bigint AS tokens_output,
    coalesce(sum(tokens_cache_read), 0)::bigint AS tokens_cache_read,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    coalesce(sum(saved_usd), 0) AS saved_usd,
    count(*) FILTER (WHERE cache_hit)::int AS cache_hits
  FROM llm_calls
  WHERE created_at >= $1 AND ($2::timestamptz IS NULL OR created_at < $2) AND ($3::uuid IS NULL OR run_id = $3)
  GROUP BY GROUPING SETS ((), (run_id), (model), (kind), (date_trunc('day', created_at, 'UTC')))`;

export async function costRows(db: Queryable, { runId, since, until }: CostFilter): Promise<CostRow[]> {
  const result = await db.query<CostRow>(costsSql, [since, until ?? null, runId ?? null]);
  return result.rows.map((row) => ({
    ...row,
    calls: Number(row.calls),
    unpriced_calls: Number(row.unpriced_calls),
    errors: Number(row.errors),
    tokens_input: Number(row.tokens_input),
    tokens_output: Number(row.tokens_output),
    tokens_cache_read: Number(row.tokens_cache_read),
    cost_usd: Number(row.cost_usd),
    saved_usd: Number(row.saved_usd),
    cache_hits: Number(row.cache_hits),
  }));
}
