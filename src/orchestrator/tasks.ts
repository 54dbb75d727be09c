import { AnvilError, notFound } from '../errors.js';
import type { Database, Queryable } from '../store/database.js';
import type { TaskRow, TaskStatus } from '../store/rows.js';
import * as taskStore from '../store/tasks.js';
import { findRun } from '../store/runs.js';
import { sessionsOfTask } from '../store/sessions.js';
import { dedupeKey } from './dedupe-key.js';
import { isUuid } from './runs.js';
import { getWorkflow } from './workflows.js';
import type { ConductorConfig } from '../config/agents-schema.js';
import { duplicateCandidates, insertNearDuplicate } from '../store/task-duplicates.js';
import { duplicateReason, type NearDuplicateFinder } from './conductor/near-duplicates.js';
import { conductorSettings } from './guardian/settings.js';

/**
 * Task lifecycle: queued → running → done; running → queued (retry after available_at, or a
 * lapsed lease); → failed after max attempts; blocked until dependencies are done;
 * in_review while a reviewer checks it; waiting_human until a person answers; cancelled.
 */
export interface CreateTaskInput {
  runId: string;
  phase: string;
  title: string;
  description?: string;
  priority?: number;
  dependsOn?: string[];
  parentTaskId?: string | null;
  createdBy: string;
}

export interface CreatedTask {
  task: TaskRow;
  /** True when an equivalent task already existed in that run and phase; it is returned instead. */
  duplicate: boolean;
  /** The conductor found the new task a near-duplicate: it was recorded cancelled (or merged) and `task` is the earlier one. */
  nearDuplicate?: { taskId: string; score: number; method: 'embedding' | 'text'; reason: string; merged: boolean };
}

/** Near-duplicate detection for tasks agents create (conductor/near-duplicates.ts). */
export interface ConductorServices {
  defaults: ConductorConfig;
  finder: NearDuplicateFinder;
}

// Serialises near-duplicate checks within a run across processes (the second key is the run).
const duplicatesLockClass = 'anvil.conductor.duplicates';

