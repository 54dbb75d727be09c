import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryDefaults, type MemoryConfig } from '../../src/config/memory-schema.js';
import { createEmbedder, resolveEmbeddingModel, type Embedder } from '../../src/llm/embeddings/index.js';
import { testConfig } from '../../src/config/index.js';
import { createMemoryService, type MemoryService } from '../../src/orchestrator/memory.js';
import type { Database } from '../../src/store/database.js';
import type { MemoryKind } from '../../src/store/memories.js';
import { detectVectorStore, type VectorStorePreference } from '../../src/store/vector-store.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { startTestRun } from '../helpers/fixtures.js';

/**
 * One behavioural suite for memory search, run against every vector store: PGlite with pgvector,
 * PGlite without it (plain real[]), and PostgreSQL 15 (real[]; *.postgres.test.ts). The fixed
 * memories below, their ages and the questions give one expected order, whatever the store.
 */
export const now = new Date('2026-11-26T12:00:00Z');

export const fixtureMemories: { key: string; kind: MemoryKind; text: string; hoursAgo: number }[] = [
  { key: 'pg-timeout', kind: 'error_fix', text: 'PostgreSQL connection timed out under load; raising the pool size to 20 fixed it', hoursAgo: 30 },
  { key: 'migration-lock', kind: 'warning', text: 'Two processes migrating at once deadlock unless the advisory lock is taken first', hoursAgo: 20 },
  { key: 'retry-backoff', kind: 'decision', text: 'Failed attempts are retried with exponential backoff and full jitter', hoursAgo: 10 },
  { key: 'dark-theme', kind: 'discovery', text: 'The dashboard follows the system colour scheme and offers a dark theme', hoursAgo: 5 },
  { key: 'redis-fallback-new', kind: 'learning', text: 'When Redis is unreachable the cache serves from memory', hoursAgo: 1 },
  { key: 'redis-fallback-old', kind: 'learning', text: 'When Redis is unreachable the cache serves from memory', hoursAgo: 96 },
  { key: 'tokenizer', kind: 'discovery', text: 'The tokeniser splits identifiers on underscores before counting', hoursAgo: 2 },
  { key: 'unembedded', kind: 'decision', text: 'Invoices are rendered as PDF with the vendor logo', hoursAgo: 3, },
];

export interface StoreUnderTest {
  db: Database;
  preference: VectorStorePreference;
}

export function simulatedEmbedder(dimensions = 512): Embedder {
  return createEmbedder({ resolved: resolveEmbeddingModel('simulated/lexical', testConfig().llm, dimensions), dimensions });
}

/** Saves the fixtures into a new run (the last one without an embedding) and dates them. */
export async function seedMemories(db: Database, hybrid: MemoryService, fullText: MemoryService): Promise<{ runId: string; ids: Map<string, string> }> {
  const run = await startTestRun(db);
  const ids = new Map<string, string>();
  for (const memory of fixtureMemories) {
    const service = memory.key === 'unembedded' ? fullText : hybrid;
    const saved = await service.save({ runId: run.id, taskId: null, kind: memory.kind, text: memory.text });
    await db.query('UPDATE memories SET created_at = $2 WHERE id = $1', [saved.id, new Date(now.getTime() - memory.hoursAgo * 3_600_000)]);
    ids.set(memory.key, saved.id);
  }
  return { runId: run.id, ids };
}

