/**
 * Outside agents (MCP clients, src/mcp) as lease holders. An agent is bound to one run by its
 * token and claims with its own worker id (`mcp:<token prefix>`): its claims carry leases like a
 * built-in worker's, renewed by every tool call it makes, and its completions and failures are
 * fenced by task, attempt and worker id. An agent that stops calling loses its leases to the
 * sweep; a late completion after that is refused (LEASE_LOST).
 *
 * A task of another run is reported as not found, never as forbidden, so a token learns nothing
 * about runs it was not invited to.
 */
import type { Logger } from 'pino';
import { AnvilError, notFound } from '../errors.js';
import type { Database } from '../store/database.js';
import { questionsOfTask } from '../store/human-questions.js';
import { latestFeedback } from '../store/reviews.js';
import { claimTask, extendHolderLeases, type LeaseHolder } from '../store/queue/index.js';
import type { RunRow, TaskRow } from '../store/rows.js';
import { findRun } from '../store/runs.js';
import { memoriesWithinBudget } from './agent/prompts.js';
import { completeHeldTask, failHeldTask } from './agent/actions.js';
import type { ModelSource, PriceFunction } from './agent/session.js';
import type { MemoryService } from './memory.js';
import { askHuman } from './human/questions.js';
import { reviewTask } from './review/task-review.js';
import { sweepLapsedLeases } from './lease-sweep.js';
import { settleRun } from './runs.js';
import { getTask } from './tasks.js';
import { phaseReview, type AgentToolName, type PhaseDefinition, type WorkflowDefinition } from './workflow/index.js';
import { getWorkflow } from './workflows.js';

/** Who is acting: what the token verified (src/security/agents), never what the client says. */
export interface OutsideAgent {
  readonly id: string;
  readonly runId: string;
  readonly name: string;
  readonly workerId: string;
}

export interface HeldTask {
  task: TaskRow;
  holder: LeaseHolder;
  phase: PhaseDefinition;
}

async function runOf(db: Database, agent: OutsideAgent): Promise<{ run: RunRow; workflow: WorkflowDefinition }> {
  const run = await findRun(db, agent.runId);
  if (!run) throw notFound('RUN_NOT_FOUND', agent.runId);
  return { run, workflow: (await getWorkflow(db, run.workflow_id)).definition };
}

/** A task of the agent's run; any other task id is TASK_NOT_FOUND. */
export async function agentTask(db: Database, agent: OutsideAgent, taskId: string): Promise<TaskRow> {
  const task = await getTask(db, taskId);
  if (task.run_id !== agent.runId) throw notFound('TASK_NOT_FOUND', taskId);
  return task;
}

/** The task's attempt this agent holds now, or LEASE_LOST saying why not. */
export async function heldTask(db: Database, agent: OutsideAgent, taskId: string, attempt: number): Promise<HeldTask> {
  const task = await agentTask(db, agent, taskId);
  if (task.status !== 'running' || task.worker_id !== agent.workerId || task.attempt !== attempt) {
    const why = task.status !== 'running' ? `it is ${task.status}` : task.worker_id !== agent.workerId ? 'another holder claimed it after your lease lapsed' : `its current attempt is ${task.attempt}`;
    throw new AnvilError('LEASE_LOST', `you no longer hold task ${taskId} attempt ${attempt}: ${why}`, { taskId, attempt });
  }
  const { workflow } = await runOf(db, agent);
  return { task, holder: { taskId, attempt, workerId: agent.workerId }, phase: workflow.phases.find((phase) => phase.key === task.phase)! };
}

/** A tool the phase does not offer its agents is refused for outside agents too (ending the task always is allowed). */
export function requirePhaseTool(held: HeldTask, tool: AgentToolName): void {
  if (!held.phase.tools.includes(tool)) {
    throw new AnvilError('TOOL_NOT_ALLOWED', `phase ${held.phase.key} does not offer ${tool} (its tools: ${held.phase.tools.join(', ')})`, { tool, phase: held.phase.key });
  }
}

/** Renews every lease the agent holds; called on each of its tool calls. */
export async function renewAgentLeases(db: Database, agent: OutsideAgent, leaseSeconds: number) {
  return extendHolderLeases(db, { runId: agent.runId, workerId: agent.workerId }, leaseSeconds);
}

/**
 * Claims the most urgent claimable task of the agent's run (optionally of one phase), with what
 * a built-in agent's prompt would tell it: the goal, the phase's instructions and done
 * definition, the phases it may create tasks in, and the memories most relevant to the task.
 */
