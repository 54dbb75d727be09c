import { AnvilError, notFound } from '../errors.js';
import type { Database } from '../store/database.js';
import type { RunRow, RunStatus } from '../store/rows.js';
import * as runStore from '../store/runs.js';
import { cancelPendingTasks, insertTask } from '../store/tasks.js';
import { appendEvent } from '../store/events.js';
import { dedupeKey } from './dedupe-key.js';
import { getWorkflow, type StoredWorkflow } from './workflows.js';
import { renderTemplate, resolveParams } from './workflow/index.js';

/**
 * Run lifecycle: pending → running → succeeded | failed | cancelled, with paused (budget or a
 * person) left by resume. A run ends when none of its tasks is queued, running, blocked or
 * waiting (store/runs.ts, finishRunIfDone).
 */
export interface StartRunOptions {
  workflow: string;
  goal: string;
  params?: Record<string, unknown>;
  simulated: boolean;
  /** The starting API key's tenant (Principal.tenant); default `local` (no key: the CLI). */
  tenant?: string;
}

export async function startRun(db: Database, { workflow: workflowRef, goal, params = {}, simulated, tenant = 'local' }: StartRunOptions): Promise<RunRow> {
  const workflow = await getWorkflow(db, workflowRef);
  const definition = workflow.definition;
  const resolved = resolveParams(definition, params);
  const values = { ...resolved, goal };
  return db.transaction(async (transaction) => {
    const inserted = await transaction.query<RunRow>(
      `INSERT INTO runs (workflow_id, goal, params, status, simulated, budget_usd, budget_tokens, tenant, started_at)
       VALUES ($1, $2, $3, 'running', $4, $5, $6, $7, now()) RETURNING *`,
      [workflow.id, goal, JSON.stringify(resolved), simulated, definition.budget.usd ?? null, definition.budget.tokens ?? null, tenant],
    );
    const run = inserted.rows[0]!;
    await transaction.query(
      `INSERT INTO run_phases (run_id, phase, position, max_concurrency, approval_required)
       SELECT $1, phase ->> 'key', ordinality - 1, (phase ->> 'max_concurrency')::int, coalesce(phase ->> 'approval', 'none') = 'required'
       FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS phases (phase, ordinality)`,
      [run.id, JSON.stringify(definition.phases)],
    );
    await appendEvent(transaction, run.id, 'run.started', { workflow: workflow.name, version: workflow.version, goal, params: resolved, simulated });
    const title = renderTemplate(definition.first_task.title, values);
    await insertTask(transaction, {
      runId: run.id,
      phase: definition.first_task.phase ?? definition.phases[0]!.key,
      title,
      description: renderTemplate(definition.first_task.description, values),
      priority: 0,
      parentTaskId: null,
      depth: 0,
      dependsOn: [],
      dedupeKey: dedupeKey(title),
      maxAttempts: definition.limits.max_attempts,
      createdBy: 'run',
      blocked: false,
    });
    return run;
  });
}

export async function getRun(db: Database, id: string): Promise<RunRow> {
  const run = isUuid(id) ? await runStore.findRun(db, id) : undefined;
  if (!run) throw notFound('RUN_NOT_FOUND', id);
  return run;
}

export async function workflowOfRun(db: Database, run: RunRow): Promise<StoredWorkflow> {
  return getWorkflow(db, run.workflow_id);
}

export async function cancelRun(db: Database, id: string, reason = 'cancelled by request'): Promise<RunRow> {
  await getRun(db, id);
  return db.transaction(async (transaction) => {
    const run = await runStore.transitionRun(transaction, { runId: id, from: ['pending', 'running', 'paused'], to: 'cancelled', reason, eventType: 'run.cancelled' });
    if (!run) throw stateConflict(id, 'cancel', (await runStore.findRun(transaction, id))!.status);
    // Running tasks are cancelled too: their workers lose the lease at the next heartbeat.
    await transaction.query(
      `UPDATE tasks SET status = 'cancelled', error = $2, lease_until = NULL, finished_at = now(), updated_at = now()
       WHERE run_id = $1 AND status IN ('queued', 'running', 'in_review', 'blocked', 'waiting_human')`,
      [id, reason],
    );
    await transaction.query('UPDATE run_phases SET running = 0 WHERE run_id = $1', [id]);
    return run;
  });
}

export async function pauseRun(db: Database, id: string, reason: string): Promise<RunRow> {
  const run = await runStore.transitionRun(db, { runId: id, from: ['running'], to: 'paused', reason, eventType: 'run.paused' });
  if (!run) throw stateConflict(id, 'pause', (await getRun(db, id)).status);
  return run;
}

export async function resumeRun(db: Database, id: string): Promise<RunRow> {
  const current = await getRun(db, id);
  const run = await runStore.transitionRun(db, { runId: id, from: ['paused'], to: 'running', reason: null, eventType: 'run.resumed' });
  if (!run) throw stateConflict(id, 'resume', current.status);
  return run;
}

/**
 * Ends the run if nothing is left to do; under fail_run a failed task cancels what has not started.
 * After a task completed (every task, so the hot path) this is one statement that reads the
 * failure policy itself; only a failure needs the workflow here.
 */
export async function settleRun(db: Database, runId: string, { taskFailed = false }: { taskFailed?: boolean } = {}): Promise<RunRow | undefined> {
  if (!taskFailed) return runStore.finishRunIfDone(db, runId);
  const run = await runStore.findRun(db, runId);
  if (!run || run.status !== 'running') return undefined;
  const workflow = await getWorkflow(db, run.workflow_id);
  const policy = workflow.definition.on_task_failure;
  if (taskFailed && policy === 'fail_run') {
    const cancelled = await cancelPendingTasks(db, runId, 'run is failing: a task failed and on_task_failure is fail_run');
    if (cancelled.length > 0) await appendEvent(db, runId, 'tasks.cancelled', { task_ids: cancelled.map((t) => t.id), reason: 'a task failed (fail_run)' });
  }
  return runStore.finishRunIfDone(db, runId, policy);
}

export async function listRuns(db: Database, options: { status?: RunStatus; limit: number; before?: { createdAt: string; id: string } }): Promise<(RunRow & { created_at_key: string })[]> {
  return runStore.listRuns(db, options);
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}

function stateConflict(id: string, action: string, status: RunStatus): AnvilError {
  return new AnvilError('RUN_STATE_CONFLICT', `run ${id} is ${status}; cannot ${action} it`, { id, status, action });
}
