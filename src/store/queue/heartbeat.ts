import type { Queryable } from '../database.js';

export interface LeaseHolder {
  taskId: string;
  attempt: number;
  workerId: string;
}

const heartbeatSql = `UPDATE tasks SET lease_until = now() + make_interval(secs => $4)
  WHERE id = $1 AND attempt = $2 AND worker_id = $3 AND status IN ('running', 'in_review')
  RETURNING lease_until`;

/** Extends the lease (of the agent's work, or of the review that follows it); false means the lease was lost (swept, cancelled) and the work must stop. */
export async function extendLease(db: Queryable, holder: LeaseHolder, leaseSeconds: number): Promise<boolean> {
  const result = await db.query(heartbeatSql, [holder.taskId, holder.attempt, holder.workerId, leaseSeconds]);
  return result.rowCount > 0;
}

const holderHeartbeatSql = `UPDATE tasks SET lease_until = now() + make_interval(secs => $3)
  WHERE run_id = $1 AND worker_id = $2 AND status = 'running'
  RETURNING id, attempt, lease_until`;

/**
 * Extends every lease one holder has in a run: an outside agent renews all its claims with any
 * tool call (src/orchestrator/outside-agents.ts). The worker id is part of the fence, so a task
 * that was swept and claimed by someone else is not renewed.
 */
export async function extendHolderLeases(db: Queryable, { runId, workerId }: { runId: string; workerId: string }, leaseSeconds: number): Promise<{ id: string; attempt: number; lease_until: Date }[]> {
  const result = await db.query<{ id: string; attempt: number; lease_until: Date }>(holderHeartbeatSql, [runId, workerId, leaseSeconds]);
  return result.rows;
}
