import { describe, expect, it } from 'vitest';
import { memoryDefaults } from '../../src/config/memory-schema.js';
import { createMemoryService } from '../../src/orchestrator/memory.js';
import { detectVectorStore } from '../../src/store/vector-store.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { crossStoreQuestions, memorySearchContract, now, pgliteWithPgvector, rankingsOn } from './memory-search-contract.js';


memorySearchContract('PGlite with pgvector', async () => ({ db: await pgliteWithPgvector(), preference: 'auto' }), 'pgvector');
memorySearchContract('PGlite without pgvector (real[])', async () => ({ db: await openMigratedPglite(), preference: 'auto' }), 'array');
memorySearchContract('PGlite told to use real[] although pgvector is there', async () => ({ db: await pgliteWithPgvector(), preference: 'array' }), 'array');

describe('pgvector and real[] rank alike', () => {
  it('gives the same memories in the same order with the same scores on both stores', async () => {
    const withVector = await pgliteWithPgvector();
    const withArrays = await openMigratedPglite();
    try {
      const pgvector = await rankingsOn(withVector, 'auto', crossStoreQuestions);
      const arrays = await rankingsOn(withArrays, 'auto', crossStoreQuestions);
      expect([pgvector.kind, arrays.kind]).toEqual(['pgvector', 'array']);
      expect(pgvector.rankings.every((ranking) => ranking.length > 0)).toBe(true);
      expect(arrays.rankings).toEqual(pgvector.rankings);
    } finally {
      await withVector.close();
      await withArrays.close();
    }
  });

  it('differ only past the candidate window: real[] sees the most recent memories, pgvector the nearest', async () => {
    const config = { ...memoryDefaults, candidateWindow: 2 };
    const withVector = await pgliteWithPgvector();
    const withArrays = await openMigratedPglite();
    try {
      // "postgres timeouts" matches pg-timeout (30 hours old) by spelling only, not by any word.
      const [pgvector] = (await rankingsOn(withVector, 'auto', ['postgres timeouts'], config)).rankings;
      const [arrays] = (await rankingsOn(withArrays, 'auto', ['postgres timeouts'], config)).rankings;
      expect(pgvector![0]!.key).toBe('pg-timeout');
      expect(arrays!.map((entry) => entry.key)).not.toContain('pg-timeout');
    } finally {
      await withVector.close();
      await withArrays.close();
    }
  });
});

describe('embedding failures', () => {
  it('saves the memory without a vector and searches by full text, saying why', async () => {
    const db = await openMigratedPglite();
    try {
      const failing = { model: 'simulated/broken', dimensions: 64, simulated: true, embed: () => Promise.reject(new Error('provider down')) };
      const warnings: unknown[] = [];
      const service = createMemoryService({ db, embedder: failing, vectorStore: await detectVectorStore(db, 'auto'), config: memoryDefaults, logger: { warn: (...args: unknown[]) => void warnings.push(args) } });
      const run = await startTestRun(db);
      const saved = await service.save({ runId: run.id, taskId: null, kind: 'warning', text: 'The staging database is read-only on Fridays' });
      expect(saved.embedded).toBe(false);
      expect(warnings).toHaveLength(1);
      const stored = await db.query<{ embedding: number[] | null }>('SELECT embedding FROM memories WHERE id = $1', [saved.id]);
      expect(stored.rows[0]!.embedding).toBeNull();
      const found = await service.search({ runId: run.id, query: 'staging database', limit: 5, now });
      expect(found).toMatchObject({ mode: 'full_text', vectorStore: null, degraded: expect.stringMatching(/provider down/) });
      expect(found.memories.map((memory) => memory.id)).toEqual([saved.id]);
    } finally {
      await db.close();
    }
  });
});
