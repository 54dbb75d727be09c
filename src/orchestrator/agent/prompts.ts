import type { ModelMessage } from 'ai';
import type { RunRow, TaskRow } from '../../store/rows.js';
import type { MemoryRow } from '../../store/memories.js';
import type { PhaseDefinition, WorkflowDefinition } from '../workflow/index.js';

/** Roughly four characters a token: enough to keep injected memories inside their budget. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The most relevant memories that fit the token budget, best first. */
export function memoriesWithinBudget(memories: MemoryRow[], budgetTokens: number): MemoryRow[] {
  const chosen: MemoryRow[] = [];
  let used = 0;
  for (const memory of memories) {
    const cost = estimateTokens(memory.text) + 8;
    if (used + cost > budgetTokens) continue;
    chosen.push(memory);
    used += cost;
  }
  return chosen;
}

export interface PromptContext {
  workflow: WorkflowDefinition;
  phase: PhaseDefinition;
  /** What a claim returns of the run is enough. */
  run: Pick<RunRow, 'id' | 'goal'>;
  task: TaskRow;
  memories: MemoryRow[];
}

export function systemPrompt({ workflow, phase, run, task, memories }: PromptContext): string {
  const phases = workflow.phases.map((p, index) => `${index + 1}. ${p.key} — ${p.name}${p.description ? `: ${p.description}` : ''}`).join('\n');
  const memoryLines = memories.length > 0 ? memories.map((m) => `- [${m.kind}] ${m.text}`).join('\n') : '(none yet)';
  const context = {
    run_id: run.id,
    task_id: task.id,
    attempt: task.attempt,
    max_attempts: task.max_attempts,
    phase: phase.key,
    phases: workflow.phases.map((p) => p.key),
    title: task.title,
    depth: task.depth,
    max_depth: workflow.limits.max_depth,
    // The workflow declares a result: agents of its last phase should submit one.
    result_wanted: workflow.result !== undefined,
  };
  return [
    `You are an agent in the workflow "${workflow.name}". ${workflow.description}`.trim(),
    `Run goal: ${run.goal}`,
    `Phases of this workflow:\n${phases}`,
    `You are working in phase "${phase.name}" (${phase.key}).`,
    phase.instructions ? `Phase instructions:\n${phase.instructions}` : '',
    phase.done_definition ? `Done means:\n${phase.done_definition}` : '',
    'When you discover work, create a task for it with create_task in the phase where it belongs. ' +
      'Save what others should know with save_memory. End by calling complete_task with a summary, or fail_task if you cannot finish.',
    phase.tools.includes('ask_human') ? 'If only a person can decide something, ask with ask_human: your session pauses and resumes with the answer.' : '',
    workflow.result ? `This workflow wants a result${workflow.result.description ? `: ${workflow.result.description}` : ''}. Submit it with submit_result when you have it.` : '',
    `What other agents have saved that may help:\n${memoryLines}`,
    `<anvil-context>${JSON.stringify(context)}</anvil-context>`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/**
 * The task as the agent's first message. A retried task carries how its previous attempt ended
 * (a failure, or the guardian's note when it stopped the attempt), so the next one can do better;
 * after a reviewer's "needs work", it carries the reviewer's feedback.
 */
export function taskMessage(task: TaskRow, review?: { round: number; feedback: string }): ModelMessage {
  const note = task.attempt > 1 && task.error && !review ? `\n\nNote on the previous attempt of this task: ${task.error}` : '';
  const returned = review ? `\n\nA reviewer returned an earlier attempt at this task (review round ${review.round}) as needing more work:\n${review.feedback}` : '';
  return { role: 'user', content: `Task: ${task.title}\n\n${task.description}`.trim() + note + returned };
}
