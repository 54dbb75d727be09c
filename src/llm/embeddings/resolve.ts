import type { EmbeddingModelV3, SharedV3ProviderOptions } from '@ai-sdk/provider';
import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { EmbeddingsConfig } from '../../config/embeddings-schema.js';
import { AnvilError } from '../../errors.js';
import { parseModelName, type LlmConfig, type ProviderName } from '../providers/resolve.js';
import { createSimulatedEmbeddingModel, simulatedEmbeddingModelId } from './simulated.js';

/**
 * Turns `embeddings.model` into an AI SDK embedding model object, built from Anvil's own provider
 * settings (never a bare string, which the SDK would send to a hosted gateway).
 */
export interface ResolvedEmbeddingModel {
  model: EmbeddingModelV3;
  /** `provider/model`. */
  name: string;
  provider: ProviderName;
  simulated: boolean;
  /** Options every call passes (the vector length, where the provider can be asked for one). */
  providerOptions?: SharedV3ProviderOptions;
}

/** The configured embedding model's name, or undefined when there is none (full-text search alone). */
export function embeddingModelName(embeddings: EmbeddingsConfig, llm: LlmConfig): string | undefined {
  if (embeddings.model === 'none') return undefined;
  if (embeddings.model) return embeddings.model;
  if (llm.openaiApiKey) return 'openai/text-embedding-3-small';
  if (!llm.anthropicApiKey && !llm.openaiCompatibleBaseUrl) return `simulated/${simulatedEmbeddingModelId}`;
  return undefined;
}

export function resolveEmbeddingModel(name: string, llm: LlmConfig, dimensions: number): ResolvedEmbeddingModel {
  const { provider, modelId } = parseModelName(name);
  const resolved = (model: EmbeddingModelV3, providerOptions?: SharedV3ProviderOptions): ResolvedEmbeddingModel => ({ model, name, provider, simulated: provider === 'simulated', providerOptions });
  switch (provider) {
    case 'simulated':
      return resolved(createSimulatedEmbeddingModel({ modelId, dimensions }));
    case 'openai': {
      if (!llm.openaiApiKey) throw missing(name, 'openaiApiKey', 'OPENAI_API_KEY');
      const model = createOpenAI({ apiKey: llm.openaiApiKey, baseURL: llm.openaiBaseUrl }).embedding(modelId);
      // Only the text-embedding-3 family can shorten its vectors; older models return their own length.
      return resolved(model, modelId.startsWith('text-embedding-3') ? { openai: { dimensions } } : undefined);
    }
    case 'openai-compatible': {
      if (!llm.openaiCompatibleBaseUrl) throw missing(name, 'openaiCompatibleBaseUrl', 'ANVIL_OPENAI_COMPATIBLE_BASE_URL');
      const factory = createOpenAICompatible({ name: 'openai-compatible', baseURL: llm.openaiCompatibleBaseUrl, apiKey: llm.openaiCompatibleApiKey });
      return resolved(factory.embeddingModel(modelId));
    }
    case 'anthropic':
      throw new AnvilError('MODEL_NOT_AVAILABLE', `embedding model ${name}: Anthropic offers no embedding models; use openai/…, openai-compatible/…, simulated/lexical or none`, { model: name, setting: 'embeddings.model' });
  }
}

function missing(name: string, setting: string, variable: string): AnvilError {
  return new AnvilError('MODEL_NOT_AVAILABLE', `embedding model ${name} needs llm.${setting} (environment variable ${variable}), which is not set`, { model: name, setting: `llm.${setting}`, env: variable });
}