export async function claimForAgent(db: Database, agent: OutsideAgent, { phase, leaseSeconds, memory, memoryBudgetTokens }: { phase?: string; leaseSeconds: number; memory: MemoryService; memoryBudgetTokens: number }) {
  const { run, workflow } = await runOf(db, agent);
  if (phase !== undefined && !workflow.phases.some((candidate) => candidate.key === phase)) {
    throw new AnvilError('VALIDATION_FAILED', `phase: unknown phase "${phase}"; expected one of ${workflow.phases.map((p) => p.key).join(', ')}`, { field: 'phase' });
  }
  // Without any built-in worker in the deployment, nothing else would return a vanished agent's tasks.
  await sweepLapsedLeases(db);
  const task = await claimTask(db, { workerId: agent.workerId, leaseSeconds, runId: agent.runId, phase });
  if (!task) return { task: undefined, run };
  const taskPhase = workflow.phases.find((candidate) => candidate.key === task.phase)!;
  const found =
    taskPhase.tools.includes('search_memory') && memoryBudgetTokens > 0
      ? (await memory.search({ runId: run.id, query: `${task.title} ${task.description}`, limit: 20, context: { taskId: task.id } })).memories
      : [];
  // A task claimed before may carry what happened since: a reviewer's feedback, a person's answers.
  const feedback = task.first_claim ? undefined : await latestFeedback(db, task.id);
  const answered = task.first_claim ? [] : (await questionsOfTask(db, task.id)).filter((question) => question.answered_at !== null);
  return {
    task,
    run,
    briefing: {
      goal: run.goal,
      workflow: { name: workflow.name, description: workflow.description },
      phase: { key: taskPhase.key, name: taskPhase.name, instructions: taskPhase.instructions, done_definition: taskPhase.done_definition, tools: taskPhase.tools, reviewed: phaseReview(taskPhase) !== undefined },
      phases: workflow.phases.map((p) => ({ key: p.key, name: p.name, description: p.description })),
      memories: memoriesWithinBudget(found, memoryBudgetTokens).map((m) => ({ id: m.id, kind: m.kind, text: m.text })),
      limits: { max_depth: workflow.limits.max_depth, max_attempts: workflow.limits.max_attempts },
      ...(feedback ? { review_feedback: { round: feedback.round, feedback: feedback.feedback } } : {}),
      ...(answered.length > 0 ? { answers: answered.map((q) => ({ question: q.question, answer: q.answer, answered_by: q.answered_by })) } : {}),
    },
  };
}

/** What a reviewer of a task needs: the models it calls through (the gateway) and their prices. */
export interface ReviewerServices {
  models: ModelSource;
  price: PriceFunction;
  logger: Logger;
}

/**
 * Completes a held task and settles the run (which ends when nothing is left to do). In a phase
 * with review the task goes to review and the reviewer runs now, under the agent's lease, as a
 * worker runs it after a built-in agent's session: accepted, it is done; needing work, it goes
 * back to the queue with the feedback (claim it again to read it).
 */
export async function completeForAgent(db: Database, held: HeldTask, input: { summary: string; result?: unknown }, reviewer: ReviewerServices): Promise<{ task: TaskRow; review?: { verdict: string | undefined; feedback: string | null } }> {
  const completed = await completeHeldTask(db, held.holder, held.phase, input);
  if (!completed.review) {
    await settleRun(db, completed.task.run_id);
    return { task: completed.task };
  }
  const reviewed = await reviewTask({ db, task: completed.task, workerId: held.holder.workerId, ...reviewer });
  if (reviewed.taskFinal) await settleRun(db, completed.task.run_id, { taskFailed: reviewed.taskFailed });
  const feedback = reviewed.verdict === 'needs_work' ? ((await latestFeedback(db, held.task.id))?.feedback ?? null) : null;
  return { task: await getTask(db, held.task.id), review: { verdict: reviewed.verdict ?? 'pending', feedback } };
}

/**
 * ask_human for an outside agent: the task waits for a person and the claim is given back (no
 * lease is held while a person thinks). The answer queues the task again; whoever claims it next
 * gets the answer in its briefing.
 */
export async function askForAgent(db: Database, held: HeldTask, question: string) {
  return askHuman(db, { holder: held.holder, runId: held.task.run_id, question });
}

/** Fails a held task; when that failure is final the run is settled under its failure policy. */
export async function failForAgent(db: Database, held: HeldTask, input: { reason: string; retryable: boolean; retryBaseMs: number }): Promise<TaskRow> {
  const failed = await failHeldTask(db, held.holder, input);
  if (failed.status === 'failed') await settleRun(db, failed.run_id, { taskFailed: true });
  return failed;
}
