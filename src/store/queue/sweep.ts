import type { Database, Queryable } from '../database.js';
import type { TaskRow } from '../rows.js';
import { releaseSlotCte } from './release-slot.js';
import { appendEventSql } from './with-event.js';

/**
 * Returns tasks whose lease lapsed (their worker died or stalled) to the queue, or fails them
 * when their attempts are used up. Runs in one transaction so the state changes and their events
 * land together; SKIP LOCKED lets several workers sweep at once without doing the work twice.
 * NO KEY UPDATE, not FOR UPDATE, for the reason given in claim.ts: a task whose lease was just
 * renewed is locked before it is found not expired, and must not block its session's inserts.
 */
const sweepSql = `WITH expired AS (
    SELECT id FROM tasks WHERE status = 'running' AND lease_until < now()
    ORDER BY lease_until LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED
  ),
  changed AS (
    UPDATE tasks t SET
      status = CASE WHEN t.attempt < t.max_attempts THEN 'queued' ELSE 'failed' END,
      error = 'lease expired (worker ' || coalesce(t.worker_id, '?') || ' stopped renewing it)',
      lease_until = NULL, worker_id = NULL, available_at = now(), updated_at = now(),
      finished_at = CASE WHEN t.attempt < t.max_attempts THEN NULL ELSE now() END
    FROM expired e WHERE t.id = e.id
    RETURNING t.*
  ),
  ${releaseSlotCte}
  SELECT * FROM changed`;

export async function sweepExpiredLeases(db: Database, limit = 100): Promise<TaskRow[]> {
  return db.transaction((transaction) => sweepExpiredLeasesIn(transaction, limit));
}

/** The sweep inside a transaction the caller holds (start-up recovery takes a lock first). */
export async function sweepExpiredLeasesIn(transaction: Queryable, limit: number): Promise<TaskRow[]> {
  const swept = await transaction.query<TaskRow>(sweepSql, [limit]);
  for (const task of swept.rows) {
    await transaction.query(appendEventSql, [
      task.run_id,
      task.status === 'queued' ? 'task.lease_expired' : 'task.failed',
      task.id,
      JSON.stringify({ attempt: task.attempt, max_attempts: task.max_attempts, phase: task.phase, title: task.title, error: task.error }),
    ]);
  }
  return swept.rows;
}
