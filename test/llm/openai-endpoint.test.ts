import type { FastifyInstance } from 'fastify';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import { createApiKey } from '../../src/security/keys/index.js';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-llm-upstream.js';
import { testConfig } from '../../src/config/index.js';
import { createModelResolver } from '../../src/llm/index.js';

/**
 * The official `openai` npm client (v6) drives /v1/chat/completions over a real socket: plain,
 * streamed, a tool call, and errors, all through the gateway to the simulated provider.
 */
describe('the OpenAI-compatible endpoint with the openai client', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let client: OpenAI;
  let otherTenant: OpenAI;
  let tinyBudget: OpenAI;
  let adminKey: string;
  let upstream: FakeUpstream;

  beforeAll(async () => {
    // Simulated models, plus an OpenAI-compatible provider on a local server that speaks OpenAI's API.
    upstream = await startFakeUpstream();
    const overrides = { llm: { openaiCompatibleBaseUrl: upstream.url } };
    runtime = await createTestRuntime(databaseVariants()[0]!, overrides, createModelResolver(testConfig(overrides).llm));
    app = await buildServer({ runtime, dashboard: false });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    // Each API key is a tenant: its own cache namespace and daily budget.
    const keyFor = async (name: string, dailyBudgetUsd?: number) => (await createApiKey(runtime.db, { name, scopes: ['llm:invoke'], dailyBudgetUsd })).key;
    client = new OpenAI({ apiKey: await keyFor('tenant a'), baseURL: `${address}/v1`, maxRetries: 0 });
    otherTenant = new OpenAI({ apiKey: await keyFor('tenant b'), baseURL: `${address}/v1`, maxRetries: 0 });
    tinyBudget = new OpenAI({ apiKey: await keyFor('tenant c', 0.000001), baseURL: `${address}/v1`, maxRetries: 0 });
    adminKey = (await createApiKey(runtime.db, { name: 'reader', scopes: ['admin'] })).key;
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
    await upstream.close();
  });

  it('answers a plain completion, then the same request from the cache', async () => {
    const request = { model: 'simulated/chat', messages: [{ role: 'user' as const, content: 'Say hello to the endpoint' }] };
    const first = await client.chat.completions.create(request).withResponse();
    const second = await client.chat.completions.create(request).withResponse();
    expect(first.data.object).toBe('chat.completion');
    expect(first.data.choices[0]!.message.content).toMatch(/^\[simulated\]/);
    expect(first.data.usage!.total_tokens).toBeGreaterThan(0);
    expect(first.response.headers.get('x-anvil-cache')).toBe('miss');
    expect(second.response.headers.get('x-anvil-cache')).toBe('hit');
    expect(second.data.choices[0]!.message.content).toBe(first.data.choices[0]!.message.content);
  });

  it('keeps tenants apart: another API key sending the same request misses', async () => {
    const request = { model: 'simulated/chat', messages: [{ role: 'user' as const, content: 'Tenant isolation over HTTP' }] };
    await client.chat.completions.create(request);
    const other = await otherTenant.chat.completions.create(request).withResponse();
    const same = await client.chat.completions.create(request).withResponse();
    expect(other.response.headers.get('x-anvil-cache')).toBe('miss');
    expect(same.response.headers.get('x-anvil-cache')).toBe('hit');
  });

  it('refuses a call over the key\'s daily budget with 402 before it reaches the provider', async () => {
    const error = await tinyBudget.chat.completions.create({ model: 'simulated/chat', messages: [{ role: 'user', content: 'Too expensive' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('budget_exceeded');
  });

  it('honours x-anvil-cache: bypass from the request', async () => {
    const request = { model: 'simulated/chat', messages: [{ role: 'user' as const, content: 'Bypass me' }] };
    await client.chat.completions.create(request);
    const bypassed = await client.chat.completions.create(request, { headers: { 'x-anvil-cache': 'bypass' } }).withResponse();
    expect(bypassed.response.headers.get('x-anvil-cache')).toBe('bypass');
  });

  it('streams a completion as chunks ending in a finish reason and usage', async () => {
    const stream = await client.chat.completions.create({ model: 'simulated/chat', messages: [{ role: 'user', content: 'Stream a short greeting' }], stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
      usage = chunk.usage ?? usage;
    }
    expect(text).toMatch(/^\[simulated\]/);
    expect(finish).toBe('stop');
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it('returns a tool call the client can parse (from a provider speaking OpenAI\'s wire format)', async () => {
    upstream.script({ kind: 'answer', toolCall: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
    const completion = await client.chat.completions.create({
      model: 'openai-compatible/local-model',
      messages: [{ role: 'user', content: 'Look up the weather in Paris' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    });
    const call = completion.choices[0]!.message.tool_calls?.[0];
    expect(completion.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call?.type === 'function' && call.function.name).toBe('get_weather');
    expect(JSON.parse(call?.type === 'function' ? call.function.arguments : '')).toEqual({ city: 'Paris' });
    expect(upstream.requests.at(-1)!.body.tools).toHaveLength(1);
  });

  it('answers a provider that keeps failing with 502 in OpenAI format, never a bare 500', async () => {
    upstream.script(...Array.from({ length: 4 }, () => ({ kind: 'status' as const, status: 500 })));
    const error = await client.chat.completions.create({ model: 'openai-compatible/failing-model', messages: [{ role: 'user', content: 'Anyone there?' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ status: 502, code: 'provider_error', type: 'api_error' });
  });

  it('answers in JSON mode', async () => {
    const completion = await client.chat.completions.create({ model: 'simulated/chat', messages: [{ role: 'user', content: 'Give me a JSON object' }], response_format: { type: 'json_object' } });
    expect(() => JSON.parse(completion.choices[0]!.message.content!)).not.toThrow();
  });

  it('refuses parameters outside the supported subset with a 400 in OpenAI format', async () => {
    const error = await client.chat.completions.create({ model: 'simulated/chat', messages: [{ role: 'user', content: 'hi' }], n: 2 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('n');
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).type).toBe('invalid_request_error');
    const logprobs = await client.chat.completions.create({ model: 'simulated/chat', messages: [{ role: 'user', content: 'hi' }], logprobs: true }).catch((caught: unknown) => caught);
    expect(logprobs).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('names an unknown model in a 400', async () => {
    const error = await client.chat.completions.create({ model: 'nowhere/model', messages: [{ role: 'user', content: 'hi' }] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain('nowhere/model');
  });

  it('lists the simulated models, so the endpoint works offline', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain('simulated/agent');
    expect(ids).toContain('simulated/chat');
  });

  it('reports the calls in GET /api/v1/costs', async () => {
    await runtime.gateway.ledger.flush();
    const response = await app.inject({ method: 'GET', url: '/api/v1/costs', headers: { 'x-api-key': adminKey } });
    const report = response.json();
    expect(response.statusCode).toBe(200);
    expect(report.totals.calls).toBeGreaterThanOrEqual(5);
    expect(report.totals.cache_hits).toBeGreaterThanOrEqual(1);
    expect(report.totals.calls_avoided).toBe(report.totals.cache_hits);
    expect(report.totals.saved_usd).toBeGreaterThan(0);
    expect(report.by_model.map((row: { model: string }) => row.model)).toContain('simulated/chat');
    expect(report.by_kind.length).toBeGreaterThan(0);
    expect(report.by_day.length).toBe(1);
  });
});
