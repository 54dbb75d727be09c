import { AnvilError } from '../../errors.js';
import type { Database, Queryable } from '../../store/database.js';
import { withEvent } from '../../store/queue/index.js';
import type { TaskRow } from '../../store/rows.js';
import { getRun } from '../runs.js';
import { getTask } from '../tasks.js';

/**
 * Approval gates. A phase with `approval: required` hands out none of its tasks until a person
 * approves — the whole phase for the run (every task in it, now and later), or one task. The
 * gate is on claiming, not on creating: agents may discover work in a gated phase at any time,
 * and it waits, queued, where a person can see it. The run does not end while gated work waits.
 */

export interface PhaseGate {
  run_id: string;
  phase: string;
  approval_required: boolean;
  approved_at: Date | null;
  approved_by: string | null;
}

const approvePhaseSql = withEvent({
  mutation: `UPDATE run_phases SET approved_at = coalesce(approved_at, now()), approved_by = coalesce(approved_by, $3)
    WHERE run_id = $1 AND phase = $2 AND approval_required
    RETURNING *`,
  taskId: 'NULL',
  type: `'phase.approved'`,
  payload: `jsonb_build_object('phase', c.phase, 'approved_by', c.approved_by, 'approved_at', c.approved_at)`,
});

export async function approvePhase(db: Database, { runId, phase, author }: { runId: string; phase: string; author: string }): Promise<PhaseGate> {
  const run = await getRun(db, runId);
  if (!['running', 'paused', 'pending'].includes(run.status)) {
    throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} is ${run.status}; nothing in it waits for approval`, { id: run.id, status: run.status, action: 'approve' });
  }
  const gates = await phaseGates(db, run.id);
  const gate = gates.find((candidate) => candidate.phase === phase);
  if (!gate) {
    throw new AnvilError('VALIDATION_FAILED', `phase: unknown phase "${phase}"; expected one of ${gates.map((g) => g.phase).join(', ')}`, { field: 'phase', rule: 'known-phase', allowed: gates.map((g) => g.phase) });
  }
  if (!gate.approval_required) throw new AnvilError('APPROVAL_NOT_REQUIRED', `phase "${phase}" of run ${run.id} has no approval gate`, { phase });
  const result = await db.query<PhaseGate>(approvePhaseSql, [run.id, phase, author]);
  return result.rows[0]!;
}

const approveTaskSql = withEvent({
  mutation: `UPDATE tasks SET approved_at = now(), approved_by = $2, available_at = least(available_at, now()), updated_at = now()
    WHERE id = $1 AND approved_at IS NULL AND status IN ('queued', 'blocked')
    RETURNING *`,
  type: `'task.approved'`,
  payload: `jsonb_build_object('phase', c.phase, 'title', c.title, 'approved_by', c.approved_by)`,
});

export async function approveTask(db: Database, { taskId, author }: { taskId: string; author: string }): Promise<TaskRow> {
  const task = await getTask(db, taskId);
  const gate = (await phaseGates(db, task.run_id)).find((candidate) => candidate.phase === task.phase);
  if (!gate?.approval_required) throw new AnvilError('APPROVAL_NOT_REQUIRED', `phase "${task.phase}" of task ${task.id} has no approval gate`, { phase: task.phase });
  if (task.approved_at) return task;
  const result = await db.query<TaskRow>(approveTaskSql, [task.id, author]);
  const approved = result.rows[0];
  if (!approved) throw new AnvilError('TASK_STATE_CONFLICT', `task ${task.id} is ${task.status}; only queued or blocked tasks wait for approval`, { id: task.id, status: task.status, action: 'approve' });
  return approved;
}

/** The approval gate of a task's phase: null when the phase has none. */
export async function taskGate(db: Queryable, task: Pick<TaskRow, 'run_id' | 'phase'>): Promise<{ phase_approved_at: string | null; phase_approved_by: string | null } | null> {
  const result = await db.query<{ approval_required: boolean; approved_at: Date | null; approved_by: string | null }>(
    'SELECT approval_required, approved_at, approved_by FROM run_phases WHERE run_id = $1 AND phase = $2',
    [task.run_id, task.phase],
  );
  const gate = result.rows[0];
  return gate?.approval_required ? { phase_approved_at: gate.approved_at ? new Date(gate.approved_at).toISOString() : null, phase_approved_by: gate.approved_by } : null;
}

export async function phaseGates(db: Database, runId: string): Promise<PhaseGate[]> {
  const result = await db.query<PhaseGate>('SELECT run_id, phase, approval_required, approved_at, approved_by FROM run_phases WHERE run_id = $1 ORDER BY position', [runId]);
  return result.rows;
}
