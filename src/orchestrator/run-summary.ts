import type { Queryable } from '../store/database.js';
import type { RunRow } from '../store/rows.js';
import { phaseCounts, type PhaseCount } from '../store/runs.js';
import { findWorkflow } from '../store/workflows.js';
import type { StoredWorkflow } from './workflows.js';

/** A run as people and programs see it: status, per-phase task counts, tokens and cost. */
const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export async function describeRuns(db: Queryable, runs: RunRow[]) {
  const counts = await phaseCounts(db, runs.map((run) => run.id));
  const workflows = new Map<string, Pick<StoredWorkflow, 'id' | 'name' | 'version'>>();
  for (const run of runs) {
    if (!workflows.has(run.workflow_id)) {
      const workflow = await findWorkflow(db, run.workflow_id);
      if (workflow) workflows.set(run.workflow_id, workflow);
    }
  }
  return runs.map((run) => runView(run, phaseSummaries(counts.filter((row) => row.run_id === run.id)), workflows.get(run.workflow_id)));
}

export async function describeRun(db: Queryable, run: RunRow) {
  return (await describeRuns(db, [run]))[0]!;
}

export type RunDescription = ReturnType<typeof runView>;

export interface PhaseSummary {
  key: string;
  position: number;
  max_concurrency: number | null;
  /** The phase's approval gate (`approval: required`), or null when it has none. */
  approval: { approved_at: string | null; approved_by: string | null } | null;
  total: number;
  counts: Record<string, number>;
}

export function phaseSummaries(counts: PhaseCount[]): PhaseSummary[] {
  const phases = new Map<string, PhaseSummary>();
  for (const row of counts) {
    const approval = row.approval_required ? { approved_at: iso(row.approved_at), approved_by: row.approved_by } : null;
    const phase = phases.get(row.phase) ?? { key: row.phase, position: row.position, max_concurrency: row.max_concurrency, approval, total: 0, counts: {} };
    if (row.status) {
      phase.counts[row.status] = Number(row.count);
      phase.total += Number(row.count);
    }
    phases.set(row.phase, phase);
  }
  return [...phases.values()].sort((a, b) => a.position - b.position);
}

export function runView(run: RunRow, phases: PhaseSummary[], workflow?: Pick<StoredWorkflow, 'id' | 'name' | 'version'>) {
  const totals: Record<string, number> = {};
  for (const phase of phases) for (const [status, count] of Object.entries(phase.counts)) totals[status] = (totals[status] ?? 0) + count;
  return {
    id: run.id,
    workflow: workflow ? { id: workflow.id, name: workflow.name, version: workflow.version } : { id: run.workflow_id },
    goal: run.goal,
    params: run.params,
    status: run.status,
    status_reason: run.status_reason,
    simulated: run.simulated,
    // The API key (its id) that started the run and whose budget its model calls count against.
    tenant: run.tenant,
    result: run.result ?? null,
    result_accepted_at: iso(run.result_accepted_at),
    phases,
    tasks: { total: phases.reduce((sum, phase) => sum + phase.total, 0), ...totals } as { total: number } & Partial<Record<string, number>>,
    tokens: { input: Number(run.tokens_input), output: Number(run.tokens_output) },
    cost_usd: Number(run.cost_usd),
    budget: { usd: run.budget_usd === null ? null : Number(run.budget_usd), tokens: run.budget_tokens === null ? null : Number(run.budget_tokens) },
    created_at: iso(run.created_at),
    started_at: iso(run.started_at),
    finished_at: iso(run.finished_at),
  };
}