export function memorySearchContract(name: string, open: () => Promise<StoreUnderTest>, expectedStore: 'pgvector' | 'array'): void {
  describe(`memory search on ${name}`, () => {
    let db: Database;
    let hybrid: MemoryService;
    let fullText: MemoryService;
    let runId: string;
    let keyOf: (id: string) => string;

    beforeAll(async () => {
      const store = await open();
      db = store.db;
      const vectorStore = await detectVectorStore(db, store.preference);
      expect(vectorStore.kind, vectorStore.reason).toBe(expectedStore);
      hybrid = createMemoryService({ db, embedder: simulatedEmbedder(), vectorStore, config: memoryDefaults });
      fullText = createMemoryService({ db, vectorStore, config: memoryDefaults });
      const seeded = await seedMemories(db, hybrid, fullText);
      runId = seeded.runId;
      const keys = new Map([...seeded.ids].map(([key, id]) => [id, key]));
      keyOf = (id) => keys.get(id)!;
    });
    afterAll(async () => {
      await db?.close();
    });

    const search = async (service: () => MemoryService, query: string, options: { kinds?: MemoryKind[]; limit?: number } = {}) => {
      const result = await service().search({ runId, query, now, limit: options.limit ?? 5, kinds: options.kinds });
      return { ...result, keys: result.memories.map((memory) => keyOf(memory.id)) };
    };

    it('says which mode it searched in, and where vectors were compared', async () => {
      expect((await search(() => fullText, 'redis')).mode).toBe('full_text');
      expect((await search(() => fullText, 'redis')).vectorStore).toBeNull();
      const result = await search(() => hybrid, 'redis');
      expect(result).toMatchObject({ mode: 'hybrid', vectorStore: expectedStore, embeddingModel: 'simulated/lexical' });
    });

    it('full text finds memories by their words, and ranks the newer of two equal memories first', async () => {
      const result = await search(() => fullText, 'redis unreachable');
      expect(result.keys).toEqual(['redis-fallback-new', 'redis-fallback-old']);
      const [newer, older] = result.memories;
      expect(newer!.relevance).toBe(older!.relevance);
      expect(newer!.score).toBeGreaterThan(older!.score);
    });

    it('full text misses a memory that shares no word form with the question', async () => {
      expect((await search(() => fullText, 'postgres timeouts')).keys).not.toContain('pg-timeout');
    });

    it('hybrid search finds it by its spelling (postgres ~ PostgreSQL, timeouts ~ timed out)', async () => {
      const result = await search(() => hybrid, 'postgres timeouts');
      expect(result.keys[0]).toBe('pg-timeout');
      expect(result.memories[0]!.similarity).toBeGreaterThanOrEqual(memoryDefaults.minSimilarity);
      expect(result.memories[0]!.text_score).toBe(0);
    });

    it('hybrid search still finds a memory saved without an embedding, by full text', async () => {
      expect((await search(() => hybrid, 'invoices vendor logo')).keys[0]).toBe('unembedded');
    });

    it('filters by kind', async () => {
      const result = await search(() => hybrid, 'redis memory dashboard theme', { kinds: ['discovery'] });
      expect(result.keys).toEqual(['dark-theme']);
    });

    it('returns nothing for a question nothing is relevant to', async () => {
      expect((await search(() => hybrid, 'quantum chromodynamics lattice')).keys).toEqual([]);
      expect((await search(() => fullText, '?!')).keys).toEqual([]);
    });

    it('gives the same ranking, scores included, as the reference order', async () => {
      const questions = ['advisory lock deadlock', 'retry jitter backoff', 'identifier tokenizer', 'cache memory fallback'];
      const first = await Promise.all(questions.map(async (question) => (await search(() => hybrid, question)).keys[0]));
      expect(first).toEqual(['migration-lock', 'retry-backoff', 'tokenizer', 'redis-fallback-new']);
    });
  });
}

/** Ids, in order, with scores: what two stores must agree on. */
export async function rankingOf(service: MemoryService, runId: string, ids: Map<string, string>, query: string): Promise<{ key: string; score: string }[]> {
  const keys = new Map([...ids].map(([key, id]) => [id, key]));
  const result = await service.search({ runId, query, now, limit: 10 });
  return result.memories.map((memory) => ({ key: keys.get(memory.id)!, score: memory.score.toFixed(9) }));
}

export async function pgliteWithPgvector(): Promise<Database> {
  const db = await openPglite({ dataDir: 'memory://', pgvector: true });
  await migrate(db);
  return db;
}

/** Seeds the fixtures into a database and searches it on the given store. */
export async function rankingsOn(db: Database, preference: 'auto' | 'array', questions: string[], config: MemoryConfig = memoryDefaults) {
  const vectorStore = await detectVectorStore(db, preference);
  const hybrid = createMemoryService({ db, embedder: simulatedEmbedder(), vectorStore, config });
  const fullText = createMemoryService({ db, vectorStore, config });
  const { runId, ids } = await seedMemories(db, hybrid, fullText);
  return { kind: vectorStore.kind, rankings: await Promise.all(questions.map((question) => rankingOf(hybrid, runId, ids, question))) };
}

export const crossStoreQuestions = ['postgres timeouts', 'redis unreachable cache', 'lock deadlock migrating', 'theme', 'retried attempts jitter', 'tokenizer identifiers', 'invoice'];

