import type { Queryable } from '../../src/store/database.js';

/**
 * What the database says after a crash test: the state of every run and task, and, per task,
 * what the events table recorded. The crash test asserts on this; it is also printed.
 */
export interface TaskAudit {
  id: string;
  run_id: string;
  phase: string;
  status: string;
  attempt: number;
  error: string | null;
  lease_until: Date | null;
  /** task.completed events of this task. */
  completed_events: number;
  /** task.claimed events of this task (one per attempt counted at claim time). */
  claimed_events: number;
  /** The attempt named in its task.completed event. */
  completed_attempt: number | null;
}

export interface QueueAudit {
  runs: { id: string; status: string; status_reason: string | null }[];
  tasks: TaskAudit[];
  /** session.resumed events whose session continued from at least one persisted step. */
  resumedWithSteps: number;
  resumedSessions: number;
  leaseExpiredEvents: number;
  /** Phase slots still counted as taken (must be 0 once nothing runs). */
  slotsHeld: number;
  /** Runs whose event sequence has a gap or a repeat. */
  runsWithSequenceGaps: string[];
  /** Sessions whose step indexes are not 0..n-1. */
  sessionsWithStepGaps: string[];
}

export async function auditQueue(db: Queryable): Promise<QueueAudit> {
  const runs = await db.query<QueueAudit['runs'][number]>('SELECT id, status, status_reason FROM runs ORDER BY created_at');
  const tasks = await db.query<TaskAudit>(
    `SELECT t.id, t.run_id, t.phase, t.status, t.attempt, t.error, t.lease_until,
            count(e.*) FILTER (WHERE e.type = 'task.completed')::int AS completed_events,
            count(e.*) FILTER (WHERE e.type = 'task.claimed')::int AS claimed_events,
            max((e.payload ->> 'attempt')::int) FILTER (WHERE e.type = 'task.completed') AS completed_attempt
     FROM tasks t LEFT JOIN events e ON e.task_id = t.id
     GROUP BY t.id ORDER BY t.created_at`,
  );
  const counts = await db.query<{ resumed_with_steps: number; resumed: number; lease_expired: number }>(
    `SELECT count(*) FILTER (WHERE type = 'session.resumed' AND (payload ->> 'resumed_steps')::int > 0)::int AS resumed_with_steps,
            count(*) FILTER (WHERE type = 'session.resumed')::int AS resumed,
            count(*) FILTER (WHERE type = 'task.lease_expired')::int AS lease_expired
     FROM events`,
  );
  const slots = await db.query<{ held: number }>('SELECT coalesce(sum(running), 0)::int AS held FROM run_phases');
  const sequenceGaps = await db.query<{ run_id: string }>(
    'SELECT run_id FROM events GROUP BY run_id HAVING count(*) <> max(seq) OR count(DISTINCT seq) <> count(*) OR min(seq) <> 1',
  );
  const stepGaps = await db.query<{ session_id: string }>('SELECT session_id FROM steps GROUP BY session_id HAVING count(*) <> max(index) + 1 OR min(index) <> 0');
  const count = counts.rows[0]!;
  return {
    runs: runs.rows,
    tasks: tasks.rows,
    resumedWithSteps: count.resumed_with_steps,
    resumedSessions: count.resumed,
    leaseExpiredEvents: count.lease_expired,
    slotsHeld: slots.rows[0]!.held,
    runsWithSequenceGaps: sequenceGaps.rows.map((row) => row.run_id),
    sessionsWithStepGaps: stepGaps.rows.map((row) => row.session_id),
  };
}

/** Run ids that are not final yet. */
export async function unfinishedRuns(db: Queryable, runIds: string[]): Promise<string[]> {
  const result = await db.query<{ id: string }>("SELECT id FROM runs WHERE id = ANY ($1::uuid[]) AND status IN ('pending', 'running', 'paused')", [runIds]);
  return result.rows.map((row) => row.id);
}

/** Ids of the workers that hold a lease right now. */
export async function leaseHolders(db: Queryable): Promise<string[]> {
  const result = await db.query<{ worker_id: string }>("SELECT DISTINCT worker_id FROM tasks WHERE status = 'running' AND worker_id IS NOT NULL");
  return result.rows.map((row) => row.worker_id);
}
