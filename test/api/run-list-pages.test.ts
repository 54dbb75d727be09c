import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

describe.each(databaseVariants())('paging through the run list on $name', (variant) => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
  });

  it('visits every run once, newest first, even when runs share a millisecond', async () => {
    runtime = await createTestRuntime(variant, { cache: { httpResponses: false } });
    app = await buildServer({ runtime, dashboard: false });
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    for (let index = 0; index < 7; index++) await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: `goal ${index}` } });
    // Several runs in one millisecond, differing only in microseconds (PostgreSQL keeps them).
    await runtime.db.query("UPDATE runs SET created_at = date_trunc('milliseconds', now()) + (random() * interval '900 microseconds')");
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await app.inject({ method: 'GET', url: `/api/v1/runs?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(response.statusCode).toBe(200);
      const body = response.json() as { runs: { id: string }[]; next_cursor: string | null };
      seen.push(...body.runs.map((run) => run.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });
});
