import { mkdirSync } from 'node:fs';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Database, Queryable, QueryResult } from './database.js';
import { acquireFolderLock, type FolderLock } from './folder-lock.js';

export interface PgliteOptions {
  /** A folder, or `memory://` for a database that lives only in this process. */
  dataDir: string;
  /** Start from a dump of another database (tests clone a migrated template this way). */
  loadDataDir?: Blob;
  /** Load the pgvector extension (memory search creates it at start); default false. */
  pgvector?: boolean;
}

/**
 * The embedded default. PGlite has one backend, so statements are serialised by PGlite itself;
 * row locks and SKIP LOCKED behave as on PostgreSQL but are never contended here.
 */
export interface PgliteDatabase extends Database {
  /** A snapshot of the whole database folder. */
  dump(): Promise<Blob>;
}

export async function openPglite({ dataDir, loadDataDir, pgvector = false }: PgliteOptions): Promise<PgliteDatabase> {
  const inMemory = dataDir === 'memory://' || dataDir === ':memory:';
  let lock: FolderLock | undefined;
  if (!inMemory) {
    mkdirSync(dataDir, { recursive: true });
    lock = acquireFolderLock(dataDir);
  }
  let pglite: PGlite;
  try {
    const options: PGliteOptions = { loadDataDir, ...(pgvector ? { extensions: { vector } } : {}) };
    pglite = inMemory ? await PGlite.create(options) : await PGlite.create(dataDir, options);
  } catch (error) {
    lock?.release();
    throw error;
  }
  let statements = 0;

  const run = async <Row>(target: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<QueryResult<Row>> => {
    statements += 1;
    const result = await target.query<Row>(sql, params as unknown[] | undefined);
    return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
  };

  return {
    kind: 'pglite',
    get statements() {
      return statements;
    },
    query: (sql, params) => run(pglite, sql, params),
    script: async (sql) => {
      statements += 1;
      await pglite.exec(sql);
    },
    transaction: (work) =>
      pglite.transaction((tx) => {
        const scoped: Queryable = {
          query: (sql, params) => run(tx, sql, params),
          script: async (sql) => {
            statements += 1;
            await tx.exec(sql);
          },
        };
        return work(scoped);
      }),
    async listen(channel, onPayload) {
      const unsubscribe = await pglite.listen(channel, onPayload);
      return async () => unsubscribe();
    },
    poolStatus: () => ({ total: 1, idle: 1, waiting: 0 }),
    dump: () => pglite.dumpDataDir('none') as Promise<Blob>,
    async close() {
      try {
        await pglite.close();
      } finally {
        lock?.release();
      }
    },
  };
}
