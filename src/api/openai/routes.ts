import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { anvilProviderOptions, bundledPrices, cacheModes, isPromptKind, promptKinds, type CacheMode, type GatewayCallContextInput } from '../../llm/index.js';
import type { Runtime } from '../../runtime.js';
import { openAiError } from './errors.js';
import { parseChatRequest, unsupported } from './request.js';
import { completionBody, createChunker } from './response.js';

/**
 * The OpenAI-compatible endpoint: POST /v1/chat/completions (plain and streamed, tools, JSON
 * mode) and GET /v1/models, through the same gateway as agents, so any OpenAI SDK pointed at
 * Anvil gets caching, budgets and the ledger. Errors answer in OpenAI's format (errors.ts).
 *
 * Request headers: `x-anvil-cache: bypass | refresh | only-if-cached`, `x-anvil-kind: <kind>`,
 * `x-anvil-force-cache: true` (cache a sampled call), `x-anvil-fallback-models: a,b`. Responses
 * carry `x-anvil-cache: hit | miss | bypass`.
 */
export function registerOpenAiRoutes(app: FastifyInstance, runtime: Runtime): void {
  void app.register(async (v1) => {
    v1.setErrorHandler((error, request, reply) => {
      const { status, body, headers } = openAiError(error);
      if (status >= 500) request.log.error({ err: error }, 'openai-compatible request failed');
      return reply.status(status).headers(headers).send(body);
    });

    v1.post('/v1/chat/completions', { config: { scope: 'llm:invoke', inspect: { body: { '**': 'prompt' } } }, schema: { tags: ['openai'], summary: 'OpenAI-compatible chat completions through the gateway' } }, async (request, reply) => {
      const parsed = parseChatRequest(request.body);
      const resolved = runtime.gateway.models.resolve(parsed.model);
      const call = { ...parsed.call, providerOptions: anvilProviderOptions(callContext(request)) };
      // The signal that cancels the provider call when the client goes away, made when the
      // gateway first reads it: an answer from the cache never does, and spares the controller
      // and the listener.
      let abort: AbortController | undefined;
      Object.defineProperty(call, 'abortSignal', {
        enumerable: true,
        get() {
          if (!abort) {
            const controller = new AbortController();
            abort = controller;
            // The response's close, not the request's (which fires once the body is read).
            reply.raw.on('close', () => {
              if (!reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
            });
            if (reply.raw.destroyed && !reply.raw.writableFinished) controller.abort(new Error('client disconnected'));
          }
          return abort.signal;
        },
      });
      if (!parsed.stream) {
        const result = await resolved.model.doGenerate(call);
        reply.header('x-anvil-cache', result.response?.headers?.['x-anvil-cache'] ?? 'bypass');
        return completionBody(result, parsed.model);
      }
      const result = await resolved.model.doStream(call);
      return sendStream(reply, result.stream, parsed.model, parsed.includeUsage, result.response?.headers?.['x-anvil-cache'] ?? 'bypass');
    });

    v1.get('/v1/models', { config: { scope: 'llm:invoke' }, schema: { tags: ['openai'], summary: 'Models callable through /v1/chat/completions' } }, async () => ({
      object: 'list',
      data: listModels(runtime).map((id) => ({ id, object: 'model', created: 0, owned_by: id.slice(0, id.indexOf('/')) })),
    }));
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function callContext(request: FastifyRequest): GatewayCallContextInput {
  const cache = header(request, 'x-anvil-cache');
  if (cache !== undefined && !cacheModes.includes(cache as CacheMode)) throw unsupported('x-anvil-cache', 'x-anvil-cache must be bypass, refresh or only-if-cached');
  const kind = header(request, 'x-anvil-kind');
  if (kind !== undefined && !isPromptKind(kind)) throw unsupported('x-anvil-kind', `x-anvil-kind must be one of ${promptKinds.join(', ')}`);
  const fallbacks = header(request, 'x-anvil-fallback-models');
  const principal = (request as { principal?: { dailyBudgetUsd?: number } }).principal;
  return {
    tenant: (request as { tenant?: string }).tenant ?? 'local',
    cache: cache as CacheMode | undefined,
    kind: kind as GatewayCallContextInput['kind'],
    forceCache: header(request, 'x-anvil-force-cache') === 'true',
    fallbacks: fallbacks ? fallbacks.split(',').map((name) => name.trim()).filter(Boolean) : undefined,
    tenantDailyUsd: principal?.dailyBudgetUsd,
  };
}

/** Server-Sent Events in OpenAI's chunk format, ending with `data: [DONE]`; a failure mid-stream ends with an error event. */
function sendStream(reply: FastifyReply, stream: ReadableStream<LanguageModelV3StreamPart>, model: string, includeUsage: boolean, cache: string): FastifyReply {
  const chunker = createChunker(model, includeUsage);
  async function* events(): AsyncGenerator<string> {
    yield `data: ${JSON.stringify(chunker.first())}\n\n`;
    const reader = stream.getReader();
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          break;
        }
        if (value.type === 'error') throw value.error;
        for (const chunk of chunker.chunks(value)) yield `data: ${JSON.stringify(chunk)}\n\n`;
      }
      yield 'data: [DONE]\n\n';
    } catch (error) {
      finished = true;
      yield `data: ${JSON.stringify(openAiError(error).body)}\n\n`;
    } finally {
      // A client that went away cancels the provider stream too.
      if (!finished) await reader.cancel(new Error('client disconnected')).catch(() => {});
    }
  }
  return reply
    .header('content-type', 'text/event-stream; charset=utf-8')
    .header('cache-control', 'no-cache')
    .header('x-anvil-cache', cache)
    .send(Readable.from(events(), { objectMode: false }));
}

/** The simulated models (so the endpoint works offline), the default, and priced models of configured providers. */
function listModels(runtime: Runtime): string[] {
  const llm = runtime.config.llm;
  const configured = new Set<string>(['simulated']);
  if (llm.openaiApiKey) configured.add('openai');
  if (llm.anthropicApiKey) configured.add('anthropic');
  const names = new Set<string>(['simulated/agent', 'simulated/chat', runtime.models.defaultModelName()]);
  for (const name of Object.keys(bundledPrices)) if (!name.endsWith('/*') && configured.has(name.slice(0, name.indexOf('/')))) names.add(name);
  for (const name of Object.keys(runtime.config.gateway.fallbacks)) names.add(name);
  return [...names].sort();
}
