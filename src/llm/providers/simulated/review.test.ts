import { generateText, stepCountIs, tool } from 'ai';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reviewSystemPrompt, type ReviewRequest } from '../../../orchestrator/review/reviewer.js';
import { createSimulatedModel } from '../simulated.js';

const request = (round: number, subject: 'task' | 'result' = 'task'): ReviewRequest => ({
  subject,
  runId: 'run-1',
  taskId: 'task-1',
  round,
  maxRounds: 3,
  criteria: 'It has tests.',
  asked: 'Write the parser',
  delivered: { summary: 'done', result: null },
  instructions: '',
  title: 'Write the parser',
});

async function verdictOf(round: number, subject: 'task' | 'result' = 'task') {
  let verdict: { verdict: string; feedback: string } | undefined;
  await generateText({
    model: createSimulatedModel(),
    system: reviewSystemPrompt(request(round, subject)),
    prompt: 'Review it.',
    tools: { submit_verdict: tool({ inputSchema: z.object({ verdict: z.string(), feedback: z.string() }), execute: async (input) => ((verdict = input), { ok: true }) }) },
    toolChoice: { type: 'tool', toolName: 'submit_verdict' },
  });
  return verdict;
}

function agentSystem(title: string, extra: Record<string, unknown> = {}): string {
  const context = { run_id: 'run-1', task_id: 'task-1', attempt: 1, max_attempts: 3, phase: 'verify', phases: ['verify'], title, ...extra };
  return `You are an agent.\n<anvil-context>${JSON.stringify(context)}</anvil-context>`;
}

describe('the simulated reviewer', () => {
  it('asks for more work on round 1 and accepts every later round, for tasks and results alike', async () => {
    expect(await verdictOf(1)).toMatchObject({ verdict: 'needs_work', feedback: expect.stringContaining('Round 1') });
    expect(await verdictOf(2)).toMatchObject({ verdict: 'accepted' });
    expect(await verdictOf(1, 'result')).toMatchObject({ verdict: 'needs_work', feedback: expect.stringContaining('the submitted result') });
    expect(await verdictOf(3, 'result')).toMatchObject({ verdict: 'accepted' });
  });
});

describe('the simulated agent with people and reviewers', () => {
  it('asks a person first when its task is a question, and completes with the answer', async () => {
    const tools = {
      ask_human: tool({ inputSchema: z.object({ question: z.string() }), execute: async ({ question }) => ({ question_id: 'q-1', question, answer: 'PostgreSQL', answered_by: 'ada' }) }),
      complete_task: tool({ inputSchema: z.object({ summary: z.string() }).passthrough(), execute: async () => ({ ok: true }) }),
    };
    const result = await generateText({ model: createSimulatedModel({ failureRate: 0 }), system: agentSystem('Which database should we use?'), prompt: 'Work.', tools, stopWhen: stepCountIs(10) });
    const calls = result.steps.flatMap((step) => step.toolCalls.map((call) => ({ toolName: call.toolName, input: call.input as Record<string, unknown> })));
    expect(calls.map((call) => call.toolName)).toEqual(['ask_human', 'complete_task']);
    expect(calls[0]!.input.question).toContain('Which database should we use?');
    expect((calls[1]!.input.result as { human_answer: string }).human_answer).toBe('PostgreSQL');
  });

  it('does not ask when the title is not a question, nor when ask_human is not offered', async () => {
    const complete = tool({ inputSchema: z.object({ summary: z.string() }).passthrough(), execute: async () => ({ ok: true }) });
    const ask = tool({ inputSchema: z.object({ question: z.string() }), execute: async () => ({ question_id: 'q' }) });
    for (const [title, tools] of [['Write the parser', { ask_human: ask, complete_task: complete }], ['Which database?', { complete_task: complete }]] as const) {
      const result = await generateText({ model: createSimulatedModel({ failureRate: 0 }), system: agentSystem(title), prompt: 'Work.', tools, stopWhen: stepCountIs(10) });
      expect(result.steps.flatMap((step) => step.toolCalls.map((call) => call.toolName))).toEqual(['complete_task']);
    }
  });

  it('submits its result again after a reviewer rejected it, when the workflow wants a result', async () => {
    let submissions = 0;
    const tools = {
      submit_result: tool({
        inputSchema: z.object({ summary: z.string() }).passthrough(),
        execute: async () => (++submissions === 1 ? { accepted: false, round: 1, rounds_left: 1, feedback: 'say how it was checked' } : { accepted: true, round: 2, stopped_tasks: 0 }),
      }),
      complete_task: tool({ inputSchema: z.object({ summary: z.string() }).passthrough(), execute: async () => ({ ok: true }) }),
    };
    const result = await generateText({ model: createSimulatedModel({ failureRate: 0 }), system: agentSystem('Summarise the change', { result_wanted: true }), prompt: 'Work.', tools, stopWhen: stepCountIs(10) });
    expect(result.steps.flatMap((step) => step.toolCalls.map((call) => call.toolName))).toEqual(['submit_result', 'submit_result', 'complete_task']);
  });
});
