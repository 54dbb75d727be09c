/** The REST API's shapes as the dashboard reads them (see src/api/routes/*.ts). */
export type RunStatus = 'pending' | 'running' | 'paused' | 'succeeded' | 'failed' | 'cancelled';
export type TaskStatus = 'queued' | 'running' | 'in_review' | 'done' | 'failed' | 'blocked' | 'waiting_human' | 'cancelled';

export const taskStatuses: TaskStatus[] = ['running', 'in_review', 'queued', 'blocked', 'waiting_human', 'done', 'failed', 'cancelled'];
export const finalRunStatuses: RunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface PhaseSummary {
  key: string;
  position: number;
  max_concurrency: number | null;
  /** The phase's approval gate (`approval: required`); null or absent when it has none. */
  approval?: { approved_at: string | null; approved_by: string | null } | null;
  total: number;
  counts: Partial<Record<TaskStatus, number>>;
}

export interface Run {
  id: string;
  workflow: { id: string; name?: string; version?: number };
  goal: string;
  params: Record<string, unknown>;
  status: RunStatus;
  status_reason: string | null;
  simulated: boolean;
  result: unknown;
  phases: PhaseSummary[];
  tasks: { total: number } & Partial<Record<TaskStatus, number>>;
  tokens: { input: number; output: number };
  cost_usd: number;
  budget: { usd: number | null; tokens: number | null };
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface Task {
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
  attempt: number;
  max_attempts: number;
  error: string | null;
  result: unknown;
  created_by: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** Reviewer verdicts so far, in a phase with review. */
  review_round?: number;
  /** A person's approval of this task in a gated phase. */
  approved_at?: string | null;
  approved_by?: string | null;
}

/** A question an agent asked a person (ask_human), with the answer once given. */
export interface Question {
  id: string;
  run_id: string;
  task_id: string;
  task_title?: string;
  phase?: string;
  question: string;
  answer: string | null;
  answered_by: string | null;
  asked_at: string;
  answered_at: string | null;
}

export interface StepUsage {
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: number | null;
  cacheHit?: boolean;
}

export interface Step {
  index: number;
  kind: string;
  payload: {
    messages?: unknown[];
    text?: string;
    toolCalls?: { toolName: string; toolCallId: string; input: unknown }[];
    toolResults?: { toolName: string; toolCallId: string; output: unknown }[];
    finishReason?: string;
    cacheHit?: boolean;
  };
  usage: StepUsage;
  created_at: string;
}

export interface Session {
  id: string;
  attempt: number;
  worker_id: string;
  model: string;
  simulated: boolean;
  status: string;
  resumed_from: string | null;
  steps: Step[];
  tokens: { input: number; output: number };
  cost_usd: number;
  error: string | null;
  started_at: string;
  finished_at: string | null;
}

export interface TaskDetail extends Task {
  sessions: Session[];
  questions?: Question[];
  /** The gate of the task's phase, or null when it has none. */
  approval?: { phase_approved_at: string | null; phase_approved_by: string | null } | null;
}

export interface RunEvent {
  seq: number;
  type: string;
  task_id: string | null;
  payload: Record<string, unknown>;
  created_at: string;
}

export interface WorkflowParam {
  type: 'string' | 'number' | 'integer' | 'boolean';
  description: string;
  required: boolean;
  default?: string | number | boolean;
}

export interface WorkflowPhase {
  key: string;
  name: string;
  description: string;
  instructions: string;
  done_definition: string;
  model?: string;
  tools: string[];
  max_concurrency?: number;
}

export interface Workflow {
  id: string;
  name: string;
  version: number;
  created_at: string;
  definition: {
    name: string;
    version: number;
    description: string;
    params: Record<string, WorkflowParam>;
    phases: WorkflowPhase[];
    budget: { usd?: number; tokens?: number };
  };
}

export interface ValidationProblem {
  path: string;
  message: string;
  line?: number | null;
}

export interface Memory {
  id: string;
  run_id: string;
  task_id: string | null;
  kind: string;
  text: string;
  tags: string[];
  rank: number | null;
  created_at: string;
}

export interface SystemStatus {
  queue: { queued: number; running: number; blocked: number; waiting_human: number };
  runs: Partial<Record<RunStatus, number>>;
  workers: { id: string; running_sessions: number; last_claim: string }[];
  this_process: { worker: { id: string; active_tasks: number } | null };
  database: { kind: string; pool: unknown };
  cache: string;
  model: { default: string; simulated: boolean };
}

export interface Readiness {
  status: string;
  database?: string;
  cache?: string;
}

/** One guardian review of an agent session (GET /api/v1/runs/:id/guardian). */
export interface GuardianVerdict {
  id: number;
  task_id: string;
  session_id: string;
  steps_seen: number;
  verdict: 'on_track' | 'drifting' | 'stuck' | 'violating';
  score: number;
  reason: string;
  action: 'none' | 'steer' | 'stop';
  message_id: string | null;
  model: string;
  tokens: { input: number; output: number };
  cost_usd: number | null;
  created_at: string;
}

export interface GuardianReport {
  run_id: string;
  spend: {
    reviews: number;
    tokens_input: number;
    tokens_output: number;
    cost_usd: number;
    unpriced_reviews: number;
    steers: number;
    stops: number;
    share_of_run_cost: number;
    share_of_run_tokens: number;
  };
  verdicts: GuardianVerdict[];
}
