import { tool, type ToolSet } from 'ai';
import { asToolResult } from '../tool-result.js';
import type { Database } from '../../store/database.js';
import type { MemoryService } from '../memory.js';
import { workspaceTools, type WorkspaceToolContext } from '../workspace/index.js';
import type { LeaseHolder } from '../../store/queue/index.js';
import type { TaskRow } from '../../store/rows.js';
import { askHuman } from '../human/questions.js';
import { submitResult } from '../review/result.js';
import { phaseReview, type AgentToolName, type PhaseDefinition } from '../workflow/index.js';
import type { ConductorServices } from '../tasks.js';
import type { WorkflowLookup } from '../workflow-cache.js';
import { completeHeldTask, discoverTask, failHeldTask, saveRunMemory, searchRunMemory } from './actions.js';
import type { ModelSource, PriceFunction } from './session.js';
import { askHumanInput, createTaskInput, failTaskInput, saveMemoryInput, searchMemoryInput, summaryInput } from './tool-schemas.js';

/** What the tools did to the task, so the session knows how it ended. */
export interface SessionOutcome {
  /** completed: done, or handed to review (`review`); waiting: the agent asked a person. */
  final?: 'completed' | 'failed' | 'waiting';
  retryScheduled?: boolean;
  /** The task went to review: the worker runs the reviewer next, under the same lease. */
  review?: boolean;
  /** What complete_task asked for, made with the step that called it (StepRecorder). */
  completion?: { summary: string; result: unknown };
}

export interface ToolContext {
  db: Database;
  task: TaskRow;
  holder: LeaseHolder;
  phase: PhaseDefinition;
  outcome: SessionOutcome;
  retryBaseMs: number;
  /** For reviewers of submitted results (submit_result with result.review). */
  models: ModelSource;
  price: PriceFunction;
  workflows?: WorkflowLookup;
  signal?: AbortSignal;
  memory: MemoryService;
  /** The workspace settings and the workflow's allowed programs; without them, no workspace tools. */
  workspace?: Pick<WorkspaceToolContext, 'config' | 'workflowCommands'>;
  /** Near-duplicate detection for the tasks this agent creates; unset: exact titles only. */
  conductor?: ConductorServices;
}

/**
 * The agent's tools. Errors a tool raises on purpose (a limit, an unknown phase) go back to the
 * model as the tool's result so it can correct itself; anything else ends the session.
 */
export function agentTools(context: ToolContext): ToolSet {
  const { db, task, holder, outcome } = context;
  const workspace = context.workspace ? workspaceTools({ ...context.workspace, db, runId: task.run_id, taskId: task.id, signal: context.signal }) : undefined;
  const all: Partial<Record<AgentToolName, ToolSet[string]>> = {
    ...workspace,
    create_task: tool({
      description: 'Create a task for work you discovered, in the phase where it belongs. A task equivalent to an existing one returns the existing task.',
      inputSchema: createTaskInput,
      execute: async (input) =>
        asToolResult(() =>
          discoverTask(db, {
            runId: task.run_id,
            phase: input.phase,
            title: input.title,
            description: input.description,
            priority: input.priority,
            dependsOn: input.depends_on,
            parentTaskId: task.id,
            createdBy: `agent:${task.id}`,
          }, { conductor: context.conductor }),
        ),
    }),
    complete_task: tool({
      description: 'Mark your task done with a summary of what you did. Ends your session.',
      inputSchema: summaryInput,
      execute: async (input) => {
        // In a reviewed phase "done" is the reviewer's word: the task waits in review.
        if (phaseReview(context.phase)) {
          await completeHeldTask(db, holder, context.phase, input);
          outcome.review = true;
          outcome.final = 'completed';
          return { ok: true, status: 'in_review' };
        }
        // Otherwise the completion is made by the statement that persists this step and finishes
        // the session (recordCompletion), fenced like completeTask. complete_task ends the session,
        // so the model never reads this answer: it is durable with the step that holds it.
        outcome.completion = { summary: input.summary, result: input.result ?? null };
        return { ok: true };
      },
    }),
    fail_task: tool({
      description: 'Give up on your task, saying why. A retryable failure is tried again later. Ends your session.',
      inputSchema: failTaskInput,
      execute: async (input) => {
        const failed = await failHeldTask(db, holder, { reason: input.reason, retryable: input.retryable ?? true, retryBaseMs: context.retryBaseMs });
        outcome.final = 'failed';
        outcome.retryScheduled = failed.status === 'queued';
        return { ok: true, retry_scheduled: outcome.retryScheduled };
      },
    }),
    save_memory: tool({
      description: 'Save something other agents in this run should know.',
      inputSchema: saveMemoryInput,
      execute: (input) => saveRunMemory(context.memory, { runId: task.run_id, taskId: task.id, kind: input.kind, text: input.text, tags: input.tags }),
    }),
    search_memory: tool({
      description: "Search this run's saved memories, best first (full text, plus meaning where an embedding model is configured; recent ones weigh more).",
      inputSchema: searchMemoryInput,
      execute: (input) => searchRunMemory(db, context.memory, { runId: task.run_id, taskId: task.id, query: input.query, kinds: input.kinds, limit: input.limit ?? 5 }),
    }),
    submit_result: tool({
      description: "Submit the run's result: the answer to its goal. A reviewer may check it; a rejected result comes back with feedback to submit again.",
      inputSchema: summaryInput,
      execute: async (input) =>
        asToolResult(() =>
          submitResult({ db, models: context.models, price: context.price, task, summary: input.summary, result: input.result, signal: context.signal, workflows: context.workflows }),
        ),
    }),
    ask_human: tool({
      description: "Ask a person a question you cannot answer yourself. Your session pauses and resumes with the answer as this tool's result.",
      inputSchema: askHumanInput,
      execute: async (input) =>
        asToolResult(async () => {
          const asked = await askHuman(db, { holder, runId: task.run_id, question: input.question });
          outcome.final = 'waiting';
          return asked;
        }),
    }),
  };
  // An agent must always be able to end its session, whatever the phase allows.
  const names = new Set<AgentToolName>([...context.phase.tools, 'complete_task', 'fail_task']);
  const offered: ToolSet = {};
  for (const name of names) {
    const chosen = all[name];
    if (chosen) offered[name] = chosen;
  }
  return offered;
}
