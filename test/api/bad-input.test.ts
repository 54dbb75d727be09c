import { readFile } from 'node:fs/promises';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

/** Bad input gets a 4xx that names the problem, never a 500. */
describe('bad input over the REST API', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let runId: string;
  const missing = '00000000-0000-4000-8000-000000000000';

  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { server: { bodyLimitBytes: 4096 } });
    app = await buildServer({ runtime });
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    const run = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'g' } });
    runId = run.json().id;
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  const cases: { name: string; request: () => InjectOptions; status: number; code: string; mentions?: string }[] = [
    { name: 'an unknown run id', request: () => ({ method: 'GET', url: `/api/v1/runs/${missing}` }), status: 404, code: 'RUN_NOT_FOUND', mentions: missing },
    { name: 'a run id that is not a uuid', request: () => ({ method: 'GET', url: '/api/v1/runs/nope' }), status: 404, code: 'RUN_NOT_FOUND' },
    { name: 'an unknown task id', request: () => ({ method: 'GET', url: `/api/v1/tasks/${missing}` }), status: 404, code: 'TASK_NOT_FOUND' },
    { name: 'an unknown workflow', request: () => ({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'nope', goal: 'g' } }), status: 404, code: 'WORKFLOW_NOT_FOUND' },
    { name: 'an unknown route', request: () => ({ method: 'GET', url: '/api/v1/nothing-here' }), status: 404, code: 'NOT_FOUND' },
    {
      name: 'invalid JSON',
      request: () => ({ method: 'POST', url: '/api/v1/runs', headers: { 'content-type': 'application/json' }, payload: '{"workflow": ' }),
      status: 400,
      code: 'INVALID_JSON',
    },
    { name: 'an unknown field', request: () => ({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'g', colour: 'red' } }), status: 400, code: 'VALIDATION_FAILED', mentions: 'body.colour' },
    { name: 'a missing required field', request: () => ({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart' } }), status: 400, code: 'VALIDATION_FAILED', mentions: 'body.goal' },
    { name: 'a field of the wrong type', request: () => ({ method: 'PATCH', url: `/api/v1/tasks/${missing}`, payload: { priority: 'high' } }), status: 400, code: 'VALIDATION_FAILED', mentions: 'body.priority' },
    { name: 'an unknown query parameter', request: () => ({ method: 'GET', url: `/api/v1/runs?colour=red` }), status: 400, code: 'VALIDATION_FAILED', mentions: 'colour' },
    { name: 'an oversized body', request: () => ({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'x'.repeat(10_000) } }), status: 413, code: 'BODY_TOO_LARGE' },
    { name: 'an unsupported content type', request: () => ({ method: 'POST', url: '/api/v1/runs', headers: { 'content-type': 'text/csv' }, payload: 'a,b' }), status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
    { name: 'an unknown workflow parameter', request: () => ({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'g', params: { colour: 'red' } } }), status: 400, code: 'VALIDATION_FAILED', mentions: 'params.colour' },
    {
      name: 'a workflow with errors',
      request: () => ({ method: 'POST', url: '/api/v1/workflows', payload: { name: 'x', first_task: { title: 't' }, phases: [{ key: 'a', name: 'A', max_concurrency: 0 }] } }),
      status: 400,
      code: 'WORKFLOW_INVALID',
      mentions: 'phases[0].max_concurrency: expected a positive integer',
    },
    { name: 'malformed workflow YAML', request: () => ({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: 'name: [unclosed' }), status: 400, code: 'WORKFLOW_INVALID' },
    { name: 'a task in an unknown phase', request: () => ({ method: 'POST', url: `/api/v1/runs/${runId}/tasks`, payload: { phase: 'nope', title: 't' } }), status: 400, code: 'VALIDATION_FAILED', mentions: 'phase' },
    { name: 'a dependency that does not exist', request: () => ({ method: 'POST', url: `/api/v1/runs/${runId}/tasks`, payload: { phase: 'verify', title: 't', depends_on: [missing] } }), status: 400, code: 'VALIDATION_FAILED', mentions: missing },
    { name: 'resuming a run that is not paused', request: () => ({ method: 'POST', url: `/api/v1/runs/${runId}/resume` }), status: 409, code: 'RUN_STATE_CONFLICT' },
    { name: 'a malformed cursor', request: () => ({ method: 'GET', url: `/api/v1/runs/${runId}/tasks?cursor=garbage` }), status: 400, code: 'VALIDATION_FAILED', mentions: 'cursor' },
  ];

  it.each(cases)('answers $status $code for $name', async ({ request, status, code, mentions }) => {
    const response = await app.inject(request());
    expect(response.statusCode).toBe(status);
    const body = response.json() as { error: { code: string; message: string; details?: unknown } };
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(0);
    if (mentions) expect(JSON.stringify(body.error)).toContain(mentions);
  });

  it('answers a registered workflow posted twice as idempotent, and a changed one at the same version as a conflict', async () => {
    const text = await readFile('examples/quickstart.yaml', 'utf8');
    const again = await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: text });
    expect(again.statusCode).toBe(200);
    const changed = await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: text.replace('max_tasks: 60', 'max_tasks: 61') });
    expect(changed.statusCode).toBe(409);
    expect(changed.json().error.code).toBe('WORKFLOW_VERSION_CONFLICT');
  });

  it('validates a workflow without storing it and lists every problem with its path', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/workflows/validate', payload: { name: 'Bad Name', first_task: { title: '{nope}' }, phases: [] } });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { valid: boolean; problems: { path: string; message: string }[] };
    expect(body.valid).toBe(false);
    expect(body.problems.map((p) => p.path)).toEqual(expect.arrayContaining(['name', 'phases']));
  });
});
