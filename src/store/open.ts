import type { Config } from '../config/index.js';
import type { Database } from './database.js';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';

export type ProcessRole = 'serve' | 'worker' | 'cli';

/**
 * PostgreSQL when a URL is configured, otherwise the embedded PGlite database, with pgvector
 * loaded unless memory search is told to use plain arrays.
 */
export async function openDatabase(config: Config['database'], role: ProcessRole = 'serve', { pgvector = true }: { pgvector?: boolean } = {}): Promise<Database> {
  if (!config.url) return openPglite({ dataDir: config.dataDir, pgvector });
  return openPostgres({
    url: config.url,
    poolMax: role === 'worker' ? config.workerPoolMax : config.poolMax,
    connectionTimeoutMs: role === 'worker' ? config.workerConnectionTimeoutMs : config.connectionTimeoutMs,
    maxLifetimeSeconds: config.maxLifetimeSeconds,
  });
}
