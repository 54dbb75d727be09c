import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { z } from 'zod';
import type { SimulatedTurn } from './agent.js';

/**
 * The simulated reviewer. A reviewer's system prompt carries an <anvil-review> block
 * (src/orchestrator/review/reviewer.ts); the simulated model plays it by a fixed rule, so review
 * loops are reproducible: round 1 asks for more work, every later round accepts. A reviewed task
 * therefore goes round exactly twice, and a reviewed result is submitted exactly twice.
 */

const reviewSchema = z.object({
  subject: z.enum(['task', 'result']),
  run_id: z.string(),
  task_id: z.string(),
  round: z.number().int().min(1),
  max_rounds: z.number().int().min(1),
  title: z.string(),
});

export type ReviewContext = z.infer<typeof reviewSchema>;

const reviewPattern = /<anvil-review>([\s\S]*?)<\/anvil-review>/g;

export function readReviewContext(prompt: LanguageModelV3Prompt): ReviewContext | undefined {
  let found: ReviewContext | undefined;
  for (const message of prompt) {
    if (message.role !== 'system') continue;
    for (const match of message.content.matchAll(reviewPattern)) {
      try {
        const parsed = reviewSchema.safeParse(JSON.parse(match[1]!));
        if (parsed.success) found = parsed.data;
      } catch {
        // A malformed block is ignored, as a model would ignore garbage in its prompt.
      }
    }
  }
  return found;
}

export function reviewTurn(review: ReviewContext, toolNames: ReadonlySet<string>): SimulatedTurn {
  const what = review.subject === 'task' ? `the work on "${review.title}"` : 'the submitted result';
  const accepted = review.round > 1;
  const feedback = accepted
    ? `[simulated] Round ${review.round}: ${what} now meets the criteria.`
    : `[simulated] Round ${review.round}: ${what} does not show how it meets the criteria yet; say what was checked and how.`;
  if (!toolNames.has('submit_verdict')) return { text: `${accepted ? 'ACCEPTED' : 'NEEDS WORK'}: ${feedback}` };
  return { text: `[simulated] Reviewing ${what}.`, toolCall: { toolName: 'submit_verdict', input: { verdict: accepted ? 'accepted' : 'needs_work', feedback } } };
}
