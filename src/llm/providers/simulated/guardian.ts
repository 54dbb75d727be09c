import { z } from 'zod';
import { keyWords } from './vocabulary.js';

/**
 * The simulated guardian (`simulated/guardian`): judges an agent session from the transcript the
 * guardian sends (<session-transcript> JSON, src/orchestrator/guardian/transcript.ts), by fixed
 * rules, so verdicts are deterministic. Only the steps since the last steering message count,
 * except for the loop rule, which looks at the whole transcript shown. Rules, first match wins:
 *
 *   violating  a recent step called a tool the phase does not allow
 *   stuck      the last three steps made the very same tool call
 *   drifting   the last two recent steps mention none of the task title's words
 *   on_track   otherwise
 */
const transcriptSchema = z.object({
  task: z.object({ title: z.string() }),
  allowed_tools: z.array(z.string()),
  steps: z.array(
    z.object({
      index: z.number(),
      text: z.string(),
      tool_calls: z.array(z.object({ name: z.string(), input: z.unknown() })),
      inbox: z.array(z.string()).default([]),
    }),
  ),
});

type Transcript = z.infer<typeof transcriptSchema>;
type Step = Transcript['steps'][number];

export interface SimulatedVerdict {
  verdict: 'on_track' | 'drifting' | 'stuck' | 'violating';
  score: number;
  reason: string;
}

const transcriptPattern = /<session-transcript>([\s\S]*?)<\/session-transcript>/;
// Markers of deliberate misbehaviour (simulated/misbehaviour.ts) are not words of the task.
const markerWords = new Set(['drift', 'loop']);

export function judgeTranscript(promptText: string): SimulatedVerdict {
  const match = transcriptPattern.exec(promptText);
  let transcript: Transcript | undefined;
  try {
    const parsed = transcriptSchema.safeParse(match ? JSON.parse(match[1]!) : undefined);
    if (parsed.success) transcript = parsed.data;
  } catch {
    transcript = undefined;
  }
  if (!transcript) return { verdict: 'on_track', score: 0.5, reason: '[simulated] No transcript to judge.' };
  const { steps } = transcript;
  const lastSteering = steps.findLastIndex((step) => step.inbox.length > 0);
  const recent = lastSteering === -1 ? steps : steps.slice(lastSteering);

  const allowed = new Set(transcript.allowed_tools);
  const forbidden = recent.flatMap((step) => step.tool_calls.filter((call) => !allowed.has(call.name)).map((call) => ({ step, call })));
  if (forbidden.length > 0) {
    const { step, call } = forbidden[0]!;
    return { verdict: 'violating', score: 0.1, reason: `[simulated] Step ${step.index} called ${call.name}, which this phase does not allow.` };
  }

  const lastThree = steps.slice(-3).map(callSignature);
  if (lastThree.length === 3 && lastThree[0] !== '' && lastThree.every((signature) => signature === lastThree[0])) {
    return { verdict: 'stuck', score: 0.15, reason: `[simulated] The last three steps repeated the same call (${steps.at(-1)!.tool_calls[0]!.name}) without progress.` };
  }

  const titleWords = new Set(keyWords(transcript.task.title, 20).filter((word) => !markerWords.has(word)));
  const offTopic = (step: Step) => !keyWords(`${step.text} ${JSON.stringify(step.tool_calls.map((call) => call.input))}`, 200).some((word) => titleWords.has(word));
  const trailing = recent.slice(-2);
  if (titleWords.size > 0 && trailing.length === 2 && trailing.every(offTopic)) {
    return {
      verdict: 'drifting',
      score: 0.35,
      reason: `[simulated] Steps ${trailing.map((step) => step.index).join(' and ')} are about something other than "${transcript.task.title}".`,
    };
  }
  return { verdict: 'on_track', score: 0.9, reason: `[simulated] The recent steps work on "${transcript.task.title}".` };
}

function callSignature(step: Step): string {
  return step.tool_calls.map((call) => `${call.name}:${JSON.stringify(call.input)}`).join('|');
}
