import { AnvilError } from '../errors.js';
import type { Queryable } from '../store/database.js';
import { costRows, type CostBucket, type CostFilter, type CostRow } from '../store/cost-queries.js';

/**
 * The costs report behind GET /api/v1/costs and `anvil costs`: spend, tokens and calls by run,
 * model, kind and day; the cache hit rate; calls the cache avoided; dollars it saved. Unpriced
 * calls (a model the price table does not know) are counted apart, never summed in as $0.
 */
export interface CostSummary extends CostBucket {
  /** Share of calls answered from the cache (0 when there were none). */
  cache_hit_rate: number;
  /** Provider calls the cache made unnecessary (= cache hits). */
  calls_avoided: number;
}

export interface CostReport {
  since: string;
  until: string | null;
  run: string | null;
  totals: CostSummary;
  by_run: (CostSummary & { run: string | null })[];
  by_model: (CostSummary & { model: string })[];
  by_kind: (CostSummary & { kind: string | null })[];
  by_day: (CostSummary & { day: string })[];
}

const empty: CostBucket = { calls: 0, unpriced_calls: 0, errors: 0, tokens_input: 0, tokens_output: 0, tokens_cache_read: 0, cost_usd: 0, saved_usd: 0, cache_hits: 0 };

function summary(row: CostBucket): CostSummary {
  const { calls, unpriced_calls, errors, tokens_input, tokens_output, tokens_cache_read, cost_usd, saved_usd, cache_hits } = row;
  const round = (value: number) => Math.round(value * 1e9) / 1e9;
  return {
    calls,
    unpriced_calls,
    errors,
    tokens_input,
    tokens_output,
    tokens_cache_read,
    cost_usd: round(cost_usd),
    saved_usd: round(saved_usd),
    cache_hits,
    cache_hit_rate: calls === 0 ? 0 : Math.round((cache_hits / calls) * 10_000) / 10_000,
    calls_avoided: cache_hits,
  };
}

export async function costReport(db: Queryable, filter: CostFilter): Promise<CostReport> {
  const rows = await costRows(db, filter);
  const of = (dimension: CostRow['dimension']) => rows.filter((row) => row.dimension === dimension);
  const byCost = <T extends { cost_usd: number }>(items: T[]) => items.sort((a, b) => b.cost_usd - a.cost_usd);
  return {
    since: filter.since.toISOString(),
    until: filter.until?.toISOString() ?? null,
    run: filter.runId ?? null,
    totals: summary(of('total')[0] ?? empty),
    by_run: byCost(of('run').map((row) => ({ run: row.key, ...summary(row) }))).slice(0, 1_000),
    by_model: byCost(of('model').map((row) => ({ model: row.key ?? '', ...summary(row) }))),
    by_kind: byCost(of('kind').map((row) => ({ kind: row.key, ...summary(row) }))),
    by_day: of('day')
      .map((row) => ({ day: row.key ?? '', ...summary(row) }))
      .sort((a, b) => a.day.localeCompare(b.day)),
  };
}

/** Parses `2026-11-01` (UTC midnight) or a full ISO timestamp; a bad value is a 400 naming the field. */
export function parseReportDate(value: string, field: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(date.getTime())) throw new AnvilError('VALIDATION_FAILED', `${field}: expected a date (YYYY-MM-DD) or an ISO timestamp`, { field });
  return date;
}
