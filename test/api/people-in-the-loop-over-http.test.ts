import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { apiClient, listen } from '../helpers/http.js';
import { createTestRuntime, simulatedModels } from '../helpers/runtime.js';

/**
 * Review loops and people in the loop end to end over real HTTP, on the simulated model: an agent
 * asks a question that is answered over the API, a reviewed phase rejects each task once and then
 * accepts it, and a gated phase waits until it is approved over the API.
 */
const workflow = {
  name: 'people-in-the-loop',
  first_task: { title: 'Which storage engine fits {goal}?' },
  phases: [
    { key: 'decide', name: 'Decide', tools: ['ask_human', 'create_task', 'complete_task'] },
    { key: 'build', name: 'Build', done_definition: 'The change has tests.', review: { max_rounds: 3 }, tools: ['complete_task'] },
    { key: 'ship', name: 'Ship', approval: 'required', tools: ['complete_task'] },
  ],
  limits: { max_attempts: 2 },
};

interface TaskView {
  id: string;
  phase: string;
  status: string;
  review_round: number;
  approved_at: string | null;
  result: { summary?: string; result?: { human_answer?: string } } | null;
}

describe('people in the loop over real HTTP', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
  });

  it('answers a question, reviews every build task twice, and holds the ship phase until approved', async () => {
    runtime = await createTestRuntime({ name: 'pglite', open: openMigratedPglite }, {}, simulatedModels({ failureRate: 0 }));
    runtime.startWorker({ concurrency: 2 });
    const server = await listen(runtime);
    app = server.app;
    const api = apiClient(server.baseUrl);
    const until = async <T>(read: () => Promise<T | undefined>): Promise<T> => {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const value = await read();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error('timed out waiting');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    expect((await api('/workflows', { method: 'POST', body: workflow })).status).toBe(201);
    const run = (await api<{ id: string }>('/runs', { method: 'POST', body: { workflow: 'people-in-the-loop', goal: 'the event log' } })).body;
    // A person plans the release step at once; it waits at the ship gate with whatever agents add there.
    expect((await api(`/runs/${run.id}/tasks`, { method: 'POST', body: { phase: 'ship', title: 'Release the event log' } })).status).toBe(201);

    // The first task's agent asks; the question waits for a person.
    const [question] = await until(async () => {
      const { body } = await api<{ questions: { id: string; task_id: string; question: string }[] }>(`/runs/${run.id}/questions`);
      return body.questions.length > 0 ? body.questions : undefined;
    });
    expect(question!.question).toContain('Which storage engine');
    const answered = await api<{ task: TaskView; question: { answer: string } }>(`/tasks/${question!.task_id}/answer`, { method: 'POST', body: { answer: 'PostgreSQL' } });
    expect(answered.status).toBe(200);
    expect(answered.body.task.status).toBe('queued');
    expect(answered.body.question.answer).toBe('PostgreSQL');
    // A second answer has no question to answer.
    expect((await api<{ error: { code: string } }>(`/tasks/${question!.task_id}/answer`, { method: 'POST', body: { answer: 'again' } })).body.error.code).toBe('TASK_STATE_CONFLICT');

    // Build tasks pass review on their second round; ship tasks wait at the gate, queued, and the run waits with them.
    const waiting = await until(async () => {
      const { body } = await api<{ tasks: TaskView[] }>(`/runs/${run.id}/tasks?limit=200`);
      const build = body.tasks.filter((task) => task.phase === 'build');
      const ship = body.tasks.filter((task) => task.phase === 'ship');
      const settled = build.length > 0 && build.every((task) => task.status === 'done') && ship.length > 0;
      return settled ? { build, ship, decide: body.tasks.filter((task) => task.phase === 'decide') } : undefined;
    });
    expect(waiting.decide[0]!.result?.result?.human_answer).toBe('PostgreSQL');
    expect(waiting.build.every((task) => task.review_round === 2)).toBe(true);
    const reviews = await api<{ reviews: { round: number; verdict: string }[] }>(`/tasks/${waiting.build[0]!.id}/reviews`);
    expect(reviews.body.reviews.map((review) => [review.round, review.verdict])).toEqual([[1, 'needs_work'], [2, 'accepted']]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const held = await api<{ status: string; phases: { key: string; approval: { approved_at: string | null } | null; counts: Record<string, number> }[] }>(`/runs/${run.id}`);
    expect(held.body.status).toBe('running');
    const shipPhase = held.body.phases.find((phase) => phase.key === 'ship')!;
    expect(shipPhase.approval).toEqual({ approved_at: null, approved_by: null });
    expect(shipPhase.counts.queued).toBe(waiting.ship.length);

    // Bad approvals are refused with a named rule; the real one opens the gate.
    expect((await api<{ error: { code: string } }>(`/runs/${run.id}/phases/build/approve`, { method: 'POST' })).body.error.code).toBe('APPROVAL_NOT_REQUIRED');
    const unknown = await api<{ error: { code: string; details: { field: string } } }>(`/runs/${run.id}/phases/nope/approve`, { method: 'POST' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.field).toBe('phase');
    const approved = await api<{ approved_by: string; approved_at: string }>(`/runs/${run.id}/phases/ship/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    expect(approved.body.approved_at).not.toBeNull();

    const finished = await until(async () => {
      const { body } = await api<{ status: string }>(`/runs/${run.id}`);
      return ['succeeded', 'failed', 'cancelled'].includes(body.status) ? body.status : undefined;
    });
    expect(finished).toBe('succeeded');
    const events = await api<{ events: { type: string }[] }>(`/runs/${run.id}/events/history?limit=500`);
    const types = events.body.events.map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['task.waiting_human', 'task.question_answered', 'task.review_requested', 'task.needs_work', 'phase.approved']));
  }, 120_000);
});
