import type { LanguageModelV3 } from '@ai-sdk/provider';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { Config } from '../../config/index.js';
import { AnvilError } from '../../errors.js';
import { createPooledFetch } from './pooled-fetch.js';
import { createSimulatedModel } from './simulated.js';

/**
 * Turns Anvil's `provider/model` names into AI SDK model objects. The AI SDK v6 would send a bare
 * string model id to Vercel's hosted gateway (DESIGN.md, Pitfalls), so every name is resolved
 * here to a provider object built from our own settings, and an unresolvable name is an error.
 */

export type LlmConfig = Config['llm'];

export const providerNames = ['simulated', 'openai', 'anthropic', 'openai-compatible'] as const;
export type ProviderName = (typeof providerNames)[number];

export interface ResolvedModel {
  model: LanguageModelV3;
  provider: ProviderName;
  /** The part after the first slash; may itself contain slashes (`openai-compatible/meta/llama`). */
  modelId: string;
  /** The full `provider/model` name. */
  name: string;
  /** True for the offline simulated provider, so callers can label its output. */
  simulated: boolean;
}

export interface ModelResolver {
  /** The model for a name, built once per name and reused. */
  resolve(name: string): ResolvedModel;
  defaultModelName(): string;
  /** Closes the providers' connection pools. */
  close?(): Promise<void>;
}

export function parseModelName(name: string): { provider: ProviderName; modelId: string } {
  const slash = name.indexOf('/');
  const provider = slash > 0 ? name.slice(0, slash) : '';
  const modelId = slash > 0 ? name.slice(slash + 1).trim() : '';
  if (!isProviderName(provider)) {
    throw new AnvilError('MODEL_NOT_AVAILABLE', `model ${JSON.stringify(name)} must be named provider/model with provider one of: ${providerNames.join(', ')}`, { model: name, providers: [...providerNames] });
  }
  if (modelId === '') {
    throw new AnvilError('MODEL_NOT_AVAILABLE', `model ${JSON.stringify(name)} names no model after "${provider}/"`, { model: name });
  }
  return { provider, modelId };
}

function isProviderName(value: string): value is ProviderName {
  return (providerNames as readonly string[]).includes(value);
}

function missing(name: string, setting: string, variable: string): AnvilError {
  return new AnvilError('MODEL_NOT_AVAILABLE', `model ${name} needs llm.${setting} (environment variable ${variable}), which is not set`, { model: name, setting: `llm.${setting}`, env: variable });
}

/**
 * Builds the model for a name; no caching (see createModelResolver). `fetch` is what the provider
 * sends its requests with (the resolver passes its pooled one); default the global fetch.
 */
export function resolveModel(name: string, llmConfig: LlmConfig, fetch?: typeof globalThis.fetch): ResolvedModel {
  const { provider, modelId } = parseModelName(name);
  const resolved = (model: LanguageModelV3): ResolvedModel => ({ model, provider, modelId, name, simulated: provider === 'simulated' });
  switch (provider) {
    case 'simulated':
      return resolved(createSimulatedModel({ modelId, ...llmConfig.simulated }));
    case 'openai': {
      if (!llmConfig.openaiApiKey) throw missing(name, 'openaiApiKey', 'OPENAI_API_KEY');
      // The Chat Completions API rather than the SDK's default Responses API, so an
      // OPENAI_BASE_URL pointing at any OpenAI-compatible server works too.
      return resolved(createOpenAI({ apiKey: llmConfig.openaiApiKey, baseURL: llmConfig.openaiBaseUrl, fetch }).chat(modelId));
    }
    case 'anthropic': {
      if (!llmConfig.anthropicApiKey) throw missing(name, 'anthropicApiKey', 'ANTHROPIC_API_KEY');
      return resolved(createAnthropic({ apiKey: llmConfig.anthropicApiKey, baseURL: llmConfig.anthropicBaseUrl, fetch }).languageModel(modelId));
    }
    case 'openai-compatible': {
      if (!llmConfig.openaiCompatibleBaseUrl) throw missing(name, 'openaiCompatibleBaseUrl', 'ANVIL_OPENAI_COMPATIBLE_BASE_URL');
      const providerFactory = createOpenAICompatible({ name: 'openai-compatible', baseURL: llmConfig.openaiCompatibleBaseUrl, apiKey: llmConfig.openaiCompatibleApiKey, includeUsage: true, fetch });
      return resolved(providerFactory.chatModel(modelId));
    }
  }
}

/**
 * The model used where a workflow names none: the configured default, else a small model of the
 * first provider with a key, else the simulated agent so Anvil runs offline out of the box.
 */
export function defaultModelName(llmConfig: LlmConfig): string {
  if (llmConfig.defaultModel) return llmConfig.defaultModel;
  if (llmConfig.openaiApiKey) return 'openai/gpt-4o-mini';
  if (llmConfig.anthropicApiKey) return 'anthropic/claude-3-5-haiku-latest';
  return 'simulated/agent';
}

/**
 * Resolves names once each. Every provider it builds sends its requests through one pooled
 * fetch (pooled-fetch.ts): keep-alive connections per provider origin, shared by all models.
 */
export function createModelResolver(llmConfig: LlmConfig): ModelResolver {
  const cache = new Map<string, ResolvedModel>();
  const pooled = createPooledFetch();
  return {
    resolve(name) {
      let resolved = cache.get(name);
      if (!resolved) {
        resolved = resolveModel(name, llmConfig, pooled.fetch);
        cache.set(name, resolved);
      }
      return resolved;
    },
    defaultModelName: () => defaultModelName(llmConfig),
    close: () => pooled.close(),
  };
}
