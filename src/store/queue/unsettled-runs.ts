import type { Queryable } from '../database.js';

/**
 * Runs still 'running' with no task left to run. A worker settles a run (ends it once nothing is
 * left) in a statement after the one that made its task final; a worker killed between the two,
 * or one whose settle statement failed, leaves the run running forever with nothing to do. The
 * lease sweeper looks for such runs and settles them. runs_running_idx makes this a walk over the
 * running runs only, each answered by the first active task the board index finds.
 */
const unsettledRunsSql = `SELECT r.id FROM runs r
  WHERE r.status = 'running'
    AND NOT EXISTS (
      SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.status IN ('queued', 'running', 'in_review', 'blocked', 'waiting_human')
    )
  ORDER BY r.updated_at
  LIMIT $1`;

export async function findUnsettledRuns(db: Queryable, limit = 20): Promise<string[]> {
  const result = await db.query<{ id: string }>(unsettledRunsSql, [limit]);
  return result.rows.map((row) => row.id);
}
