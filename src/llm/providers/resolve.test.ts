import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateText, stepCountIs, tool } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { testConfig } from '../../config/index.js';
import { AnvilError } from '../../errors.js';
import { createModelResolver, defaultModelName, resolveModel, type LlmConfig } from './resolve.js';

/**
 * A local HTTP server that speaks just enough of OpenAI's `/v1/chat/completions` and Anthropic's
 * `/v1/messages` wire formats (non-streaming JSON) for the real provider packages to talk to it,
 * so resolution is tested across a socket rather than with a mocked SDK.
 */
interface Seen { path: string; headers: IncomingHttpHeaders; body: Record<string, unknown> }

let server: Server;
let baseUrl: string;
const seen: Seen[] = [];

function openaiReply(body: Record<string, unknown>): unknown {
  const messages = body.messages as Array<{ role: string; content: string | null }>;
  const toolMessage = messages.find((message) => message.role === 'tool');
  const wantsTool = Array.isArray(body.tools) && !toolMessage;
  const message = wantsTool
    ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a":2,"b":3}' } }] }
    : { role: 'assistant', content: toolMessage ? `the tool said ${toolMessage.content}` : `hello from ${String(body.model)}` };
  return {
    id: 'chatcmpl-1', object: 'chat.completion', created: 1_700_000_000, model: body.model,
    choices: [{ index: 0, message, finish_reason: wantsTool ? 'tool_calls' : 'stop' }],
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
  };
}

function anthropicReply(body: Record<string, unknown>): unknown {
  return {
    id: 'msg_1', type: 'message', role: 'assistant', model: body.model,
    content: [{ type: 'text', text: `hello from ${String(body.model)}` }],
    stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 13, output_tokens: 5 },
  };
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    request.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      seen.push({ path: request.url ?? '', headers: request.headers, body });
      const reply = request.url === '/v1/chat/completions' ? openaiReply(body) : request.url === '/v1/messages' ? anthropicReply(body) : undefined;
      response.writeHead(reply ? 200 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(reply ?? { error: { message: 'no such route' } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  seen.length = 0;
});

function llm(overrides: Partial<LlmConfig> = {}): LlmConfig {
  return { ...testConfig().llm, ...overrides };
}

describe('resolveModel across a socket', () => {
  it('sends openai/ models to the configured base URL with the bearer key and gets the text back', async () => {
    const resolved = resolveModel('openai/gpt-4o-mini', llm({ openaiApiKey: 'sk-test-openai', openaiBaseUrl: baseUrl }));
    expect(resolved).toMatchObject({ provider: 'openai', modelId: 'gpt-4o-mini', name: 'openai/gpt-4o-mini', simulated: false });
    const result = await generateText({ model: resolved.model, prompt: 'hi' });
    expect(result.text).toBe('hello from gpt-4o-mini');
    expect(result.usage.inputTokens).toBe(11);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.path).toBe('/v1/chat/completions');
    expect(seen[0]!.body.model).toBe('gpt-4o-mini');
    expect(seen[0]!.headers.authorization).toBe('Bearer sk-test-openai');
  });

  it('round-trips a tool call through the OpenAI chat format', async () => {
    const resolved = resolveModel('openai/gpt-4o-mini', llm({ openaiApiKey: 'sk-test-openai', openaiBaseUrl: baseUrl }));
    const add = tool({ inputSchema: z.object({ a: z.number(), b: z.number() }), execute: async ({ a, b }) => ({ sum: a + b }) });
    const result = await generateText({ model: resolved.model, prompt: 'add 2 and 3', tools: { add }, stopWhen: stepCountIs(3) });
    expect(result.steps[0]!.toolCalls[0]).toMatchObject({ toolName: 'add', input: { a: 2, b: 3 } });
    expect(result.text).toBe('the tool said {"sum":5}');
    const second = seen[1]!.body.messages as Array<{ role: string; tool_call_id?: string }>;
    expect(second.find((message) => message.role === 'tool')?.tool_call_id).toBe('call_1');
  });

  it('sends anthropic/ models to /v1/messages with the x-api-key header', async () => {
    const resolved = resolveModel('anthropic/claude-3-5-haiku-latest', llm({ anthropicApiKey: 'sk-ant-test', anthropicBaseUrl: baseUrl }));
    const result = await generateText({ model: resolved.model, prompt: 'hi', maxOutputTokens: 256 });
    expect(result.text).toBe('hello from claude-3-5-haiku-latest');
    expect(seen[0]!.path).toBe('/v1/messages');
    expect(seen[0]!.body.model).toBe('claude-3-5-haiku-latest');
    expect(seen[0]!.headers['x-api-key']).toBe('sk-ant-test');
    expect(seen[0]!.headers['anthropic-version']).toBeDefined();
    expect(seen[0]!.body.max_tokens).toBe(256);
  });

  it('sends openai-compatible/ models, slashes and all, to the compatible server with its optional key', async () => {
    const resolved = resolveModel('openai-compatible/meta/llama-3.1-8b', llm({ openaiCompatibleBaseUrl: baseUrl, openaiCompatibleApiKey: 'local-key' }));
    expect(resolved.modelId).toBe('meta/llama-3.1-8b');
    const result = await generateText({ model: resolved.model, prompt: 'hi' });
    expect(result.text).toBe('hello from meta/llama-3.1-8b');
    expect(seen[0]!.path).toBe('/v1/chat/completions');
    expect(seen[0]!.headers.authorization).toBe('Bearer local-key');
    const keyless = resolveModel('openai-compatible/qwen', llm({ openaiCompatibleBaseUrl: baseUrl }));
    await generateText({ model: keyless.model, prompt: 'hi' });
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });
});

