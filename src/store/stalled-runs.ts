import type { Queryable } from './database.js';

/**
 * Runs the conductor should look at for a stall: running, with no event for longer than their
 * workflow's `conductor.stall_seconds` (every change to a run appends an event, which bumps
 * `runs.updated_at`; runs_running_idx serves the scan), with nothing running or waiting for a
 * person, and with diagnostic tasks left to create. Workflow settings are read in SQL so that a
 * run whose diagnostics are used up drops out of the list instead of crowding others out.
 */
export interface StalledRunCandidate {
  id: string;
  idle_seconds: number;
}

export async function stalledRunCandidates(
  db: Queryable,
  defaults: { stallSeconds: number; maxDiagnosticTasks: number; enabled: boolean },
  limit = 20,
): Promise<StalledRunCandidate[]> {
  const result = await db.query<StalledRunCandidate>(
    `SELECT r.id, extract(epoch FROM now() - r.updated_at)::float8 AS idle_seconds
     FROM runs r JOIN workflows w ON w.id = r.workflow_id
     WHERE r.status = 'running'
       AND coalesce((w.definition -> 'conductor' ->> 'enabled')::boolean, $3)
       AND r.updated_at < now() - make_interval(secs => coalesce((w.definition -> 'conductor' ->> 'stall_seconds')::int, $1))
       AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.status IN ('running', 'waiting_human'))
       AND EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.status IN ('queued', 'blocked'))
       AND (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.created_by = 'conductor')
           < coalesce((w.definition -> 'conductor' ->> 'max_diagnostic_tasks')::int, $2)
     ORDER BY r.updated_at LIMIT $4`,
    [defaults.stallSeconds, defaults.maxDiagnosticTasks, defaults.enabled, limit],
  );
  return result.rows.map((row) => ({ id: row.id, idle_seconds: Number(row.idle_seconds) }));
}

export interface WaitingTask {
  id: string;
  phase: string;
  title: string;
  status: 'queued' | 'blocked';
  available_at: Date;
  /** For a blocked task: its dependencies that are not done, with their status. */
  waiting_on: { id: string; title: string; status: string }[];
}

/** What a stalled run is waiting for: its queued and blocked tasks, oldest first. */
export async function waitingTasks(db: Queryable, runId: string, limit = 20): Promise<{ tasks: WaitingTask[]; queued: number; blocked: number }> {
  const result = await db.query<WaitingTask & { queued: number; blocked: number }>(
    `SELECT t.id, t.phase, t.title, t.status, t.available_at,
       coalesce((SELECT jsonb_agg(jsonb_build_object('id', d.id, 'title', d.title, 'status', d.status))
                 FROM tasks d WHERE d.id = ANY (t.depends_on) AND d.status <> 'done'), '[]'::jsonb) AS waiting_on,
       count(*) FILTER (WHERE t.status = 'queued') OVER ()::int AS queued,
       count(*) FILTER (WHERE t.status = 'blocked') OVER ()::int AS blocked
     FROM tasks t WHERE t.run_id = $1 AND t.status IN ('queued', 'blocked')
     ORDER BY t.created_at, t.id LIMIT $2`,
    [runId, limit],
  );
  const first = result.rows[0];
  return { tasks: result.rows, queued: first?.queued ?? 0, blocked: first?.blocked ?? 0 };
}
