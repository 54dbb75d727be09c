import type { Logger } from 'pino';
import type { MemoryConfig } from '../config/memory-schema.js';
import type { EmbedContext, Embedder } from '../llm/embeddings/index.js';
import type { Queryable } from '../store/database.js';
import { insertMemory, type MemoryKind, type MemoryRow } from '../store/memories.js';
import { queryWords, searchMemoryCandidates, type MemorySearchRow } from '../store/memory-search.js';
import type { VectorStoreCapability, VectorStoreKind } from '../store/vector-store.js';

/**
 * Saving and searching memories, for agents' tools, their prompts, the API, the CLI and outside
 * agents alike. With an embedding model, a memory is saved with the embedding of its text and a
 * search is hybrid (full text and vector similarity, weighed by recency); without one, full text
 * alone, and every answer says which it was (`mode`).
 *
 * An embedding call that fails never loses a memory: it is saved without a vector (found by full
 * text only), and a search whose query cannot be embedded falls back to full text and says why
 * (`degraded`).
 */
export type MemorySearchMode = 'full_text' | 'hybrid';

export interface MemorySearchRequest {
  runId: string;
  query: string;
  kinds?: readonly MemoryKind[];
  limit: number;
  /** The moment ages are measured from; default now. */
  now?: Date;
  context?: EmbedContext;
}

export interface MemorySearchResult {
  mode: MemorySearchMode;
  /** Where vectors were compared; null in full-text mode. */
  vectorStore: VectorStoreKind | null;
  embeddingModel: string | null;
  /** Why a hybrid search fell back to full text, when it did. */
  degraded?: string;
  memories: MemorySearchRow[];
}

export interface SaveMemoryRequest {
  runId: string;
  taskId: string | null;
  kind: MemoryKind;
  text: string;
  tags?: string[];
  context?: EmbedContext;
}

export interface MemoryService {
  /** `hybrid` with an embedding model, else `full_text`. */
  readonly mode: MemorySearchMode;
  readonly vectorStore: VectorStoreCapability;
  readonly embeddingModel: string | undefined;
  save(request: SaveMemoryRequest): Promise<MemoryRow & { embedded: boolean }>;
  search(request: MemorySearchRequest): Promise<MemorySearchResult>;
}

export interface MemoryServiceOptions {
  db: Queryable;
  embedder?: Embedder;
  vectorStore: VectorStoreCapability;
  config: MemoryConfig;
  logger?: Pick<Logger, 'warn'>;
}

export function createMemoryService({ db, embedder, vectorStore, config, logger }: MemoryServiceOptions): MemoryService {
  const embedOne = async (text: string, context: EmbedContext | undefined): Promise<{ vector: number[]; model: string } | { error: string }> => {
    try {
      const [vector] = await embedder!.embed([text], context);
      return { vector: vector!, model: embedder!.model };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  };

  return {
    mode: embedder ? 'hybrid' : 'full_text',
    vectorStore,
    embeddingModel: embedder?.model,
    async save({ runId, taskId, kind, text, tags = [], context }) {
      const embedded = embedder ? await embedOne(text, { runId, taskId: taskId ?? undefined, ...context }) : undefined;
      if (embedded && 'error' in embedded) logger?.warn({ runId, error: embedded.error }, 'memory saved without an embedding: the embedding model failed');
      const embedding = embedded && 'vector' in embedded ? embedded : undefined;
      const row = await insertMemory(db, { runId, taskId, kind, text, tags, embedding });
      return { ...row, embedded: embedding !== undefined };
    },
    async search({ runId, query, kinds, limit, now, context }) {
      const words = queryWords(query);
      let degraded: string | undefined;
      let embedding: { vector: number[]; model: string } | undefined;
      if (embedder) {
        const embedded = await embedOne(query, { runId, ...context });
        if ('error' in embedded) degraded = `query not embedded (${embedded.error}); full text only`;
        else embedding = embedded;
      }
      const memories =
        words.length === 0 && !embedding
          ? []
          : await searchMemoryCandidates(db, {
              runId,
              words,
              kinds,
              embedding,
              vectorStore: vectorStore.kind,
              candidateWindow: config.candidateWindow,
              textCandidates: config.textCandidates,
              minSimilarity: config.minSimilarity,
              vectorWeight: config.vectorWeight,
              recencyWeight: config.recencyWeight,
              recencyHalfLifeHours: config.recencyHalfLifeHours,
              limit,
              now,
            });
      return {
        mode: embedding ? 'hybrid' : 'full_text',
        vectorStore: embedding ? vectorStore.kind : null,
        embeddingModel: embedding ? embedding.model : null,
        ...(degraded ? { degraded } : {}),
        memories,
      };
    },
  };
}
