/** Row shapes as the database returns them (snake_case columns). */
export type RunStatus = 'pending' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export type TaskStatus = 'queued' | 'running' | 'in_review' | 'done' | 'failed' | 'blocked' | 'waiting_human' | 'cancelled';

export const activeTaskStatuses: readonly TaskStatus[] = ['queued', 'running', 'in_review', 'blocked', 'waiting_human'];
export const finalTaskStatuses: readonly TaskStatus[] = ['done', 'failed', 'cancelled'];

export interface TaskRow {
  id: string;
  run_id: string;
  phase: string;
  title: string;
  description: string;
  status: TaskStatus;
  priority: number;
  parent_task_id: string | null;
  depth: number;
  depends_on: string[];
  dedupe_key: string;
  attempt: number;
  max_attempts: number;
  available_at: Date;
  lease_until: Date | null;
  worker_id: string | null;
  result: unknown;
  error: string | null;
  created_by: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  /** Reviewer verdicts this task has had (migration 0009). */
  review_round: number;
  /** A person's approval of this task in a gated phase. */
  approved_at: Date | null;
  approved_by: string | null;
  /** The earlier task this one nearly duplicates (the conductor cancelled or merged it). */
  duplicate_of?: string | null;
  duplicate_reason?: string | null;
}

export interface RunRow {
  id: string;
  workflow_id: string;
  goal: string;
  params: Record<string, unknown>;
  status: RunStatus;
  status_reason: string | null;
  result: unknown;
  /** When the run's result was accepted (by its reviewer, or on submission without review). */
  result_accepted_at: Date | null;
  simulated: boolean;
  /** Who the run's model calls are billed to: the starting API key's id, `bootstrap` or `local`. */
  tenant: string;
  budget_usd: number | null;
  budget_tokens: number | null;
  cost_usd: number;
  tokens_input: number;
  tokens_output: number;
  event_seq: number;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
}

export interface EventRow {
  run_id: string;
  seq: number;
  type: string;
  task_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
}
