import { zodSchema } from 'ai';
import { z } from 'zod';
import { memoryKinds } from '../../store/memories.js';
import { maxQuestionLength } from '../human/questions.js';

/**
 * The input schemas of the agent's tools, built once. Handed a bare zod schema, the AI SDK wraps
 * it anew and converts it to JSON Schema on every model call; a wrapper made here keeps its JSON
 * Schema. Building the schemas per session and converting them per call was about a third of the
 * CPU a worker spends per task around the model in the queue benchmark (database stubbed out).
 */
export const createTaskInput = zodSchema(
  z.object({
    phase: z.string().describe('phase key'),
    title: z.string().min(1).max(300),
    description: z.string().max(20_000).optional(),
    priority: z.number().int().min(-100).max(100).optional(),
    depends_on: z.array(z.string()).max(50).optional().describe('ids of tasks that must be done first'),
  }),
);

/** complete_task and submit_result: a summary and an optional structured result. */
export const summaryInput = zodSchema(z.object({ summary: z.string().min(1).max(20_000), result: z.unknown().optional() }));

export const failTaskInput = zodSchema(z.object({ reason: z.string().min(1).max(4_000), retryable: z.boolean().optional() }));

export const saveMemoryInput = zodSchema(z.object({ kind: z.enum(memoryKinds), text: z.string().min(1).max(4_000), tags: z.array(z.string().max(50)).max(20).optional() }));

export const searchMemoryInput = zodSchema(
  z.object({
    query: z.string().min(1).max(1_000),
    kinds: z.array(z.enum(memoryKinds)).max(memoryKinds.length).optional().describe('only memories of these kinds'),
    limit: z.number().int().min(1).max(20).optional(),
  }),
);

export const askHumanInput = zodSchema(z.object({ question: z.string().min(1).max(maxQuestionLength) }));
