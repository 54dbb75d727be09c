import type { LanguageModelV3 } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelSource } from '../../src/orchestrator/agent/session.js';
import { answerQuestion } from '../../src/orchestrator/human/questions.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { WorkflowInput } from '../../src/orchestrator/workflow/index.js';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { createTestRuntime, simulatedModels, waitForRun } from '../helpers/runtime.js';

/** Review loops, results and ask_human, end to end in one process on the simulated model. */
const pglite = { name: 'pglite' as const, open: openMigratedPglite };

async function until<T>(read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Simulated models whose every prompt (the text of its system and chat messages) is recorded. */
function recordingModels(prompts: string[]): ModelSource {
  const inner = simulatedModels({ failureRate: 0 });
  return {
    defaultModelName: inner.defaultModelName,
    resolve(name) {
      const resolved = inner.resolve(name);
      const model = wrapLanguageModel({
        model: resolved.model as LanguageModelV3,
        middleware: {
          specificationVersion: 'v3',
          transformParams: async ({ params }) => {
            prompts.push(params.prompt.map((message) => (typeof message.content === 'string' ? message.content : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'))).join('\n'));
            return params;
          },
        },
      });
      return { ...resolved, model };
    },
  };
}

// Generous: the first test also builds the in-memory database template, slow on a loaded machine.
describe('review loops and results on the simulated model', { timeout: 120_000 }, () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  const events = async (runId: string) =>
    (await runtime!.db.query<{ type: string; task_id: string | null; payload: Record<string, unknown> }>('SELECT type, task_id, payload FROM events WHERE run_id = $1 ORDER BY seq', [runId])).rows;

  it('sends a reviewed task back once with feedback, then accepts it; the second attempt reads the feedback', async () => {
    const prompts: string[] = [];
    runtime = await createTestRuntime(pglite, {}, recordingModels(prompts));
    const workflow: WorkflowInput = {
      name: 'reviewed',
      first_task: { title: 'Write the parser' },
      phases: [{ key: 'build', name: 'Build', done_definition: 'The parser has tests.', review: { max_rounds: 3 }, tools: ['complete_task'] }],
    };
    await registerWorkflow(runtime.db, workflow);
    const run = await startRun(runtime.db, { workflow: 'reviewed', goal: 'a parser', simulated: true });
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id)).toBe('succeeded');

    const task = (await runtime.db.query<{ id: string; status: string; attempt: number; review_round: number }>('SELECT id, status, attempt, review_round FROM tasks WHERE run_id = $1', [run.id])).rows[0]!;
    expect(task).toMatchObject({ status: 'done', attempt: 2, review_round: 2 });
    const reviews = await runtime.db.query<{ round: number; verdict: string; feedback: string; model: string }>('SELECT round, verdict, feedback, model FROM reviews WHERE task_id = $1 ORDER BY round', [task.id]);
    expect(reviews.rows.map((row) => [row.round, row.verdict])).toEqual([[1, 'needs_work'], [2, 'accepted']]);
    const types = (await events(run.id)).map((event) => event.type);
    expect(types.filter((type) => type === 'task.review_requested')).toHaveLength(2);
    expect(types).toContain('task.needs_work');
    // The second attempt's task message carries the reviewer's feedback; the first had none.
    const returned = prompts.filter((prompt) => prompt.includes('A reviewer returned an earlier attempt'));
    expect(returned.length).toBeGreaterThan(0);
    expect(returned.every((prompt) => prompt.includes(reviews.rows[0]!.feedback))).toBe(true);
    expect(prompts.some((prompt) => prompt.includes('"attempt":2'))).toBe(true);
    expect(prompts.filter((prompt) => prompt.includes('"attempt":1')).every((prompt) => !prompt.includes('A reviewer returned'))).toBe(true);
    // Reviewer calls pass the gateway under their own prompt kind.
    await runtime.gateway.ledger.flush();
    const calls = await runtime.db.query<{ kind: string; count: number }>('SELECT kind, count(*)::int AS count FROM llm_calls WHERE run_id = $1 GROUP BY kind ORDER BY kind', [run.id]);
    expect(calls.rows).toEqual([{ kind: 'agent-step', count: 2 }, { kind: 'review', count: 2 }]);
  });

  it('fails a task whose last review round still needs work', async () => {
    runtime = await createTestRuntime(pglite, {}, simulatedModels({ failureRate: 0 }));
    await registerWorkflow(runtime.db, {
      name: 'strict',
      first_task: { title: 'Write the parser' },
      phases: [{ key: 'build', name: 'Build', review: { max_rounds: 1 }, tools: ['complete_task'] }],
    });
    const run = await startRun(runtime.db, { workflow: 'strict', goal: 'a parser', simulated: true });
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id)).toBe('failed');
    const task = (await runtime.db.query<{ status: string; error: string }>('SELECT status, error FROM tasks WHERE run_id = $1', [run.id])).rows[0]!;
    expect(task.status).toBe('failed');
    expect(task.error).toContain('Round 1');
  });

  it('reviews a submitted result, takes the second submission, and stops the rest of the run (stop_all)', async () => {
    runtime = await createTestRuntime(pglite, {}, simulatedModels({ failureRate: 0 }));
    await registerWorkflow(runtime.db, {
      name: 'answer',
      first_task: { title: 'Find the answer' },
      phases: [{ key: 'solve', name: 'Solve', tools: ['create_task', 'submit_result', 'complete_task'] }],
      result: { description: 'one number', review: { max_rounds: 2 }, on_result: 'stop_all' },
    });
    const run = await startRun(runtime.db, { workflow: 'answer', goal: 'the answer', simulated: true });
    // Work that would otherwise keep the run going: stop_all cancels it.
    await runtime.db.query(
      `INSERT INTO tasks (run_id, phase, title, status, dedupe_key, available_at) VALUES ($1, 'solve', 'later work', 'queued', 'later work', now() + interval '1 hour')`,
      [run.id],
    );
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id)).toBe('succeeded');
    const stored = (await runtime.db.query<{ result: { summary: string }; result_accepted_at: Date | null }>('SELECT result, result_accepted_at FROM runs WHERE id = $1', [run.id])).rows[0]!;
    expect(stored.result_accepted_at).not.toBeNull();
    expect(stored.result.summary).toContain('Result for');
    const reviews = await runtime.db.query<{ subject: string; verdict: string }>("SELECT subject, verdict FROM reviews WHERE run_id = $1 ORDER BY round", [run.id]);
    expect(reviews.rows).toEqual([{ subject: 'result', verdict: 'needs_work' }, { subject: 'result', verdict: 'accepted' }]);
    const later = (await runtime.db.query<{ status: string; error: string }>("SELECT status, error FROM tasks WHERE run_id = $1 AND title = 'later work'", [run.id])).rows[0]!;
    expect(later).toMatchObject({ status: 'cancelled' });
    expect(later.error).toContain('stop_all');
    const types = (await events(run.id)).map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['run.result_rejected', 'run.result_accepted', 'tasks.cancelled']));
  });

  it('parks a task that asked a person, and resumes the same session with the answer without using an attempt', async () => {
    runtime = await createTestRuntime(pglite, {}, simulatedModels({ failureRate: 0 }));
    await registerWorkflow(runtime.db, {
      name: 'asking',
      first_task: { title: 'Which storage engine should we use?' },
      phases: [{ key: 'decide', name: 'Decide', tools: ['ask_human', 'complete_task'] }],
    });
    const run = await startRun(runtime.db, { workflow: 'asking', goal: 'pick storage', simulated: true });
    runtime.startWorker({ concurrency: 1 });
    const waiting = await until(async () => (await runtime!.db.query<{ id: string }>("SELECT id FROM tasks WHERE run_id = $1 AND status = 'waiting_human'", [run.id])).rows[0]);
    // Nothing runs while the question is open, and the run does not end.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await runtime.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [run.id])).rows[0]!.status).toBe('running');
    await answerQuestion(runtime.db, { taskId: waiting.id, answer: 'PostgreSQL, for its locks', author: 'ada' });
    expect(await waitForRun(runtime, run.id)).toBe('succeeded');
    const task = (await runtime.db.query<{ status: string; attempt: number; result: { summary: string; result: { human_answer?: string } } }>('SELECT status, attempt, result FROM tasks WHERE id = $1', [waiting.id])).rows[0]!;
    expect(task.status).toBe('done');
    expect(task.attempt).toBe(1);
    expect(task.result.result.human_answer).toBe('PostgreSQL, for its locks');
    const sessions = await runtime.db.query<{ attempt: number }>('SELECT attempt FROM agent_sessions WHERE task_id = $1', [waiting.id]);
    expect(sessions.rows).toEqual([{ attempt: 1 }]);
  });
});
