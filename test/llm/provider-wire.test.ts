import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { anvilProviderOptions, type GatewayCallContextInput } from '../../src/llm/index.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-llm-upstream.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import { readStream } from '../helpers/streams.js';

/**
 * Provider wire formats and failure handling, against a local HTTP server that speaks OpenAI's
 * Chat Completions and Anthropic's Messages APIs (test/helpers/fake-llm-upstream.ts), through the
 * real AI SDK providers: 429 with retry-after, bursts of 500s, timeouts, resets, a stream that
 * stops half-way, requests never retried, fallbacks and the breaker, and usage priced per provider.
 */
let upstream: FakeUpstream;
let test: TestGateway;
let counter = 0;

const ask = (context: GatewayCallContextInput = {}): LanguageModelV3CallOptions => ({
  // A fresh question each time, so the cache never answers in these tests.
  prompt: [{ role: 'user', content: [{ type: 'text', text: `question ${++counter}` }] }],
  providerOptions: anvilProviderOptions(context),
});

beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('provider calls through the gateway', () => {
  beforeEach(async () => {
    await test?.close();
    upstream.requests.length = 0;
    test = await createTestGateway({
      llm: { openaiApiKey: 'sk-test', openaiBaseUrl: upstream.url, anthropicApiKey: 'sk-ant-test', anthropicBaseUrl: upstream.url },
      gateway: {
        retry: { maxRetries: 3, baseMs: 10, maxMs: 40, timeoutMs: 400, maxRetryAfterMs: 2_000 },
        breaker: { failureThreshold: 5, cooldownMs: 60_000 },
        fallbacks: { 'openai/gpt-4o-mini': ['anthropic/claude-3-5-haiku'] },
      },
    });
  });
  afterAll(async () => {
    await test.close();
  });
  const openai = () => test.gateway.models.resolve('openai/gpt-4o-mini').model;
  const anthropic = () => test.gateway.models.resolve('anthropic/claude-3-5-haiku').model;

  it('waits as long as a 429 retry-after says, then succeeds', async () => {
    upstream.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' } });
    const started = Date.now();
    const result = await openai().doGenerate(ask());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(result.content).toEqual([{ type: 'text', text: 'hello from upstream' }]);
    expect(upstream.requests).toHaveLength(2);
  });

  it('retries a burst of 500s with backoff and succeeds on the provider it asked', async () => {
    upstream.script({ kind: 'status', status: 500 }, { kind: 'status', status: 502 }, { kind: 'status', status: 503 });
    await openai().doGenerate(ask());
    expect(upstream.requests.map((request) => request.path)).toEqual(Array(4).fill('/v1/chat/completions'));
  });

  it('retries a timeout and a connection reset', async () => {
    upstream.script({ kind: 'hang' }, { kind: 'reset' });
    const result = await openai().doGenerate(ask());
    expect(result.finishReason.unified).toBe('stop');
    expect(upstream.requests).toHaveLength(3);
  });

  it('never retries a 400 or a 401, and does not fall back on them', async () => {
    upstream.script({ kind: 'status', status: 400, body: { error: { message: 'bad request', type: 'invalid_request_error' } } });
    await expect(openai().doGenerate(ask())).rejects.toMatchObject({ statusCode: 400 });
    upstream.script({ kind: 'status', status: 401, body: { error: { message: 'bad key', type: 'invalid_request_error' } } });
    await expect(openai().doGenerate(ask())).rejects.toMatchObject({ statusCode: 401 });
    expect(upstream.requests).toHaveLength(2);
  });

  it('falls back to the next model in order when the provider keeps failing', async () => {
    upstream.script(...Array(4).fill({ kind: 'status', status: 500 }));
    const result = await openai().doGenerate(ask());
    expect(upstream.requests.map((request) => request.path)).toEqual([...Array(4).fill('/v1/chat/completions'), '/v1/messages']);
    expect(result.content).toEqual([{ type: 'text', text: 'hello from upstream' }]);
    const rows = await test.ledger();
    expect(rows.at(-1)).toMatchObject({ provider: 'anthropic', model: 'anthropic/claude-3-5-haiku', error: null });
  });

  it('opens the breaker after repeated failures and skips the model while it cools down', async () => {
    upstream.script(...Array(4).fill({ kind: 'status', status: 500 }));
    await openai().doGenerate(ask()); // 4 failures, answered by the fallback
    upstream.requests.length = 0;
    upstream.script({ kind: 'status', status: 500 });
    await openai().doGenerate(ask()); // the 5th failure opens the breaker
    upstream.requests.length = 0;
    await openai().doGenerate(ask());
    expect(upstream.requests.map((request) => request.path)).toEqual(['/v1/messages']);
    expect(test.gateway.breakers.states()['openai/gpt-4o-mini']).toBe('open');
  });

  it('prices OpenAI cached prompt tokens as cached (prompt_tokens include them)', async () => {
    upstream.script({ kind: 'answer', usage: { prompt: 1_000, completion: 100, cached: 600 } });
    await openai().doGenerate(ask());
    const [row] = await test.ledger();
    // gpt-4o-mini: 400 × 0.15 + 600 × 0.075 + 100 × 0.6 per million
    expect(row).toMatchObject({ tokens_input: 1_000, tokens_cache_read: 600, tokens_output: 100 });
    expect(Number(row!.cost_usd)).toBeCloseTo((400 * 0.15 + 600 * 0.075 + 100 * 0.6) / 1e6, 12);
  });

  it('prices Anthropic cache reads and writes on top of input_tokens (which exclude them)', async () => {
    upstream.script({ kind: 'answer', usage: { prompt: 400, completion: 100, cached: 600, cacheWrite: 200 } });
    await anthropic().doGenerate(ask());
    const [row] = await test.ledger();
    // claude-3-5-haiku: 400 × 0.8 + 600 × 0.08 + 200 × 1 + 100 × 4 per million
    expect(row).toMatchObject({ tokens_input: 1_200, tokens_cache_read: 600, tokens_cache_write: 200 });
    expect(Number(row!.cost_usd)).toBeCloseTo((400 * 0.8 + 600 * 0.08 + 200 * 1 + 100 * 4) / 1e6, 12);
  });

  it('records an unknown model with cost null, never $0', async () => {
    await test.gateway.models.resolve('openai/some-future-model').model.doGenerate(ask());
    const [row] = await test.ledger();
    expect(row!.cost_usd).toBeNull();
    expect(row!.error).toBeNull();
  });

  it('streams from both wire formats and caches the streamed answer', async () => {
    for (const model of [openai(), anthropic()]) {
      const call = ask();
      const parts = await readStream((await model.doStream(call)).stream);
      expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe('hello from upstream');
      expect(parts.find((part) => part.type === 'finish')).toMatchObject({ usage: { outputTokens: { total: 5 } } });
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect((await model.doStream(call)).response?.headers?.['x-anvil-cache']).toBe('hit');
    }
  });

  it('fails a stream that stops half-way, caches nothing and records the error', async () => {
    upstream.script({ kind: 'cut-stream' });
    const call = ask();
    const result = await openai().doStream(call);
    const outcome = await readStream(result.stream).then(
      (parts) => parts.find((part) => part.type === 'error') ?? 'completed',
      (error: unknown) => error,
    );
    expect(outcome).not.toBe('completed');
    const rows = await test.ledger();
    expect(rows.at(-1)!.error).toBeTruthy();
    expect((await openai().doGenerate(call)).response?.headers?.['x-anvil-cache']).toBe('miss');
  });
});
