import type { Queryable } from '../database.js';
import type { RunRow, TaskRow } from '../rows.js';
import { withEvent } from './with-event.js';

/**
 * Claims the most urgent claimable task in one statement: highest priority, then the earliest
 * available, among queued tasks of running runs whose phase has a free concurrency slot.
 * FOR NO KEY UPDATE SKIP LOCKED lets any number of workers claim at once without waiting on each
 * other (the Graphile Worker / pg-boss pattern, which uses FOR UPDATE). NO KEY UPDATE is the lock an
 * UPDATE of non-key columns takes anyway; FOR UPDATE also blocks the KEY SHARE locks that foreign
 * keys take on a task (its sessions, memories and child tasks). A claim that meets a task another
 * worker has just claimed locks its new version before seeing it no longer qualifies, so with FOR
 * UPDATE it held that task while waiting for the run's event counter, while the other worker's
 * session, holding the counter, waited on its foreign key: the queue benchmark (one run, 4 slots,
 * 1 process) hit a deadlock every 2-3 s, each costing a 1 s deadlock_timeout and a retry. The attempt is counted here, at claim time, so a
 * worker that dies mid-task has still used its attempt. The lease is renewed by heartbeat.
 *
 * A phase with max_concurrency takes its slot in `run_phases` in the same statement; the
 * slot's WHERE is rechecked under the row lock, so two workers cannot both take the last slot
 * (the loser's claim returns nothing and it polls again).
 *
 * A phase with `approval: required` hands out nothing until a person approves the phase for the
 * run, or the task itself (orchestrator/human/approvals.ts); its tasks stay queued meanwhile.
 *
 * The claimed task comes back with what its agent session needs beside it, so the session reads
 * neither per task: the fields of its run the prompt uses (the runs row is joined here already;
 * they never change), and whether messages wait in its inbox.
 */
export const claimTaskSql = withEvent({
  ctes: `candidate AS (
      SELECT t.id, t.run_id, t.phase, p.max_concurrency, t.started_at IS NULL AS first_claim,
        jsonb_build_object('id', r.id, 'workflow_id', r.workflow_id, 'goal', r.goal, 'params', r.params, 'tenant', r.tenant) AS run
      FROM tasks t
      JOIN runs r ON r.id = t.run_id AND r.status = 'running'
      JOIN run_phases p ON p.run_id = t.run_id AND p.phase = t.phase
      WHERE t.status = 'queued' AND t.available_at <= now()
        AND (p.max_concurrency IS NULL OR p.running < p.max_concurrency)
        AND (NOT p.approval_required OR p.approved_at IS NOT NULL OR t.approved_at IS NOT NULL)
      ORDER BY t.priority DESC, t.available_at, t.id
      LIMIT 1
      FOR NO KEY UPDATE OF t SKIP LOCKED
    ),
    slot AS (
      UPDATE run_phases p SET running = p.running + 1
      FROM candidate c
      WHERE p.run_id = c.run_id AND p.phase = c.phase
        AND p.max_concurrency IS NOT NULL AND p.running < p.max_concurrency
      RETURNING p.run_id
    )`,
  mutation: `UPDATE tasks t
    SET status = 'running', attempt = t.attempt + 1, worker_id = $1,
        lease_until = now() + make_interval(secs => $2), started_at = coalesce(t.started_at, now()), updated_at = now()
    FROM candidate c
    WHERE t.id = c.id AND (c.max_concurrency IS NULL OR EXISTS (SELECT 1 FROM slot))
    RETURNING t.*, c.first_claim, c.run,
      EXISTS (SELECT 1 FROM session_messages m WHERE m.task_id = t.id AND m.delivered_at IS NULL) AS inbox_waiting`,
  type: `'task.claimed'`,
  payload: `jsonb_build_object('attempt', c.attempt, 'worker_id', c.worker_id, 'phase', c.phase, 'title', c.title)`,
});

/**
 * An outside agent's claim (src/orchestrator/outside-agents.ts): the same statement, narrowed to
 * its own run's tasks (and optionally one phase). A separate statement rather than optional
 * filters in the one above, so the built-in workers' claim keeps its plan (the partial claim
 * index, in priority order).
 */
const candidateFilter = "WHERE t.status = 'queued' AND t.available_at <= now()";
if (!claimTaskSql.includes(candidateFilter)) throw new Error('claim.ts: the candidate filter the run-scoped claim extends has changed');
const claimRunTaskSql = claimTaskSql.replace(candidateFilter, `${candidateFilter} AND t.run_id = $3 AND ($4::text IS NULL OR t.phase = $4)`);

export interface ClaimOptions {
  workerId: string;
  leaseSeconds: number;
  /** Only this run's tasks (an outside agent's claim); default any running run's. */
  runId?: string;
  /** With runId: only this phase's tasks. */
  phase?: string;
}

/** What a claim returns of the task's run: the fields an agent session needs. */
export type ClaimedRun = Pick<RunRow, 'id' | 'workflow_id' | 'goal' | 'params' | 'tenant'>;

/**
 * A claimed task. `first_claim` is true when the task was never claimed before: no agent session
 * of it can exist, so the worker need not look for an interrupted one to resume.
 */
export interface ClaimedTask extends TaskRow {
  first_claim: boolean;
  run: ClaimedRun;
  /** Messages (or a stop request) wait in the task's session inbox. */
  inbox_waiting: boolean;
}

export async function claimTask(db: Queryable, { workerId, leaseSeconds, runId, phase }: ClaimOptions): Promise<ClaimedTask | undefined> {
  const result =
    runId === undefined
      ? await db.query<ClaimedTask>(claimTaskSql, [workerId, leaseSeconds])
      : await db.query<ClaimedTask>(claimRunTaskSql, [workerId, leaseSeconds, runId, phase ?? null]);
  return result.rows[0];
}
