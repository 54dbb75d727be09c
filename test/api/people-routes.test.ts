import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

/** The routes of people in the loop: validated bodies, 4xx that name the field and the rule, events. */
describe('answer, approve and message routes', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let runId: string;
  let taskId: string;
  const missing = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    runtime = await createTestRuntime({ name: 'pglite', open: openMigratedPglite });
    app = await buildServer({ runtime });
    await app.inject({
      method: 'POST',
      url: '/api/v1/workflows',
      payload: { name: 'gated', first_task: { title: 'Plan' }, phases: [{ key: 'plan', name: 'Plan' }, { key: 'ship', name: 'Ship', approval: 'required' }] },
    });
    runId = (await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'gated', goal: 'g' } })).json().id;
    taskId = (await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}/tasks` })).json().tasks[0].id;
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const cases: { name: string; request: () => InjectOptions; status: number; code: string; field?: string }[] = [
    { name: 'an answer without the answer field', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/answer`, payload: {} }), status: 400, code: 'VALIDATION_FAILED', field: 'body.answer' },
    { name: 'an empty answer', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/answer`, payload: { answer: '' } }), status: 400, code: 'VALIDATION_FAILED', field: 'body.answer' },
    { name: 'an answer with an unknown field', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/answer`, payload: { answer: 'yes', colour: 'red' } }), status: 400, code: 'VALIDATION_FAILED', field: 'body.colour' },
    { name: 'an answer to a task that asked nothing', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/answer`, payload: { answer: 'yes' } }), status: 409, code: 'TASK_STATE_CONFLICT' },
    { name: 'an answer to an unknown task', request: () => ({ method: 'POST', url: `/api/v1/tasks/${missing}/answer`, payload: { answer: 'yes' } }), status: 404, code: 'TASK_NOT_FOUND' },
    { name: 'approving a task outside a gated phase', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/approve` }), status: 409, code: 'APPROVAL_NOT_REQUIRED' },
    { name: 'approving a phase the workflow lacks', request: () => ({ method: 'POST', url: `/api/v1/runs/${runId}/phases/nope/approve` }), status: 400, code: 'VALIDATION_FAILED', field: 'phase' },
    { name: 'approving a phase of an unknown run', request: () => ({ method: 'POST', url: `/api/v1/runs/${missing}/phases/ship/approve` }), status: 404, code: 'RUN_NOT_FOUND' },
    { name: 'a message without a body', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/messages`, payload: {} }), status: 400, code: 'VALIDATION_FAILED', field: 'body.body' },
    { name: 'a message that is only spaces', request: () => ({ method: 'POST', url: `/api/v1/tasks/${taskId}/messages`, payload: { body: '   ' } }), status: 400, code: 'VALIDATION_FAILED', field: 'body' },
    { name: 'questions of an unknown status', request: () => ({ method: 'GET', url: `/api/v1/runs/${runId}/questions?status=closed` }), status: 400, code: 'VALIDATION_FAILED', field: 'status' },
  ];

  it.each(cases)('refuses $name with $status $code', async ({ request, status, code, field }) => {
    const response = await app.inject(request());
    expect(response.statusCode).toBe(status);
    const body = response.json() as { error: { code: string; message: string; details?: Record<string, unknown> } };
    expect(body.error.code).toBe(code);
    if (field) expect(`${body.error.message} ${JSON.stringify(body.error.details ?? {})}`).toContain(field);
  });

  it('approves a gated phase once, names who approved it, and shows the gate on the run', async () => {
    const first = await app.inject({ method: 'POST', url: `/api/v1/runs/${runId}/phases/ship/approve` });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ run_id: runId, phase: 'ship', approved_by: 'local admin (no keys configured)' });
    const again = await app.inject({ method: 'POST', url: `/api/v1/runs/${runId}/phases/ship/approve` });
    expect(again.json().approved_at).toBe(first.json().approved_at);
    const run = (await app.inject({ method: 'GET', url: `/api/v1/runs/${runId}` })).json() as { phases: { key: string; approval: unknown }[] };
    expect(run.phases.find((phase) => phase.key === 'plan')!.approval).toBeNull();
    expect(run.phases.find((phase) => phase.key === 'ship')!.approval).toMatchObject({ approved_by: 'local admin (no keys configured)' });
  });

  it('posts a message to a task for its agent and records it as an event', async () => {
    const posted = await app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/messages`, payload: { body: 'Prefer the smaller change.' } });
    expect(posted.statusCode).toBe(201);
    expect(posted.json()).toMatchObject({ task_id: taskId, body: 'Prefer the smaller change.', delivered_at: null });
    const events = await runtime.db.query<{ type: string; payload: { source: string } }>("SELECT type, payload FROM events WHERE run_id = $1 AND type = 'session.message_posted'", [runId]);
    expect(events.rows).toHaveLength(1);
    expect(events.rows[0]!.payload.source).toBe('human');
  });

  it('refuses a message to a finished task', async () => {
    await runtime.db.query("UPDATE tasks SET status = 'done' WHERE id = $1", [taskId]);
    const response = await app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/messages`, payload: { body: 'too late' } });
    expect(response.statusCode).toBe(409);
  });
});
