import type { Queryable } from './database.js';

/**
 * Scrape-time reads for the gauges that are state, not events (queue depth, budgets). Each is one
 * cheap statement, run once per scrape (every 15 s or so), never per task or per call.
 */

/** Tasks queued and waiting for a worker. Counted from tasks_claim_idx, a partial index over queued tasks only. */
export async function countQueuedTasks(db: Queryable): Promise<number> {
  const result = await db.query<{ depth: number }>(`SELECT count(*)::int AS depth FROM tasks WHERE status = 'queued'`);
  return result.rows[0]?.depth ?? 0;
}

export interface RunBudgetUse {
  budgetUsd: number;
  costUsd: number;
}

/**
 * The active run (pending, running or paused) with a dollar budget that has used the largest share
 * of it, or null. Runs are few next to tasks and steps, so scanning the unfinished ones is cheap.
 */
export async function tightestRunBudget(db: Queryable): Promise<RunBudgetUse | null> {
  const result = await db.query<{ budget_usd: number | string; cost_usd: number | string }>(
    `SELECT budget_usd, cost_usd FROM runs
      WHERE status IN ('pending', 'running', 'paused') AND budget_usd > 0
      ORDER BY cost_usd / budget_usd DESC
      LIMIT 1`,
  );
  const row = result.rows[0];
  return row ? { budgetUsd: Number(row.budget_usd), costUsd: Number(row.cost_usd) } : null;
}
