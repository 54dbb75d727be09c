import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { listen, readEventStream } from '../helpers/http.js';
import { createTestRuntime } from '../helpers/runtime.js';

describe.each(databaseVariants())('the quick start over real HTTP on $name', (variant) => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
  });

  it('starts a run over HTTP and follows its SSE stream to the end, every task final', async () => {
    runtime = await createTestRuntime(variant);
    runtime.startWorker({ concurrency: 4 });
    const server = await listen(runtime);
    app = server.app;
    const base = server.baseUrl;

    const upload = await fetch(`${base}/api/v1/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/yaml' },
      body: await readFile('examples/quickstart.yaml', 'utf8'),
    });
    expect(upload.status).toBe(201);
    const started = await fetch(`${base}/api/v1/runs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ workflow: 'quickstart', goal: 'add a streaming mode', params: { component: 'the parser' } }),
    });
    expect(started.status).toBe(201);
    const run = (await started.json()) as { id: string; simulated: boolean };
    expect(run.simulated).toBe(true);

    const stream = await fetch(`${base}/api/v1/runs/${run.id}/events`);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const events = await readEventStream(stream);
    const last = events[events.length - 1]!;
    expect(last.event).toBe('end');
    expect(JSON.parse(last.data).status).toBe('succeeded');

    const types = events.map((event) => event.event);
    const payloads = events.filter((event) => event.event !== 'end').map((event) => JSON.parse(event.data) as { seq: number; type: string; payload: Record<string, unknown> });
    // The stream is the events table in order, without gaps or repeats.
    expect(payloads.map((event) => event.seq)).toEqual(payloads.map((_, index) => index + 1));
    // What the quick start is meant to show: a duplicate returned, a dependency waited on,
    // a retry after an injected failure, a memory found by search.
    expect(types).toContain('task.duplicate_returned');
    expect(payloads.some((event) => event.type === 'task.created' && event.payload.status === 'blocked')).toBe(true);
    expect(payloads.some((event) => event.type === 'task.completed' && (event.payload.unblocked as string[]).length > 0)).toBe(true);
    expect(types).toContain('task.retry_scheduled');
    expect(payloads.some((event) => event.type === 'memory.searched' && Number(event.payload.found) > 0)).toBe(true);

    const tasks = (await (await fetch(`${base}/api/v1/runs/${run.id}/tasks?limit=200`)).json()) as { tasks: { status: string; phase: string }[] };
    expect(tasks.tasks.length).toBeGreaterThanOrEqual(3);
    expect(tasks.tasks.every((task) => ['done', 'failed', 'cancelled'].includes(task.status))).toBe(true);
    expect(new Set(tasks.tasks.map((task) => task.phase)).size).toBe(3);
  });

  it('resumes a stream after Last-Event-ID without repeating or skipping an event', async () => {
    runtime = await createTestRuntime(variant);
    runtime.startWorker();
    const server = await listen(runtime);
    app = server.app;
    const base = server.baseUrl;
    await fetch(`${base}/api/v1/workflows`, { method: 'POST', headers: { 'content-type': 'application/yaml' }, body: await readFile('examples/quickstart.yaml', 'utf8') });
    const run = (await (await fetch(`${base}/api/v1/runs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'quickstart', goal: 'g' }) })).json()) as { id: string };

    const first = await readEventStream(await fetch(`${base}/api/v1/runs/${run.id}/events`), (event) => event.id === '5');
    expect(first.map((event) => event.id)).toEqual(['1', '2', '3', '4', '5']);
    const rest = await readEventStream(await fetch(`${base}/api/v1/runs/${run.id}/events`, { headers: { 'last-event-id': '5' } }));
    const ids = rest.filter((event) => event.event !== 'end').map((event) => Number(event.id));
    expect(ids[0]).toBe(6);
    expect(ids).toEqual(ids.map((_, index) => index + 6));
  });
});
