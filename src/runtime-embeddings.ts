import type { Config } from './config/index.js';
import { createEmbedder, embeddingModelName, resolveEmbeddingModel, type Embedder } from './llm/embeddings/index.js';
import type { Gateway } from './llm/index.js';
import type { Logger } from './observability/logger.js';

/**
 * The runtime's embedding model, from `embeddings.model` (or the providers configured), recording
 * its calls in the gateway's ledger. Undefined when there is none: memory search is then full text
 * alone, and says so. A name that cannot be resolved stops start-up, as a bad model name does.
 */
export function createRuntimeEmbedder({ config, gateway, logger }: { config: Config; gateway: Pick<Gateway, 'ledger' | 'prices'>; logger: Logger }): Embedder | undefined {
  const name = embeddingModelName(config.embeddings, config.llm);
  if (!name) {
    logger.info('embeddings: none configured; memory search is full text alone');
    return undefined;
  }
  const resolved = resolveEmbeddingModel(name, config.llm, config.embeddings.dimensions);
  logger.info({ model: name, dimensions: config.embeddings.dimensions, simulated: resolved.simulated }, resolved.simulated ? 'embeddings: simulated lexical model (offline; lexical, not semantic)' : 'embeddings: configured');
  return createEmbedder({ resolved, dimensions: config.embeddings.dimensions, ledger: gateway.ledger, prices: gateway.prices });
}
