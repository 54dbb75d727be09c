import type { AgentContext, AgentHistory } from './context.js';
import type { SimulatedTurn } from './agent.js';
import type { FollowUp } from './plan.js';
import { hashParts } from './random.js';

/**
 * Deliberate misbehaviour, so the guardian can be shown to work offline. A task whose title
 * carries a marker makes the simulated agent misbehave until someone steers it:
 *
 *   [drift]  wanders off-topic: memory searches about unrelated subjects, a different one each step
 *   [loop]   repeats the same memory search, step after step, ignoring steering messages
 *   [twins]  proposes its first follow-up a second time, reworded ("… fully"): a near-duplicate
 *            that exact-title deduplication cannot catch, for the conductor to merge
 *
 * A drifting agent returns to its script at the first inbox message in its prompt (any sender);
 * a looping one only on a fresh attempt that carries the note of a stop. The turns spent
 * misbehaving are counted from the history (their text says so), so the script resumes where it
 * was, and a resumed session misbehaves exactly as the interrupted one would have.
 */
export const driftMarker = '[drift]';
export const loopMarker = '[loop]';
export const twinsMarker = '[twins]';

/** The reworded copy of a follow-up that a [twins] task proposes after its planned ones. */
export function twinOf(context: AgentContext, first: FollowUp | undefined): FollowUp | undefined {
  if (!first || !context.title.includes(twinsMarker)) return undefined;
  return { ...first, title: `${first.title} fully`, description: first.description.replace(first.title, `${first.title} fully`), dependsOnPrevious: false };
}

const wanderingText = '[simulated] Wandering off:';
const loopingText = '[simulated] Checking the same memory again.';

const offTopics = [
  'the history of lighthouse keepers',
  'sourdough starter hydration',
  'the migration of arctic terns',
  'medieval bridge building',
  'the rules of competitive croquet',
];

/** Whether an earlier assistant turn with this text was a misbehaving one. */
export function isMisbehavingText(text: string): boolean {
  return text.startsWith(wanderingText) || text.startsWith(loopingText);
}

export function misbehavingTurn(context: AgentContext, history: AgentHistory, toolNames: ReadonlySet<string>, seed: number): SimulatedTurn | undefined {
  if (!toolNames.has('search_memory') || history.stopNote) return undefined;
  if (context.title.includes(loopMarker)) {
    return { text: loopingText, toolCall: { toolName: 'search_memory', input: { query: 'anything new', limit: 5 } } };
  }
  if (context.title.includes(driftMarker) && !history.steered) {
    const topic = offTopics[(hashParts(seed, context.task_id) + history.step) % offTopics.length]!;
    return { text: `${wanderingText} reading up on ${topic}.`, toolCall: { toolName: 'search_memory', input: { query: topic, limit: 5 } } };
  }
  return undefined;
}
