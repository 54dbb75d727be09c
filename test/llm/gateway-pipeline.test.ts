import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anvilProviderOptions, type GatewayCallContextInput } from '../../src/llm/index.js';
import { createTestGateway, type TestGateway } from '../helpers/gateway.js';
import { readStream } from '../helpers/streams.js';

/** The gateway pipeline over the simulated provider: cache, tenants, kinds and TTLs, the ledger. */
const ask = (text: string, context: GatewayCallContextInput = {}, extra: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions => ({
  prompt: [{ role: 'user', content: [{ type: 'text', text }] }],
  providerOptions: anvilProviderOptions(context),
  ...extra,
});

describe('the gateway pipeline', () => {
  let test: TestGateway;
  beforeEach(async () => {
    test = await createTestGateway();
  });
  afterEach(async () => {
    await test.close();
  });
  const model = () => test.gateway.models.resolve('simulated/chat').model;

  it('answers a repeated request from the cache, at $0, saving what the first call cost', async () => {
    const first = await model().doGenerate(ask('What is the capital of France?'));
    const second = await model().doGenerate(ask('What is the capital of France?'));
    expect(first.response?.headers?.['x-anvil-cache']).toBe('miss');
    expect(second.response?.headers?.['x-anvil-cache']).toBe('hit');
    expect(second.content).toEqual(first.content);
    expect(test.providerCalls()).toBe(1);
    const [miss, hit] = await test.ledger();
    expect(Number(miss!.cost_usd)).toBeGreaterThan(0);
    expect(hit).toMatchObject({ cache_hit: true, tokens_input: 0, tokens_output: 0 });
    expect(Number(hit!.cost_usd)).toBe(0);
    expect(Number(hit!.saved_usd)).toBeCloseTo(Number(miss!.cost_usd), 9);
  });

  it('never shares an entry between tenants, while the same tenant repeating hits', async () => {
    await model().doGenerate(ask('Same question', { tenant: 'key-a' }));
    const otherTenant = await model().doGenerate(ask('Same question', { tenant: 'key-b' }));
    const sameTenant = await model().doGenerate(ask('Same question', { tenant: 'key-a' }));
    expect(otherTenant.response?.headers?.['x-anvil-cache']).toBe('miss');
    expect(sameTenant.response?.headers?.['x-anvil-cache']).toBe('hit');
    expect(test.providerCalls()).toBe(2);
  });

  it('ignores key order and volatile fields (user, metadata) but not a changed parameter', async () => {
    await model().doGenerate(ask('Key order', {}, { temperature: 0, providerOptions: { ...anvilProviderOptions({}), openai: { user: 'alice', metadata: { a: 1 } } } }));
    const reordered = await model().doGenerate({ providerOptions: { openai: { metadata: { b: 2 }, user: 'bob' }, ...anvilProviderOptions({}) }, temperature: 0, prompt: ask('Key order').prompt });
    const changed = await model().doGenerate(ask('Key order', {}, { temperature: 0, maxOutputTokens: 50 }));
    expect(reordered.response?.headers?.['x-anvil-cache']).toBe('hit');
    expect(changed.response?.headers?.['x-anvil-cache']).toBe('miss');
  });

  it('does not cache a sampled call (temperature > 0) unless the caller forces it', async () => {
    await model().doGenerate(ask('Sampled', {}, { temperature: 0.7 }));
    const again = await model().doGenerate(ask('Sampled', {}, { temperature: 0.7 }));
    expect(again.response?.headers?.['x-anvil-cache']).toBe('bypass');
    await model().doGenerate(ask('Forced', { forceCache: true }, { temperature: 0.7 }));
    const forced = await model().doGenerate(ask('Forced', { forceCache: true }, { temperature: 0.7 }));
    expect(forced.response?.headers?.['x-anvil-cache']).toBe('hit');
  });

  it('honours bypass, refresh and only-if-cached', async () => {
    await expect(model().doGenerate(ask('Modes', { cache: 'only-if-cached' }))).rejects.toMatchObject({ code: 'CACHE_MISS' });
    expect(test.providerCalls()).toBe(0);
    await model().doGenerate(ask('Modes'));
    expect((await model().doGenerate(ask('Modes', { cache: 'bypass' }))).response?.headers?.['x-anvil-cache']).toBe('bypass');
    expect((await model().doGenerate(ask('Modes', { cache: 'refresh' }))).response?.headers?.['x-anvil-cache']).toBe('miss');
    expect((await model().doGenerate(ask('Modes', { cache: 'only-if-cached' }))).response?.headers?.['x-anvil-cache']).toBe('hit');
    expect(test.providerCalls()).toBe(3);
  });

  it('records the kind and its TTL on the ledger row: a caller tag wins, else the rules decide', async () => {
    await model().doGenerate(ask('Summarize this report in two lines'));
    await model().doGenerate(ask('Anything at all', { kind: 'planning' }));
    await model().doGenerate(ask('Classify the sentiment of: great product'));
    const rows = await test.ledger();
    expect(rows.map((row) => [row.kind, row.cache_ttl_seconds])).toEqual([
      ['summarisation', 21_600],
      ['planning', 3_600],
      ['classification', 86_400],
    ]);
  });

  it('expires an entry after the TTL of its kind', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    await test.close();
    test = await createTestGateway({ gateway: { cache: { ttlSeconds: { chat: 1 } } } }, { now: () => now });
    await model().doGenerate(ask('Short lived'));
    expect((await model().doGenerate(ask('Short lived'))).response?.headers?.['x-anvil-cache']).toBe('hit');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    now += 1_100;
    expect((await model().doGenerate(ask('Short lived'))).response?.headers?.['x-anvil-cache']).toBe('miss');
  });

  it('caches a streamed call and replays it as a stream with the same text', async () => {
    const first = await model().doStream(ask('Stream me'));
    const firstParts = await readStream(first.stream);
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await model().doStream(ask('Stream me'));
    expect(second.response?.headers?.['x-anvil-cache']).toBe('hit');
    const secondParts = await readStream(second.stream);
    const text = (parts: LanguageModelV3StreamPart[]) => parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(text(secondParts)).toBe(text(firstParts));
    expect(secondParts.at(-1)?.type).toBe('finish');
    // A generate call is served from the streamed entry too.
    expect((await model().doGenerate(ask('Stream me'))).response?.headers?.['x-anvil-cache']).toBe('hit');
  });

  it('invalidates by tenant, by model and by pattern', async () => {
    await model().doGenerate(ask('One', { tenant: 'a' }));
    await model().doGenerate(ask('Two', { tenant: 'b' }));
    await test.gateway.models.resolve('simulated/other').model.doGenerate(ask('Three', { tenant: 'b' }));
    expect(await test.gateway.invalidate({ tenant: 'a' })).toBe(1);
    expect(await test.gateway.invalidate({ model: 'simulated/other' })).toBe(1);
    expect(await test.gateway.invalidate({ pattern: '*' })).toBe(1);
  });
});
