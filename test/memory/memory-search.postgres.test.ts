import { describe, expect, it } from 'vitest';
import { openPostgresClone } from '../helpers/databases.js';
import { postgresUrl } from '../helpers/services.js';
import { crossStoreQuestions, memorySearchContract, pgliteWithPgvector, rankingsOn } from './memory-search-contract.js';

/**
 * The memory search contract on PostgreSQL 15 as Debian 12 ships it, without pgvector: vectors
 * are plain real[] compared in SQL. Its rankings must equal PGlite's with pgvector.
 */
const url = postgresUrl();

if (url) {
  describe('memory search on PostgreSQL', () => {
    memorySearchContract('PostgreSQL without pgvector (real[])', async () => ({ db: (await openPostgresClone(url)).database, preference: 'auto' }), 'array');

    it('ranks exactly as PGlite with pgvector does, scores included', async () => {
      const { database } = await openPostgresClone(url);
      const withVector = await pgliteWithPgvector();
      try {
        const postgres = await rankingsOn(database, 'auto', crossStoreQuestions);
        const pgvector = await rankingsOn(withVector, 'auto', crossStoreQuestions);
        expect([postgres.kind, pgvector.kind]).toEqual(['array', 'pgvector']);
        expect(postgres.rankings).toEqual(pgvector.rankings);
      } finally {
        await database.close();
        await withVector.close();
      }
    });
  });
}
