import { generateText, tool } from 'ai';
import { z } from 'zod';
import { anvilProviderOptions } from '../../llm/index.js';
import type { ReviewVerdict } from '../../store/reviews.js';
import type { ModelSource, PriceFunction } from '../agent/session.js';

/**
 * One reviewer call: a model reads what was asked and what was delivered, and gives its verdict
 * through the `submit_verdict` tool (forced by toolChoice, so every provider that calls tools
 * answers in the same shape). It passes the gateway like every other call, tagged with its own
 * prompt kind (`review`) so its cache TTL and its spend are its own lines in the ledger.
 *
 * The prompt carries an <anvil-review> block — the subject, round and limits as JSON — that a
 * real model may read and the simulated model plays from (src/llm/providers/simulated/review.ts).
 */

export interface ReviewRequest {
  subject: 'task' | 'result';
  runId: string;
  taskId: string;
  round: number;
  maxRounds: number;
  /** What the reviewer checks against: the phase's done_definition, or the run's goal and result description. */
  criteria: string;
  /** What was asked: the task's title and description, or the run's goal. */
  asked: string;
  /** What the agent delivered: its summary and result. */
  delivered: { summary: string; result: unknown };
  /** Extra instructions from the workflow. */
  instructions: string;
  title: string;
}

export interface ReviewOutcome {
  verdict: ReviewVerdict;
  feedback: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costUsd: number | null;
}

const verdictSchema = z.object({
  verdict: z.enum(['accepted', 'needs_work']).describe('accepted when the work meets the criteria; needs_work otherwise'),
  feedback: z.string().max(4_000).describe('what is missing or wrong (needs_work), or why it passes (accepted)'),
});

export function reviewSystemPrompt(request: ReviewRequest): string {
  const block = { subject: request.subject, run_id: request.runId, task_id: request.taskId, round: request.round, max_rounds: request.maxRounds, title: request.title };
  return [
    request.subject === 'task'
      ? 'You are a reviewer. An agent says it finished the task below. Decide whether its work meets the phase\'s definition of done.'
      : "You are a reviewer. An agent submitted the result below as the answer to the run's goal. Decide whether it answers the goal.",
    `Criteria:\n${request.criteria || '(none given: judge whether the work does what was asked)'}`,
    request.instructions ? `Reviewer instructions:\n${request.instructions}` : '',
    `This is review round ${request.round} of at most ${request.maxRounds}. Be specific in feedback: the agent's next attempt reads it.`,
    'Answer by calling submit_verdict once.',
    `<anvil-review>${JSON.stringify(block)}</anvil-review>`,
  ]
    .filter(Boolean)
    .join('\n\n');
}

function reviewUserMessage(request: ReviewRequest): string {
  const result = request.delivered.result === undefined || request.delivered.result === null ? '(none)' : JSON.stringify(request.delivered.result, null, 2).slice(0, 20_000);
  return `What was asked:\n${request.asked}\n\nWhat the agent delivered:\n${request.delivered.summary}\n\nResult data:\n${result}`;
}

export async function runReviewer(
  { models, price, modelName, signal }: { models: ModelSource; price: PriceFunction; modelName: string; signal?: AbortSignal },
  request: ReviewRequest,
): Promise<ReviewOutcome> {
  const resolved = models.resolve(modelName);
  let verdict: z.infer<typeof verdictSchema> | undefined;
  const answer = await generateText({
    model: resolved.model,
    system: reviewSystemPrompt(request),
    messages: [{ role: 'user', content: reviewUserMessage(request) }],
    tools: {
      submit_verdict: tool({
        description: 'Give your verdict on the work.',
        inputSchema: verdictSchema,
        execute: async (input) => {
          verdict = input;
          return { ok: true };
        },
      }),
    },
    toolChoice: { type: 'tool', toolName: 'submit_verdict' },
    maxRetries: 0,
    abortSignal: signal,
    providerOptions: anvilProviderOptions({ tenant: 'local', runId: request.runId, taskId: request.taskId, kind: 'review' }),
  });
  const gateway = answer.providerMetadata?.anvil as { cache?: string; costUsd?: number | null } | undefined;
  const hit = gateway?.cache === 'hit';
  const inputTokens = hit ? 0 : (answer.usage.inputTokens ?? 0);
  const outputTokens = hit ? 0 : (answer.usage.outputTokens ?? 0);
  const costUsd = gateway && 'costUsd' in gateway ? (gateway.costUsd ?? null) : price(resolved.name, { inputTokens, outputTokens });
  // A model that does not call the tool has not approved anything: the work goes back.
  const decided = verdict ?? { verdict: 'needs_work' as const, feedback: `the reviewer gave no verdict${answer.text ? `: ${answer.text.slice(0, 1_000)}` : ''}` };
  return { verdict: decided.verdict, feedback: decided.feedback, model: resolved.name, inputTokens, outputTokens, costUsd };
}
