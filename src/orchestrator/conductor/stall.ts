import type { Database, Queryable } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import type { TaskRow } from '../../store/rows.js';
import { waitingTasks, type WaitingTask } from '../../store/stalled-runs.js';
import { createTask } from '../tasks.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { ConductorSettings } from '../guardian/settings.js';

/**
 * A stalled run — tasks queued or blocked, none running, no event for `stallSeconds` — gets a
 * diagnostic task: what waits, and on what, for an agent (or a person reading the board) to sort
 * out. It is run-level work that must happen once however many workers sweep, so it runs under a
 * transaction-scoped advisory lock per run taken with pg_try_advisory_xact_lock: a worker that
 * finds the lock held skips the run, and the lock ends with the transaction that created the task,
 * so the next worker sees it. The stall is re-checked under the lock.
 */
const stallLockClass = 'anvil.conductor.stall';

export async function diagnoseStalledRun(
  db: Database,
  { runId, workflow, settings }: { runId: string; workflow: WorkflowDefinition; settings: ConductorSettings },
): Promise<TaskRow | undefined> {
  return db.transaction(async (transaction) => {
    const locked = await transaction.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1), hashtext($2)) AS locked', [stallLockClass, runId]);
    if (!locked.rows[0]?.locked) return undefined;
    if (!(await stillStalled(transaction, runId, settings))) return undefined;
    const waiting = await waitingTasks(transaction, runId);
    const phase = settings.diagnosticPhase ?? workflow.phases[0]!.key;
    const ordinal = (await diagnosticsSoFar(transaction, runId)) + 1;
    const { task } = await createTask(transaction, {
      runId,
      phase,
      title: `Diagnose why the run stalled (${ordinal})`,
      description: diagnosticDescription(waiting, settings.stallSeconds),
      priority: 100,
      createdBy: 'conductor',
    });
    await appendEvent(transaction, runId, 'run.stalled', { idle_seconds_at_least: settings.stallSeconds, queued: waiting.queued, blocked: waiting.blocked, diagnostic_task_id: task.id }, task.id);
    return task;
  });
}

async function stillStalled(db: Queryable, runId: string, settings: ConductorSettings): Promise<boolean> {
  const result = await db.query<{ stalled: boolean }>(
    `SELECT r.status = 'running' AND r.updated_at < now() - make_interval(secs => $2)
       AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.status IN ('running', 'waiting_human'))
       AND EXISTS (SELECT 1 FROM tasks t WHERE t.run_id = r.id AND t.status IN ('queued', 'blocked'))
       AND (SELECT count(*) FROM tasks t WHERE t.run_id = r.id AND t.created_by = 'conductor') < $3 AS stalled
     FROM runs r WHERE r.id = $1`,
    [runId, settings.stallSeconds, settings.maxDiagnosticTasks],
  );
  return result.rows[0]?.stalled === true;
}

async function diagnosticsSoFar(db: Queryable, runId: string): Promise<number> {
  const result = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM tasks WHERE run_id = $1 AND created_by = 'conductor'", [runId]);
  return Number(result.rows[0]?.count ?? 0);
}

function describe(task: WaitingTask): string {
  if (task.status === 'blocked') {
    const on = task.waiting_on.map((dependency) => `${dependency.id} "${dependency.title}" (${dependency.status})`).join(', ');
    return `- ${task.id} "${task.title}" [${task.phase}] blocked on ${on || 'dependencies that are done (it should have been queued)'}`;
  }
  return `- ${task.id} "${task.title}" [${task.phase}] queued, claimable from ${new Date(task.available_at).toISOString()}`;
}

function diagnosticDescription(waiting: { tasks: WaitingTask[]; queued: number; blocked: number }, stallSeconds: number): string {
  return [
    `The conductor found this run stalled: no task ran and nothing changed for at least ${stallSeconds} s, while ${waiting.queued} task(s) are queued and ${waiting.blocked} blocked.`,
    'Find out why (a dependency that failed or was cancelled, a phase at its concurrency limit, no worker claiming) and create or fix the tasks that let the run finish; record what you find with save_memory.',
    `Waiting tasks${waiting.tasks.length < waiting.queued + waiting.blocked ? ` (the first ${waiting.tasks.length})` : ''}:`,
    ...waiting.tasks.map(describe),
  ].join('\n');
}
