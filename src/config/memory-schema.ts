import { z } from 'zod';

/**
 * Memory search (src/orchestrator/memory.ts, src/store/memory-search.ts): where vectors are
 * compared, how many candidates are scored, and how text, vector and recency weigh in the rank.
 */
const positiveInt = z.number().int().positive();
const share = z.number().min(0).max(1);

export const memoryDefaults = {
  vectorStore: 'auto',
  candidateWindow: 1_000,
  textCandidates: 200,
  minSimilarity: 0.18,
  vectorWeight: 0.5,
  recencyWeight: 0.2,
  recencyHalfLifeHours: 24,
  promptBudgetTokens: 800,
} as const;

export const memorySchema = z
  .object({
    /** `auto`: pgvector when the database has it (PGlite always does), else `real[]` compared in SQL. */
    vectorStore: z.enum(['auto', 'pgvector', 'array']).default(memoryDefaults.vectorStore),
    /** Memories scored by vector per search: the nearest (pgvector) or the most recent (`real[]`). */
    candidateWindow: positiveInt.max(100_000).default(memoryDefaults.candidateWindow),
    /** Best full-text matches scored per search. */
    textCandidates: positiveInt.max(10_000).default(memoryDefaults.textCandidates),
    /** Cosine similarity under which a memory does not count as a vector match. */
    minSimilarity: share.default(memoryDefaults.minSimilarity),
    /** Share of the relevance that comes from vector similarity in hybrid mode (the rest is full text). */
    vectorWeight: share.default(memoryDefaults.vectorWeight),
    /** Most of a memory's score that age can take away. */
    recencyWeight: share.default(memoryDefaults.recencyWeight),
    /** Age at which a memory has lost half of `recencyWeight`. */
    recencyHalfLifeHours: z.number().positive().default(memoryDefaults.recencyHalfLifeHours),
    /** Tokens of memories injected into an agent's system prompt. */
    promptBudgetTokens: z.number().int().min(0).default(memoryDefaults.promptBudgetTokens),
  })
  .strict()
  .default({ ...memoryDefaults });

export type MemoryConfig = z.output<typeof memorySchema>;
