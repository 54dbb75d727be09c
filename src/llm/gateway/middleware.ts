import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult, LanguageModelV3Middleware, LanguageModelV3StreamResult, LanguageModelV3Usage } from '@ai-sdk/provider';
import { AnvilError } from '../../errors.js';
import { classifyPrompt } from '../kinds.js';
import { BudgetExceededError } from './budget.js';
import { cacheKey } from './cache-key.js';
import { generateResultFrom, observeStream, replayParts, streamOf, type CachedResponse } from './cached-response.js';
import { readCallContext, type GatewayCallContext } from './context.js';
import { estimateInputTokens } from './estimate.js';
import type { GatewayServices } from './services.js';
import { callProvider, type Candidate } from './provider-call.js';
import type { LlmCallRecord } from './ledger.js';
import type { PromptKind } from '../kinds.js';
import type { Reservation } from './budget.js';

/**
 * The gateway pipeline as AI SDK language-model middleware, one instance per model name:
 *
 *   kind and TTL → cache lookup → budget reservation → pacing, provider call with retries,
 *   breaker and fallbacks → settle the budget, store the answer, write the ledger row
 *
 * Agents reach it through generateText on a wrapped model; the OpenAI-compatible endpoint calls
 * the wrapped model's doGenerate/doStream directly. Per-call context (tenant, run, task, session,
 * kind, cache mode) travels in `providerOptions.anvil` (context.ts). The outcome is reported in
 * the response headers (`x-anvil-cache: hit | miss | bypass`) and, for generate calls, in
 * `providerMetadata.anvil`.
 */
interface CallPlan {
  context: GatewayCallContext;
  kind: PromptKind;
  ttlSeconds: number;
  /** Set when the answer may be read from or written to the cache. */
  key: string | undefined;
  writable: boolean;
  estimatedInput: number;
  estimatedOutput: number;
  started: number;
}

