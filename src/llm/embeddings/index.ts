export { createEmbedder, type EmbedContext, type Embedder, type EmbedderOptions } from './embedder.js';
export { embeddingModelName, resolveEmbeddingModel, type ResolvedEmbeddingModel } from './resolve.js';
export { createSimulatedEmbeddingModel, lexicalEmbedding, normalise, simulatedEmbeddingModelId, type SimulatedEmbeddingOptions } from './simulated.js';
export { cosineSimilarity } from './similarity.js';
