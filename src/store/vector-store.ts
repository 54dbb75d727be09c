import { AnvilError } from '../errors.js';
import type { Queryable } from './database.js';

/**
 * Where memory vectors are compared. `pgvector`: the extension is installed (or installable) in
 * this database, so candidates are the run's nearest memories by `<=>` over all of its vectors.
 * `array`: plain `real[]` compared in SQL after a full-text and recency prefilter. Both score the
 * candidates with one expression, so they rank the same whenever they see the same candidates
 * (docs/architecture.md, "Memory").
 */
export type VectorStoreKind = 'pgvector' | 'array';
export type VectorStorePreference = 'auto' | VectorStoreKind;

export interface VectorStoreCapability {
  kind: VectorStoreKind;
  /** Why this kind: what the database offered, for the start-up log and the status route. */
  reason: string;
}

export async function detectVectorStore(db: Queryable, preference: VectorStorePreference): Promise<VectorStoreCapability> {
  if (preference === 'array') return { kind: 'array', reason: 'memory.vectorStore is array' };
  const installed = await extensionVersion(db);
  if (installed) return { kind: 'pgvector', reason: `pgvector ${installed} installed` };
  const available = await db.query('SELECT 1 FROM pg_available_extensions WHERE name = $1', ['vector']);
  let reason = 'the database offers no pgvector extension';
  if (available.rows.length > 0) {
    try {
      await db.query('CREATE EXTENSION IF NOT EXISTS vector');
    } catch (error) {
      // A role without CREATE on the database, or another process creating it at this moment.
      reason = `pgvector could not be installed: ${error instanceof Error ? error.message : String(error)}`;
    }
    const version = await extensionVersion(db);
    if (version) return { kind: 'pgvector', reason: `pgvector ${version} installed at start` };
  }
  if (preference === 'pgvector') throw new AnvilError('CONFIG_INVALID', `memory.vectorStore is pgvector, but ${reason}`, { setting: 'memory.vectorStore' });
  return { kind: 'array', reason };
}

async function extensionVersion(db: Queryable): Promise<string | undefined> {
  const result = await db.query<{ extversion: string }>('SELECT extversion FROM pg_extension WHERE extname = $1', ['vector']);
  return result.rows[0]?.extversion;
}