describe('resolveModel without a network', () => {
  it('builds the simulated model from the simulated settings and labels it simulated', async () => {
    const resolved = resolveModel('simulated/agent', llm({ simulated: { seed: 7, latencyMs: 0, failureRate: 0, inputTokens: 100, outputTokens: 10 } }));
    expect(resolved).toMatchObject({ provider: 'simulated', modelId: 'agent', simulated: true });
    expect(resolved.model).toMatchObject({ specificationVersion: 'v3', provider: 'simulated', modelId: 'agent' });
    expect((await generateText({ model: resolved.model, prompt: 'hi' })).text).toMatch(/^\[simulated\]/);
  });

  it.each([
    ['openai/gpt-4o', /llm\.openaiApiKey.*OPENAI_API_KEY/],
    ['anthropic/claude-sonnet-4', /llm\.anthropicApiKey.*ANTHROPIC_API_KEY/],
    ['openai-compatible/llama3', /llm\.openaiCompatibleBaseUrl.*ANVIL_OPENAI_COMPATIBLE_BASE_URL/],
  ])('refuses %s without its setting, naming the setting and environment variable', (name, message) => {
    const attempt = (): unknown => resolveModel(name, llm());
    expect(attempt).toThrow(AnvilError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as AnvilError).code).toBe('MODEL_NOT_AVAILABLE');
    }
  });

  it('refuses an unknown provider prefix or a bare model id, listing the valid prefixes', () => {
    for (const name of ['gateway/gpt-4o', 'gpt-4o', 'openai/']) {
      expect(() => resolveModel(name, llm({ openaiApiKey: 'k' }))).toThrow(AnvilError);
    }
    expect(() => resolveModel('gpt-4o', llm())).toThrow(/simulated, openai, anthropic, openai-compatible/);
  });
});

describe('defaultModelName and the resolver', () => {
  it('prefers the configured default, then OpenAI, then Anthropic, then the simulated agent', () => {
    expect(defaultModelName(llm({ defaultModel: 'anthropic/claude-opus-4', openaiApiKey: 'k' }))).toBe('anthropic/claude-opus-4');
    expect(defaultModelName(llm({ openaiApiKey: 'k', anthropicApiKey: 'k' }))).toBe('openai/gpt-4o-mini');
    expect(defaultModelName(llm({ anthropicApiKey: 'k' }))).toBe('anthropic/claude-3-5-haiku-latest');
    expect(defaultModelName(llm())).toBe('simulated/agent');
  });

  it('builds each model once per name and resolves the default', () => {
    const resolver = createModelResolver(llm());
    expect(resolver.defaultModelName()).toBe('simulated/agent');
    const first = resolver.resolve('simulated/agent');
    expect(resolver.resolve('simulated/agent')).toBe(first);
    expect(resolver.resolve('simulated/guardian').model).not.toBe(first.model);
    expect(() => resolver.resolve('openai/gpt-4o')).toThrow(AnvilError);
  });
});
