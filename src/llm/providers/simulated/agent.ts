import type { AgentContext, AgentHistory, ToolResultRecord } from './context.js';
import { planAttempt, type FollowUp } from './plan.js';
import { misbehavingTurn, twinOf } from './misbehaviour.js';
import { hashParts } from './random.js';
import { keyWords } from './vocabulary.js';

/**
 * The simulated agent's turn-taking. Its script for an attempt is
 * [ask_human] → search_memory → save_memory → create_task × 0..3 → (fail_task | [submit_result] complete_task),
 * one tool call per step, then a short text once a complete or fail result came back. Steps whose
 * tool is not offered are left out of the script. It asks a person first when its task's title is
 * a question (ends with "?") and ask_human is offered, and submits its result again after a
 * reviewer rejected it. The step index is the number of earlier assistant turns in the prompt,
 * less those spent misbehaving on purpose (simulated/misbehaviour.ts), so the script is resumable
 * from persisted history.
 */

export interface SimulatedToolCall {
  toolName: string;
  input: Record<string, unknown>;
}

export interface SimulatedTurn {
  /** Always starts with "[simulated]". */
  text: string;
  toolCall?: SimulatedToolCall;
}

export interface AgentTurnInput {
  context: AgentContext;
  history: AgentHistory;
  toolNames: ReadonlySet<string>;
  seed: number;
  failureRate: number;
}

type ScriptStep =
  | { kind: 'ask_human' }
  | { kind: 'search_memory' }
  | { kind: 'save_memory' }
  | { kind: 'create_task'; followUp: FollowUp }
  | { kind: 'fail_task' }
  | { kind: 'submit_result' }
  | { kind: 'complete_task' };

const findings = [
  'needs a clear interface before anything builds on it',
  'has edge cases worth a dedicated test',
  'depends on shared configuration',
  'should report errors with stable codes',
];

export function nextAgentTurn({ context, history, toolNames, seed, failureRate }: AgentTurnInput): SimulatedTurn {
  const ended = history.toolResults.find((result) => result.toolName === 'complete_task' || result.toolName === 'fail_task');
  if (ended) return { text: closingText(context, ended) };
  const misbehaving = misbehavingTurn(context, history, toolNames, seed);
  if (misbehaving) return misbehaving;
  const plan = planAttempt(context, seed, failureRate);
  const script: ScriptStep[] = [...(context.title.trim().endsWith('?') ? [{ kind: 'ask_human' } as const] : []), { kind: 'search_memory' }, { kind: 'save_memory' }];
  for (const followUp of plan.followUps) script.push({ kind: 'create_task', followUp });
  const twin = twinOf(context, plan.followUps[0]);
  if (twin) script.push({ kind: 'create_task', followUp: twin });
  // Without fail_task on offer the injected failure is skipped and the task completes.
  if (plan.fail && toolNames.has('fail_task')) script.push({ kind: 'fail_task' });
  else {
    // Each result a reviewer sent back is followed by another submission.
    const rejected = history.toolResults.filter((result) => result.toolName === 'submit_result' && isRecord(result.value) && result.value.accepted === false).length;
    const submissions = plan.submit ? 1 + rejected : 0;
    script.push(...Array.from({ length: submissions }, () => ({ kind: 'submit_result' }) as const), { kind: 'complete_task' });
  }
  const offered = script.filter((entry) => toolNames.has(entry.kind));
  const step = offered[history.step - history.misbehaved];
  if (!step) return { text: `[simulated] Nothing more to do for "${context.title}".` };
  return turnFor(step, context, history, seed);
}

function turnFor(step: ScriptStep, context: AgentContext, history: AgentHistory, seed: number): SimulatedTurn {
  const words = keyWords(context.title);
  const query = words.join(' ') || context.title;
  switch (step.kind) {
    case 'ask_human':
      return call(`[simulated] Asking a person about "${context.title}".`, 'ask_human', { question: `[simulated] ${context.title}` });
    case 'search_memory':
      return call(`[simulated] Searching memory for "${query}".`, 'search_memory', { query, limit: 5 });
    case 'save_memory': {
      const finding = findings[hashParts(seed, context.task_id, context.title) % findings.length]!;
      const consulted = memoriesFound(history);
      const text = `[simulated] While working on "${context.title}": ${words.join(', ') || 'this task'} ${finding}` +
        (consulted > 0 ? ` (building on ${consulted} earlier ${consulted === 1 ? 'memory' : 'memories'}).` : '.');
      return call('[simulated] Saving a discovery.', 'save_memory', { kind: 'discovery', text, tags: ['simulated', context.phase, ...words.slice(0, 3)] });
    }
    case 'create_task': {
      const { followUp } = step;
      const previous = step.followUp.dependsOnPrevious ? lastCreatedTaskId(history) : undefined;
      const input: Record<string, unknown> = { phase: followUp.phase, title: followUp.title, description: followUp.description, priority: followUp.priority };
      // Work that builds on the follow-up proposed just before also waits for the task proposing
      // both, still running now: it is created blocked however soon another worker finishes that
      // sibling, so every run shows a dependency waited on.
      if (previous) input.depends_on = [previous, context.task_id];
      return call(`[simulated] Proposing "${followUp.title}" in ${followUp.phase}.`, 'create_task', input);
    }
    case 'fail_task':
      return call('[simulated] Something went wrong; reporting a retryable failure.', 'fail_task', { reason: 'simulated transient failure', retryable: true });
    case 'submit_result':
      return call('[simulated] Submitting a result.', 'submit_result', {
        summary: `[simulated] Result for "${context.title}".`,
        result: { simulated: true, run_id: context.run_id, task_id: context.task_id, findings: words },
      });
    case 'complete_task': {
      const created = history.toolResults.filter((result) => result.toolName === 'create_task').length;
      const answer = humanAnswer(history);
      return call('[simulated] Completing the task.', 'complete_task', {
        summary: `[simulated] Completed "${context.title}" in ${context.phase}; proposed ${created} follow-up${created === 1 ? '' : 's'}.` + (answer ? ` A person answered: ${answer}` : ''),
        result: { simulated: true, follow_ups: created, memories_consulted: memoriesFound(history), ...(answer ? { human_answer: answer } : {}) },
      });
    }
  }
}

function call(text: string, toolName: string, input: Record<string, unknown>): SimulatedTurn {
  return { text, toolCall: { toolName, input } };
}

function closingText(context: AgentContext, ended: ToolResultRecord): string {
  if (ended.isError) return `[simulated] Stopped on "${context.title}": the orchestrator refused ${ended.toolName}.`;
  return ended.toolName === 'complete_task'
    ? `[simulated] Done with "${context.title}".`
    : `[simulated] Reported a transient failure on "${context.title}"; a retry may succeed.`;
}

function memoriesFound(history: AgentHistory): number {
  const result = history.toolResults.findLast((entry) => entry.toolName === 'search_memory' && !entry.isError);
  const memories = isRecord(result?.value) ? result.value.memories : undefined;
  return Array.isArray(memories) ? memories.length : 0;
}

function humanAnswer(history: AgentHistory): string | undefined {
  const result = history.toolResults.findLast((entry) => entry.toolName === 'ask_human' && !entry.isError);
  const answer = isRecord(result?.value) ? result.value.answer : undefined;
  return typeof answer === 'string' ? answer : undefined;
}

function lastCreatedTaskId(history: AgentHistory): string | undefined {
  const result = history.toolResults.findLast((entry) => entry.toolName === 'create_task' && !entry.isError);
  const taskId = isRecord(result?.value) ? result.value.task_id : undefined;
  return typeof taskId === 'string' && taskId.length > 0 ? taskId : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