export function gatewayMiddleware(services: GatewayServices, modelName: string): LanguageModelV3Middleware {
  const { settings } = services;

  const plan = (params: LanguageModelV3CallOptions): CallPlan => {
    const context = readCallContext(params);
    const kind = context.kind ?? classifyPrompt(params);
    const ttlSeconds = settings.ttlSeconds[kind];
    // Unset temperature counts as deterministic: the caller did not ask for sampling.
    const sampled = (params.temperature ?? 0) > 0 && !context.forceCache;
    const cacheable = settings.cacheEnabled && context.cache !== 'bypass' && ttlSeconds > 0 && !sampled;
    const key = cacheable || context.cache === 'only-if-cached' ? cacheKey(context.tenant, modelName, params) : undefined;
    return {
      context,
      kind,
      ttlSeconds,
      key,
      writable: cacheable,
      estimatedInput: estimateInputTokens(params),
      estimatedOutput: params.maxOutputTokens ?? settings.defaultOutputTokens,
      started: services.now(),
    };
  };

  const lookup = async (call: CallPlan): Promise<CachedResponse | undefined> => {
    if (!call.key || call.context.cache === 'refresh') return undefined;
    const entry = await services.cache.get<CachedResponse>(call.key).catch(() => undefined);
    if (!entry && call.context.cache === 'only-if-cached') {
      record(call, { provider: services.providerOf(modelName), model: modelName, cacheResult: 'miss', error: 'CACHE_MISS' });
      throw new AnvilError('CACHE_MISS', `no cached answer for this request (x-anvil-cache: only-if-cached)`, { model: modelName });
    }
    if (entry) record(call, { provider: entry.provider, model: entry.model, cacheResult: 'hit', savedUsd: entry.costUsd ?? 0 });
    return entry;
  };

  const reserve = async (call: CallPlan): Promise<Reservation | undefined> => {
    const { context } = call;
    const estimateUsd = services.prices.costOf(modelName, { inputTokens: call.estimatedInput, outputTokens: call.estimatedOutput }) ?? 0;
    try {
      return await services.budgets.reserve({ runId: context.runId, tenant: context.tenant, tenantDailyUsd: context.tenantDailyUsd, estimateUsd, estimateTokens: call.estimatedInput + call.estimatedOutput });
    } catch (error) {
      if (error instanceof BudgetExceededError) record(call, { provider: services.providerOf(modelName), model: modelName, cacheResult: 'bypass', error: 'BUDGET_EXCEEDED' });
      throw error;
    }
  };

  const candidates = (context: GatewayCallContext, primary: Candidate): Candidate[] => {
    const names = [...context.fallbacks, ...(settings.fallbacks[modelName] ?? [])].filter((name) => name !== modelName);
    return [primary, ...[...new Set(names)].map((name) => services.candidate(name))];
  };

  /**
   * Settles the reservation and writes the ledger row. A failed call settles to nothing, except a
   * stream cut after content had flowed (`partial`): the provider may bill it, so it keeps its estimate.
   */
  const finish = (call: CallPlan, reservation: Reservation | undefined, answered: Candidate, usage: LanguageModelV3Usage | undefined, failure?: unknown, partial = false) => {
    const inputTokens = usage?.inputTokens.total ?? 0;
    const outputTokens = usage?.outputTokens.total ?? 0;
    const cacheReadTokens = usage?.inputTokens.cacheRead ?? 0;
    const cacheWriteTokens = usage?.inputTokens.cacheWrite ?? 0;
    const costUsd = failure === undefined ? services.prices.costOf(answered.name, { inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens }) : null;
    const settled =
      failure === undefined
        ? { usd: costUsd ?? 0, tokens: inputTokens + outputTokens }
        : partial && reservation
          ? { usd: reservation.amount.microUsd / 1e6, tokens: reservation.amount.tokens }
          : { usd: 0, tokens: 0 };
    if (reservation) services.budgets.settle(reservation, settled).catch((error) => services.onError(error, 'budget settle'));
    record(call, {
      provider: answered.provider,
      model: answered.name,
      cacheResult: call.writable ? 'miss' : 'bypass',
      inputTokens,
      outputTokens,
      cacheReadTokens,
      cacheWriteTokens,
      costUsd,
      error: failure === undefined ? undefined : errorLabel(failure),
    });
    return costUsd;
  };

  const record = (call: CallPlan, fields: Partial<LlmCallRecord> & Pick<LlmCallRecord, 'provider' | 'model' | 'cacheResult'>) => {
    const { context } = call;
    services.ledger.record({
      runId: context.runId,
      taskId: context.taskId,
      sessionId: context.sessionId,
      tenant: context.tenant,
      kind: call.kind,
      inputTokens: 0,
      outputTokens: 0,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costUsd: 0,
      savedUsd: 0,
      cacheHit: fields.cacheResult === 'hit',
      ttlSeconds: call.writable || fields.cacheResult === 'hit' ? call.ttlSeconds : null,
      latencyMs: services.now() - call.started,
      createdAt: new Date(),
      ...fields,
    });
  };

  const store = async (call: CallPlan, entry: CachedResponse) => {
    if (!call.writable || !call.key) return;
    await services.cache.set(call.key, entry, { ttlSeconds: call.ttlSeconds }).catch((error) => services.onError(error, 'cache write'));
  };

  const anvilMetadata = (call: CallPlan, cache: string, costUsd: number | null, savedUsd: number) => ({
    anvil: { cache, kind: call.kind, ttlSeconds: call.writable || cache === 'hit' ? call.ttlSeconds : null, costUsd, savedUsd },
  });

  return {
    specificationVersion: 'v3',

    async wrapGenerate({ params, model }): Promise<LanguageModelV3GenerateResult> {
      const call = plan(params);
      const hit = await lookup(call);
      if (hit) {
        const result = generateResultFrom(hit, { 'x-anvil-cache': 'hit' });
        return { ...result, providerMetadata: { ...result.providerMetadata, ...anvilMetadata(call, 'hit', 0, hit.costUsd ?? 0) } };
      }
      const reservation = await reserve(call);
      const primary: Candidate = { name: modelName, provider: services.providerOf(modelName), model };
      let outcome;
      try {
        outcome = await callProvider(services.providerCallOptions(candidates(call.context, primary), params, call.estimatedInput + call.estimatedOutput), (target, targetParams) => target.doGenerate(targetParams));
      } catch (error) {
        finish(call, reservation, primary, undefined, error);
        throw error;
      }
      const { result, candidate } = outcome;
      const costUsd = finish(call, reservation, candidate, result.usage);
      await store(call, {
        content: result.content,
        finishReason: result.finishReason,
        usage: result.usage,
        providerMetadata: result.providerMetadata,
        responseId: result.response?.id,
        responseModelId: result.response?.modelId,
        model: candidate.name,
        provider: candidate.provider,
        costUsd,
        createdAt: services.now(),
      });
      const cache = call.writable ? 'miss' : 'bypass';
      return {
        ...result,
        providerMetadata: { ...result.providerMetadata, ...anvilMetadata(call, cache, costUsd, 0) },
        response: { ...result.response, headers: { ...result.response?.headers, 'x-anvil-cache': cache } },
      };
    },

    async wrapStream({ params, model }): Promise<LanguageModelV3StreamResult> {
      const call = plan(params);
      const hit = await lookup(call);
      if (hit) return { stream: streamOf(replayParts(hit)), response: { headers: { 'x-anvil-cache': 'hit' } } };
      const reservation = await reserve(call);
      const primary: Candidate = { name: modelName, provider: services.providerOf(modelName), model };
      let outcome;
      try {
        outcome = await callProvider(services.providerCallOptions(candidates(call.context, primary), params, call.estimatedInput + call.estimatedOutput), (target, targetParams) => target.doStream(targetParams), { keepLinked: true });
      } catch (error) {
        finish(call, reservation, primary, undefined, error);
        throw error;
      }
      const { result, candidate } = outcome;
      const cache = call.writable ? 'miss' : 'bypass';
      const stream = observeStream(result.stream, ({ response, error, started }) => {
        outcome.unlink();
        if (!response) {
          finish(call, reservation, candidate, undefined, error, started);
          return;
        }
        const costUsd = finish(call, reservation, candidate, response.usage);
        void store(call, { ...response, model: candidate.name, provider: candidate.provider, costUsd, createdAt: services.now() });
      });
      return { ...result, stream, response: { ...result.response, headers: { ...result.response?.headers, 'x-anvil-cache': cache } } };
    },
  };
}

function errorLabel(error: unknown): string {
  if (error instanceof AnvilError) return error.code;
  const status = (error as { statusCode?: number })?.statusCode;
  const name = (error as Error)?.name ?? 'Error';
  const message = (error as Error)?.message ?? String(error);
  return `${name}${status ? ` ${status}` : ''}: ${message}`.slice(0, 500);
}
