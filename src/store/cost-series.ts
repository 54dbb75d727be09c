import type { Queryable } from './database.js';
import type { CostFilter } from './cost-queries.js';

/**
 * Spend over time by model and prompt kind: one row per (period, model, kind) with calls, dollars,
 * dollars saved and cache hits. The dashboard's charts stack these; the costs report
 * (cost-queries.ts) has each dimension alone, which cannot show a model's spend day by day.
 * A date range is served by llm_calls_created_idx, a run filter by llm_calls_run_idx.
 */
export type CostSeriesBucket = 'hour' | 'day';

export interface CostSeriesRow {
  period: string;
  model: string;
  kind: string | null;
  calls: number;
  cost_usd: number;
  saved_usd: number;
  cache_hits: number;
}

const seriesSql = `SELECT
    to_char(date_trunc($4, created_at, 'UTC'), 'YYYY-MM-DD"T"HH24:00"Z"') AS period,
    model, kind,
    count(*)::int AS calls,
    coalesce(sum(cost_usd), 0) AS cost_usd,
    coalesce(sum(saved_usd), 0) AS saved_usd,
    count(*) FILTER (WHERE cache_hit)::int AS cache_hits
  FROM llm_calls
  WHERE created_at >= $1 AND ($2::timestamptz IS NULL OR created_at < $2) AND ($3::uuid IS NULL OR run_id = $3)
  GROUP BY 1, 2, 3
  ORDER BY 1, 2, 3
  LIMIT $5`;

export async function costSeries(db: Queryable, { runId, since, until, bucket, limit = 5_000 }: CostFilter & { bucket: CostSeriesBucket; limit?: number }): Promise<CostSeriesRow[]> {
  const result = await db.query<CostSeriesRow>(seriesSql, [since, until ?? null, runId ?? null, bucket, limit]);
  return result.rows.map((row) => ({ ...row, calls: Number(row.calls), cost_usd: Number(row.cost_usd), saved_usd: Number(row.saved_usd), cache_hits: Number(row.cache_hits) }));
}
