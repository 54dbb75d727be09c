import { z } from 'zod';

/**
 * Which embedding model turns texts into vectors, for hybrid memory search and near-duplicate
 * detection (src/llm/embeddings). Unset, the model follows the configured providers:
 * `openai/text-embedding-3-small` with an OpenAI key, the offline `simulated/lexical` model when
 * no provider key is set at all (as the simulated agent is), and none otherwise (an Anthropic key
 * alone offers no embeddings). `none` turns embeddings off: memory search is full text alone.
 */
export const defaultEmbeddingDimensions = 512;

export const embeddingsSchema = z
  .object({
    /** `provider/model` (simulated, openai, openai-compatible), or `none`. */
    model: z
      .string()
      .regex(/^(none|[a-z0-9-]+\/[\w.:@/-]+)$/i, 'expected provider/model or none')
      .optional(),
    /** Vector length stored and compared; OpenAI's text-embedding-3 models are asked for it, other models must return it. */
    dimensions: z.number().int().min(8).max(4_096).default(defaultEmbeddingDimensions),
  })
  .strict()
  .default({ dimensions: defaultEmbeddingDimensions });

export type EmbeddingsConfig = z.output<typeof embeddingsSchema>;