export async function createTask(db: Queryable, input: CreateTaskInput, options: { conductor?: ConductorServices } = {}): Promise<CreatedTask> {
  const run = await findRun(db, input.runId);
  if (!run) throw notFound('RUN_NOT_FOUND', input.runId);
  if (!['running', 'paused', 'pending'].includes(run.status)) {
    throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} is ${run.status}; tasks cannot be added`, { id: run.id, status: run.status });
  }
  const { definition } = await getWorkflow(db, run.workflow_id);
  const phaseKeys = definition.phases.map((phase) => phase.key);
  if (!phaseKeys.includes(input.phase)) {
    throw new AnvilError('VALIDATION_FAILED', `phase: unknown phase "${input.phase}"; expected one of ${phaseKeys.join(', ')}`, { field: 'phase', allowed: phaseKeys });
  }
  const key = dedupeKey(input.title);
  const existing = await taskStore.findByDedupeKey(db, run.id, input.phase, key);
  // A task with the title of a near-duplicate the conductor cancelled is the task it duplicated.
  if (existing?.duplicate_of) return { task: (await taskStore.findTask(db, existing.duplicate_of)) ?? existing, duplicate: true };
  if (existing) return { task: existing, duplicate: true };

  const dependsOn = [...new Set(input.dependsOn ?? [])];
  const invalid = dependsOn.filter((id) => !isUuid(id));
  if (invalid.length > 0) throw new AnvilError('VALIDATION_FAILED', `depends_on: ${invalid.join(', ')} are not task ids`, { field: 'depends_on', invalid });
  const parent = input.parentTaskId ? await taskStore.findTask(db, input.parentTaskId) : undefined;
  const depth = parent ? parent.depth + 1 : 0;
  if (depth > definition.limits.max_depth) {
    throw new AnvilError('LIMIT_EXCEEDED', `discovery depth ${depth} exceeds the workflow's max_depth ${definition.limits.max_depth}`, { limit: 'max_depth', value: depth });
  }
  const context = await taskStore.creationContext(db, run.id, dependsOn);
  if (context.taskCount >= definition.limits.max_tasks) {
    throw new AnvilError('LIMIT_EXCEEDED', `run ${run.id} has reached the workflow's max_tasks (${definition.limits.max_tasks})`, { limit: 'max_tasks', value: context.taskCount });
  }
  const unknown = dependsOn.filter((id) => !context.dependencies.some((dependency) => dependency.id === id));
  if (unknown.length > 0) throw new AnvilError('VALIDATION_FAILED', `depends_on: no task ${unknown.join(', ')} in this run`, { field: 'depends_on', unknown });
  const dead = context.dependencies.filter((dependency) => dependency.status === 'failed' || dependency.status === 'cancelled');
  if (dead.length > 0) {
    throw new AnvilError('TASK_STATE_CONFLICT', `depends_on: task ${dead[0]!.id} is ${dead[0]!.status}; nothing depending on it can run`, { field: 'depends_on' });
  }
  const newTask: taskStore.NewTask = {
    runId: run.id,
    phase: input.phase,
    title: input.title,
    description: input.description ?? '',
    priority: input.priority ?? 0,
    parentTaskId: parent?.id ?? null,
    depth,
    dependsOn,
    dedupeKey: key,
    maxAttempts: definition.limits.max_attempts,
    createdBy: input.createdBy,
    blocked: context.dependencies.some((dependency) => dependency.status !== 'done'),
  };
  const settings = options.conductor ? conductorSettings(options.conductor.defaults, definition.conductor) : undefined;
  if (settings?.enabled && isDatabase(db)) {
    const finder = options.conductor!.finder;
    const checked = await db.transaction(async (transaction) => {
      // The lock makes the check and the insert one step per run: two agents proposing the same
      // work at once, in any processes, see each other's task.
      await transaction.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [duplicatesLockClass, run.id]);
      const candidates = await duplicateCandidates(transaction, run.id, input.phase);
      const match = await finder.find({ title: newTask.title, description: newTask.description }, candidates, { settings, runId: run.id });
      if (!match) return { task: await taskStore.insertTask(transaction, newTask), match };
      const reason = duplicateReason(match);
      const merge = settings.duplicateAction === 'merge';
      return { task: await insertNearDuplicate(transaction, newTask, { originalId: match.candidate.id, score: match.score, reason, merge }), match };
    });
    if (checked.match && checked.task) {
      const original = (await taskStore.findTask(db, checked.match.candidate.id))!;
      return {
        task: original,
        duplicate: true,
        nearDuplicate: { taskId: checked.task.id, score: checked.match.score, method: checked.match.method, reason: checked.task.duplicate_reason ?? '', merged: checked.task.duplicate_reason?.endsWith('merged into it') === true },
      };
    }
    if (checked.task) return { task: checked.task, duplicate: false };
  } else {
    const inserted = await taskStore.insertTask(db, newTask);
    if (inserted) return { task: inserted, duplicate: false };
  }
  // Another agent created the same task between our check and our insert.
  const winner = await taskStore.findByDedupeKey(db, run.id, input.phase, key);
  return { task: winner!, duplicate: true };
}

export async function getTask(db: Queryable, id: string): Promise<TaskRow> {
  const task = isUuid(id) ? await taskStore.findTask(db, id) : undefined;
  if (!task) throw notFound('TASK_NOT_FOUND', id);
  return task;
}

export async function getTaskWithSessions(db: Queryable, id: string) {
  const task = await getTask(db, id);
  return { task, sessions: await sessionsOfTask(db, id) };
}

/** A person retries a failed or cancelled task: it is queued again with one more attempt allowed. */
export async function retryTask(db: Database, id: string): Promise<TaskRow> {
  return changeStatus(db, id, ['failed', 'cancelled'], 'queued', 'task.retried', 'retry');
}

export async function cancelTask(db: Database, id: string): Promise<TaskRow> {
  return changeStatus(db, id, ['queued', 'blocked', 'running', 'in_review', 'waiting_human'], 'cancelled', 'task.cancelled', 'cancel', 'cancelled by request');
}

export async function reprioritizeTask(db: Database, id: string, priority: number): Promise<TaskRow> {
  await getTask(db, id);
  return (await taskStore.setTaskPriority(db, id, priority))!;
}

async function changeStatus(db: Database, id: string, from: TaskStatus[], to: TaskStatus, eventType: string, action: string, error?: string): Promise<TaskRow> {
  const current = await getTask(db, id);
  const run = await findRun(db, current.run_id);
  if (to === 'queued' && run && !['running', 'paused'].includes(run.status)) {
    throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} is ${run.status}; its tasks cannot be retried`, { id: run.id, status: run.status });
  }
  const task = await taskStore.updateTaskStatus(db, { taskId: id, from, to, eventType, error: error ?? null });
  if (!task) throw new AnvilError('TASK_STATE_CONFLICT', `task ${id} is ${current.status}; cannot ${action} it`, { id, status: current.status, action });
  return task;
}

function isDatabase(db: Queryable): db is Database {
  return typeof (db as Partial<Database>).transaction === 'function';
}
