import { embedMany } from 'ai';
import { performance } from 'node:perf_hooks';
import { AnvilError } from '../../errors.js';
import type { Ledger } from '../gateway/ledger.js';
import type { PriceTable } from '../pricing/index.js';
import type { ResolvedEmbeddingModel } from './resolve.js';
import { normalise } from './simulated.js';

/**
 * Embeds texts with the configured model through the AI SDK's `embedMany`, and records each call
 * in the gateway's ledger (kind `embedding`: input tokens, cost, latency, error), so embedding
 * spend shows up in `anvil costs` beside the model calls. Vectors come back L2-normalised, so a
 * dot product is their cosine similarity, and of the configured length, or the call fails with
 * EMBEDDING_FAILED naming both lengths (a stored vector of another length could never be compared).
 *
 * Embedding calls skip the gateway's response cache, budget reservation and pacing: they are
 * small and frequent, and a memory must be saved even when a run's model budget is spent.
 */
export interface EmbedContext {
  tenant?: string;
  runId?: string;
  taskId?: string;
  sessionId?: string;
  abortSignal?: AbortSignal;
}

export interface Embedder {
  /** `provider/model` of the embedding model. */
  readonly model: string;
  readonly dimensions: number;
  /** True for the offline lexical model (src/llm/embeddings/simulated.ts). */
  readonly simulated: boolean;
  /** One unit-length vector per value, in order. */
  embed(values: string[], context?: EmbedContext): Promise<number[][]>;
}

export interface EmbedderOptions {
  resolved: ResolvedEmbeddingModel;
  dimensions: number;
  ledger?: Pick<Ledger, 'record'>;
  prices?: Pick<PriceTable, 'costOf'>;
  /** Retries of a failed provider call (the AI SDK's own backoff). Default 2. */
  maxRetries?: number;
}

export function createEmbedder({ resolved, dimensions, ledger, prices, maxRetries = 2 }: EmbedderOptions): Embedder {
  const { name, provider } = resolved;
  const modelId = name.slice(name.indexOf('/') + 1);
  const record = (context: EmbedContext, tokens: number, started: number, error?: string) =>
    ledger?.record({
      tenant: context.tenant ?? 'local',
      runId: context.runId,
      taskId: context.taskId,
      sessionId: context.sessionId,
      provider,
      model: name,
      kind: 'embedding',
      inputTokens: tokens,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: error ? 0 : (prices?.costOf(name, { inputTokens: tokens, outputTokens: 0 }) ?? null),
      savedUsd: 0,
      cacheHit: false,
      cacheResult: 'bypass',
      ttlSeconds: null,
      latencyMs: performance.now() - started,
      error,
      createdAt: new Date(),
    });

  return {
    model: name,
    dimensions,
    simulated: resolved.simulated,
    async embed(values, context = {}) {
      if (values.length === 0) return [];
      const started = performance.now();
      let result: Awaited<ReturnType<typeof embedMany>>;
      try {
        result = await embedMany({ model: resolved.model, values, maxRetries, abortSignal: context.abortSignal, providerOptions: resolved.providerOptions });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        record(context, 0, started, message);
        throw new AnvilError('EMBEDDING_FAILED', `embedding model ${name} failed: ${message}`, { model: name, provider, modelId }, { cause: error });
      }
      const wrong = result.embeddings.find((vector) => vector.length !== dimensions);
      if (wrong) {
        const message = `embedding model ${name} returned vectors of length ${wrong.length}, but embeddings.dimensions is ${dimensions}`;
        record(context, result.usage.tokens, started, message);
        throw new AnvilError('EMBEDDING_FAILED', message, { model: name, expected: dimensions, received: wrong.length, setting: 'embeddings.dimensions' });
      }
      record(context, result.usage.tokens, started);
      return result.embeddings.map(normalise);
    },
  };
}
