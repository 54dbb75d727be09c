import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { createTestRuntime } from '../helpers/runtime.js';

const pglite = { name: 'pglite' as const, open: openMigratedPglite };

describe('GET /api/v1/memories/search', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    app = runtime = undefined;
  });

  const seed = async (current: Runtime) => {
    const run = await startTestRun(current.db);
    for (const [kind, text] of [
      ['error_fix', 'PostgreSQL connection timed out under load; a larger pool fixed it'],
      ['decision', 'Retries back off exponentially with full jitter'],
      ['warning', 'Never run two migrations at once without the advisory lock'],
    ] as const) {
      await current.memory.save({ runId: run.id, taskId: null, kind, text });
    }
    return run.id;
  };

  it('searches hybrid with the offline embedding model, says so, and records the embedding calls in the ledger', async () => {
    runtime = await createTestRuntime(pglite);
    app = await buildServer({ runtime, dashboard: false });
    const runId = await seed(runtime);
    const response = await app.inject({ method: 'GET', url: `/api/v1/memories/search?run_id=${runId}&q=postgres%20timeouts` });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { mode: string; vector_store: string; embedding_model: string; memories: { kind: string; text: string; score: number; similarity: number | null }[] };
    expect(body).toMatchObject({ mode: 'hybrid', vector_store: 'array', embedding_model: 'simulated/lexical' });
    expect(body.memories[0]).toMatchObject({ kind: 'error_fix', text: expect.stringContaining('PostgreSQL') });
    expect(body.memories[0]!.similarity).toBeGreaterThan(0);

    await runtime.gateway.ledger.flush();
    const ledger = await runtime.db.query<{ count: number; tokens: number }>(`SELECT count(*)::int AS count, sum(tokens_input)::int AS tokens FROM llm_calls WHERE kind = 'embedding' AND model = 'simulated/lexical'`);
    // Three memories saved and one question asked.
    expect(ledger.rows[0]).toMatchObject({ count: 4 });
    expect(ledger.rows[0]!.tokens).toBeGreaterThan(0);

    const status = await app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(status.json()).toMatchObject({ memory: { mode: 'hybrid', vector_store: 'array', embedding_model: 'simulated/lexical' } });
  });

  it('says full_text when no embedding model is configured, and filters by kind', async () => {
    runtime = await createTestRuntime(pglite, { embeddings: { model: 'none' } });
    app = await buildServer({ runtime, dashboard: false });
    const runId = await seed(runtime);
    const fullText = await app.inject({ method: 'GET', url: `/api/v1/memories/search?run_id=${runId}&q=postgres%20timeouts` });
    expect(fullText.json()).toMatchObject({ mode: 'full_text', vector_store: null, embedding_model: null, memories: [] });
    const byKind = await app.inject({ method: 'GET', url: `/api/v1/memories/search?run_id=${runId}&q=lock%20jitter&kind=warning` });
    expect((byKind.json() as { memories: { kind: string }[] }).memories.map((memory) => memory.kind)).toEqual(['warning']);
    const legacy = await app.inject({ method: 'GET', url: `/api/v1/memories?run_id=${runId}&q=jitter` });
    expect(legacy.json()).toMatchObject({ search: 'full_text', mode: 'full_text', memories: [{ kind: 'decision' }] });
  });

  it('refuses bad input with a 400 that names the field', async () => {
    runtime = await createTestRuntime(pglite, { embeddings: { model: 'none' } });
    app = await buildServer({ runtime, dashboard: false });
    const runId = await seed(runtime);
    for (const [url, field] of [
      [`/api/v1/memories/search?q=x`, 'run_id'],
      [`/api/v1/memories/search?run_id=${runId}`, 'q'],
      [`/api/v1/memories/search?run_id=${runId}&q=x&kind=rumour`, 'kind'],
      [`/api/v1/memories/search?run_id=${runId}&q=x&limit=0`, 'limit'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(400);
      expect(JSON.stringify(response.json()), url).toContain(field);
    }
  });
});
