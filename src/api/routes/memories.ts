import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../runtime.js';
import { listMemories, memoryKinds, type MemoryKind, type MemoryRow } from '../../store/memories.js';
import type { MemorySearchRow } from '../../store/memory-search.js';
import type { MemorySearchResult } from '../../orchestrator/memory.js';
import { AnvilError } from '../../errors.js';
import { integer, object, text, uuid } from '../schemas.js';
import { iso } from '../views.js';

const kindList = { type: 'array', items: { enum: memoryKinds }, maxItems: memoryKinds.length, uniqueItems: true } as const;

/**
 * Memories: the newest of a run (or of all runs), and search. `GET /memories/search` is hybrid
 * (full text and vector similarity, weighed by recency) when an embedding model is configured,
 * full text alone otherwise, and its answer says which in `mode`.
 */
export function registerMemoryRoutes(app: FastifyInstance, { db, memory }: Runtime): void {
  const search = (query: { run_id: string; q: string; kind?: MemoryKind[]; limit?: number }) =>
    memory.search({ runId: query.run_id, query: query.q, kinds: query.kind, limit: query.limit ?? 20 }).then(searchView);

  app.get(
    '/memories/search',
    {
      config: { scope: 'runs:read', inspect: { query: { run_id: 'identifier', kind: 'identifier', q: 'query', limit: 'identifier' } } },
      schema: {
        tags: ['memories'],
        summary: 'Search a run’s memories: hybrid (full text and embeddings) or full text alone, as `mode` says',
        querystring: object({ run_id: uuid, q: text(1_000, 1), kind: kindList, limit: integer(1, 100) }, ['run_id', 'q']),
      },
    },
    async (request) => search(request.query as { run_id: string; q: string; kind?: MemoryKind[]; limit?: number }),
  );

  app.get(
    '/memories',
    {
      config: { scope: 'runs:read', inspect: { query: { run_id: 'identifier', kind: 'identifier', q: 'query', limit: 'identifier' } } },
      schema: {
        tags: ['memories'],
        summary: 'List memories, newest first; with q, search a run’s memories (as /memories/search)',
        querystring: object({ run_id: uuid, kind: { enum: memoryKinds }, q: text(1_000, 1), limit: integer(1, 200) }),
      },
    },
    async (request) => {
      const query = request.query as { run_id?: string; kind?: MemoryKind; q?: string; limit?: number };
      const limit = query.limit ?? 50;
      if (query.q) {
        if (!query.run_id) throw new AnvilError('VALIDATION_FAILED', 'querystring.run_id: required with q', { field: 'querystring.run_id' });
        const found = await search({ run_id: query.run_id, q: query.q, kind: query.kind ? [query.kind] : undefined, limit });
        return { search: found.mode, ...found };
      }
      const rows = await listMemories(db, { runId: query.run_id, kind: query.kind, limit });
      return { search: null, memories: rows.map(memoryView) };
    },
  );
}

function memoryView(memory: MemoryRow) {
  return { id: memory.id, run_id: memory.run_id, task_id: memory.task_id, kind: memory.kind, text: memory.text, tags: memory.tags, created_at: iso(memory.created_at) };
}

function searchView(result: MemorySearchResult) {
  return {
    mode: result.mode,
    vector_store: result.vectorStore,
    embedding_model: result.embeddingModel,
    ...(result.degraded ? { degraded: result.degraded } : {}),
    memories: result.memories.map((memory: MemorySearchRow) => ({
      ...memoryView(memory),
      score: memory.score,
      relevance: memory.relevance,
      text_score: memory.text_score,
      similarity: memory.similarity,
    })),
  };
}
