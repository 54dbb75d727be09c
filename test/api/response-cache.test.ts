import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/index.js';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime, waitForRun } from '../helpers/runtime.js';
import { redisUrl } from '../helpers/services.js';

const cases: { name: string; variant: ReturnType<typeof databaseVariants>[number]; cache: ConfigInput }[] = databaseVariants().map((variant) => ({
  name: `${variant.name}, memory cache`,
  variant,
  cache: {},
}));
const url = redisUrl();
if (url) cases.push({ name: 'pglite, Redis cache', variant: databaseVariants()[0]!, cache: { redis: { url }, cache: { keyPrefix: `anvil-test:${randomUUID()}:` } } });

interface RunSummary {
  status: string;
  tasks: { total: number; done?: number };
}

describe.each(cases)('cached API reads on $name', ({ variant, cache }) => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    if (runtime?.cache.backend !== 'memory') await runtime?.cache.deleteByPattern('*');
    await runtime?.close();
    app = runtime = undefined;
  });

  async function start(): Promise<FastifyInstance> {
    runtime = await createTestRuntime(variant, cache);
    app = await buildServer({ runtime });
    return app;
  }

  /** Reads until `done` holds; returns the response and how long the cache kept the old one. */
  async function readUntil(path: string, done: (body: RunSummary) => boolean): Promise<{ body: RunSummary; waitedMs: number }> {
    const started = Date.now();
    for (;;) {
      const body = (await app!.inject({ method: 'GET', url: path })).json<RunSummary>();
      if (done(body) || Date.now() - started > 5_000) return { body, waitedMs: Date.now() - started };
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('serves a run summary from the cache and shows a completed task once it completes', async () => {
    const api = await start();
    const upload = await api.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    expect(upload.statusCode).toBe(201);
    const runId = (await api.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'add a streaming mode' } })).json<{ id: string }>().id;

    const first = await api.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    const second = await api.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    expect(first.headers['x-anvil-response-cache']).toBe('miss');
    expect(second.headers['x-anvil-response-cache']).toBe('hit');
    expect(second.json<RunSummary>().tasks).toMatchObject({ total: 1 });
    expect(second.json<RunSummary>().tasks.done).toBeUndefined();

    runtime!.startWorker({ concurrency: 4 });
    // The first task completing is an event; its signal removes the cached summary.
    await waitForEvent(runtime!, runId, 'task.completed');
    const afterTask = await readUntil(`/api/v1/runs/${runId}`, (body) => (body.tasks.done ?? 0) >= 1);
    expect(afterTask.body.tasks.done).toBeGreaterThanOrEqual(1);
    expect(afterTask.waitedMs).toBeLessThan(1_000);

    expect(await waitForRun(runtime!, runId)).toBe('succeeded');
    const finished = await readUntil(`/api/v1/runs/${runId}`, (body) => body.status === 'succeeded');
    expect(finished.body.status).toBe('succeeded');
    expect(finished.waitedMs).toBeLessThan(1_000);
    const list = await readUntil('/api/v1/runs', (body) => (body as unknown as { runs: RunSummary[] }).runs[0]?.status === 'succeeded');
    expect((list.body as unknown as { runs: RunSummary[] }).runs[0]?.status).toBe('succeeded');
  });

  it('shows a workflow registered through the API in the next list, and a cancel in the next summary', async () => {
    const api = await start();
    expect((await api.inject({ method: 'GET', url: '/api/v1/workflows' })).json<{ workflows: unknown[] }>().workflows).toEqual([]);
    expect((await api.inject({ method: 'GET', url: '/api/v1/workflows' })).headers['x-anvil-response-cache']).toBe('hit');
    await api.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    const listed = await api.inject({ method: 'GET', url: '/api/v1/workflows' });
    expect(listed.json<{ workflows: { name: string }[] }>().workflows.map((workflow) => workflow.name)).toEqual(['quickstart']);

    const runId = (await api.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'g' } })).json<{ id: string }>().id;
    await api.inject({ method: 'GET', url: `/api/v1/runs/${runId}` });
    expect((await api.inject({ method: 'POST', url: `/api/v1/runs/${runId}/cancel` })).statusCode).toBe(200);
    // No wait: the cancel deleted the entry before it answered.
    expect((await api.inject({ method: 'GET', url: `/api/v1/runs/${runId}` })).json<RunSummary>().status).toBe('cancelled');
  });

  it('keeps one system status entry per process and refreshes it on events', async () => {
    const api = await start();
    const first = await api.inject({ method: 'GET', url: '/api/v1/system/status' });
    const second = await api.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(second.headers['x-anvil-response-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    await api.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    await api.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'g' } });
    const queued = await readUntil('/api/v1/system/status', (body) => (body as unknown as { queue: { queued: number } }).queue.queued === 1);
    expect((queued.body as unknown as { queue: { queued: number } }).queue.queued).toBe(1);
  });
});

async function waitForEvent(runtime: Runtime, runId: string, type: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const result = await runtime.db.query('SELECT 1 FROM events WHERE run_id = $1 AND type = $2 LIMIT 1', [runId, type]);
    if (result.rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`no ${type} event within 30 s`);
}
