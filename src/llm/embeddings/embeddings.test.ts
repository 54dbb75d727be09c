import { embed, embedMany } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../../../test/helpers/fake-llm-upstream.js';
import { testConfig } from '../../config/index.js';
import { isAnvilError } from '../../errors.js';
import type { LlmCallRecord } from '../gateway/ledger.js';
import { createPriceTable } from '../pricing/index.js';
import { cosineSimilarity, createEmbedder, createSimulatedEmbeddingModel, embeddingModelName, resolveEmbeddingModel } from './index.js';

const similarity = (a: number[], b: number[]) => cosineSimilarity(a, b);

describe('the simulated lexical embedding model', () => {
  const model = createSimulatedEmbeddingModel({ dimensions: 128 });

  it('implements the AI SDK embedding model interface, so embed and embedMany accept it', async () => {
    const single = await embed({ model, value: 'Retry the migration after the lock times out' });
    expect(single.embedding).toHaveLength(128);
    expect(single.usage.tokens).toBeGreaterThan(0);
    const many = await embedMany({ model, values: ['one text', 'another text'] });
    expect(many.embeddings).toHaveLength(2);
  });

  it('is deterministic and returns unit vectors', async () => {
    const [first] = (await embedMany({ model, values: ['PostgreSQL advisory locks'] })).embeddings;
    const [again] = (await embedMany({ model: createSimulatedEmbeddingModel({ dimensions: 128 }), values: ['PostgreSQL advisory locks'] })).embeddings;
    expect(again).toEqual(first);
    expect(Math.hypot(...first!)).toBeCloseTo(1, 10);
  });

  it('places texts that share words and word forms nearer than unrelated texts', async () => {
    const { embeddings } = await embedMany({
      model,
      values: ['the migrations failed because of a lock timeout', 'migration failing: lock timed out', 'the dashboard uses a dark colour theme'],
    });
    const [failure, paraphrase, unrelated] = embeddings as [number[], number[], number[]];
    expect(similarity(failure, paraphrase)).toBeGreaterThan(0.4);
    expect(similarity(failure, unrelated)).toBeLessThan(0.2);
  });

  it('gives a text with no words the zero vector, near nothing', async () => {
    const { embeddings } = await embedMany({ model, values: ['?!', 'anything at all'] });
    expect(embeddings[0]!.every((value) => value === 0)).toBe(true);
    expect(similarity(embeddings[0]!, embeddings[1]!)).toBe(0);
  });
});

describe('resolving the embedding model', () => {
  it('follows the configured providers when embeddings.model is unset', () => {
    const config = testConfig();
    expect(embeddingModelName(config.embeddings, config.llm)).toBe('simulated/lexical');
    expect(embeddingModelName(config.embeddings, { ...config.llm, openaiApiKey: 'sk-test' })).toBe('openai/text-embedding-3-small');
    expect(embeddingModelName(config.embeddings, { ...config.llm, anthropicApiKey: 'sk-ant' })).toBeUndefined();
    expect(embeddingModelName({ ...config.embeddings, model: 'none' }, { ...config.llm, openaiApiKey: 'sk-test' })).toBeUndefined();
  });

  it('builds provider objects, never bare strings, and refuses providers without embeddings', () => {
    const llm = testConfig({ llm: { openaiApiKey: 'sk-test', openaiCompatibleBaseUrl: 'http://127.0.0.1:1/v1' } }).llm;
    const openai = resolveEmbeddingModel('openai/text-embedding-3-small', llm, 256);
    expect(typeof openai.model).toBe('object');
    expect(openai.model.provider).toMatch(/^openai/);
    expect(openai.providerOptions).toEqual({ openai: { dimensions: 256 } });
    expect(resolveEmbeddingModel('openai/text-embedding-ada-002', llm, 1536).providerOptions).toBeUndefined();
    expect(resolveEmbeddingModel('openai-compatible/nomic-embed-text', llm, 768).model.modelId).toBe('nomic-embed-text');
    for (const [name, config] of [
      ['anthropic/claude-3-5-haiku', llm],
      ['openai/text-embedding-3-small', testConfig().llm],
      ['nowhere/model', llm],
    ] as const) {
      let caught: unknown;
      try {
        resolveEmbeddingModel(name, config, 256);
      } catch (error) {
        caught = error;
      }
      expect(isAnvilError(caught) && caught.code).toBe('MODEL_NOT_AVAILABLE');
    }
  });
});

describe('the embedder', () => {
  let upstream: FakeUpstream;
  beforeAll(async () => {
    upstream = await startFakeUpstream();
  });
  afterAll(async () => {
    await upstream.close();
  });

  const ledgerOf = () => {
    const calls: LlmCallRecord[] = [];
    return { calls, ledger: { record: (call: LlmCallRecord) => void calls.push(call) } };
  };

  it('calls OpenAI’s embeddings API with the configured length and records tokens and cost in the ledger', async () => {
    const llm = testConfig({ llm: { openaiApiKey: 'sk-test', openaiBaseUrl: upstream.url } }).llm;
    const { calls, ledger } = ledgerOf();
    const embedder = createEmbedder({ resolved: resolveEmbeddingModel('openai/text-embedding-3-small', llm, 16), dimensions: 16, ledger, prices: createPriceTable() });
    const vectors = await embedder.embed(['first memory text', 'second one'], { runId: 'run-1' });
    expect(vectors).toHaveLength(2);
    expect(vectors.map((vector) => Math.hypot(...vector))).toEqual([expect.closeTo(1, 9), expect.closeTo(1, 9)]);
    const request = upstream.requests.at(-1)!;
    expect(request.path).toBe('/v1/embeddings');
    expect(request.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 16, input: ['first memory text', 'second one'] });
    expect(calls).toEqual([expect.objectContaining({ kind: 'embedding', model: 'openai/text-embedding-3-small', provider: 'openai', inputTokens: 8, outputTokens: 0, runId: 'run-1', error: undefined })]);
    expect(calls[0]!.costUsd).toBeCloseTo((8 * 0.02) / 1_000_000, 12);
  });

  it('fails with EMBEDDING_FAILED, naming both lengths, when the model returns another length', async () => {
    const llm = testConfig({ llm: { openaiCompatibleBaseUrl: upstream.url } }).llm;
    const { calls, ledger } = ledgerOf();
    const embedder = createEmbedder({ resolved: resolveEmbeddingModel('openai-compatible/nomic-embed-text', llm, 32), dimensions: 32, ledger });
    upstream.script({ kind: 'embeddings', dimensions: 12 });
    const failure = await embedder.embed(['text']).catch((error: unknown) => error);
    expect(isAnvilError(failure) && failure.code).toBe('EMBEDDING_FAILED');
    expect(isAnvilError(failure) && failure.details).toMatchObject({ expected: 32, received: 12 });
    expect(calls[0]!.error).toMatch(/length 12/);
  });

  it('records a provider failure in the ledger and raises EMBEDDING_FAILED', async () => {
    const llm = testConfig({ llm: { openaiApiKey: 'sk-test', openaiBaseUrl: upstream.url } }).llm;
    const { calls, ledger } = ledgerOf();
    const embedder = createEmbedder({ resolved: resolveEmbeddingModel('openai/text-embedding-3-small', llm, 8), dimensions: 8, ledger, maxRetries: 0 });
    upstream.script({ kind: 'status', status: 401 });
    const failure = await embedder.embed(['text']).catch((error: unknown) => error);
    expect(isAnvilError(failure) && failure.code).toBe('EMBEDDING_FAILED');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.error).toBeTruthy();
  });
});
