import { generateText, Output } from 'ai';
import { anvilProviderOptions } from '../../llm/index.js';
import type { PriceFunction, ResolvedModel } from '../agent/session.js';
import { renderTranscript, type SessionTranscript } from './transcript.js';
import { guardianVerdictSchema, type GuardianJudgement } from './verdict.js';

/**
 * One guardian review: the session transcript to the guardian's model through the gateway, under
 * the prompt kind `guardian` (so its calls are cached, budgeted and reported apart from the
 * agents'), answered as structured output checked against the verdict schema.
 */
const instructions = [
  'You are the guardian of an agent session in Anvil, a multi-agent orchestrator. You do not do the task;',
  'you judge from the transcript whether the agent is working on its task within its phase’s rules.',
  'Verdicts: on_track (working toward the task), drifting (wandering to unrelated work; a reminder can bring it back),',
  'stuck (repeating itself or making no progress), violating (breaking the phase’s instructions or using tools it is not allowed).',
  'Give a score from 0 (hopeless) to 1 (perfectly on track) and a short reason that names the steps you judged by.',
  'Messages between steps (inbox) are steering the agent already received: judge the steps after the latest one.',
].join(' ');

export interface ReviewResult {
  judgement: GuardianJudgement;
  inputTokens: number;
  outputTokens: number;
  /** What the gateway says the call cost ($0 on a cache hit); null when the model has no price. */
  costUsd: number | null;
}

export interface ReviewOptions {
  model: ResolvedModel;
  price: PriceFunction;
  transcript: SessionTranscript;
  runId: string;
  taskId: string;
  sessionId: string;
  signal?: AbortSignal;
}

export async function reviewSession({ model, price, transcript, runId, taskId, sessionId, signal }: ReviewOptions): Promise<ReviewResult> {
  const result = await generateText({
    model: model.model,
    system: instructions,
    prompt: `Judge this session.\n\n${renderTranscript(transcript)}`,
    output: Output.object({ schema: guardianVerdictSchema }),
    temperature: 0,
    maxRetries: 0,
    abortSignal: signal,
    providerOptions: anvilProviderOptions({ tenant: 'local', runId, taskId, sessionId, kind: 'guardian' }),
  });
  const gateway = result.providerMetadata?.anvil as { cache?: string; costUsd?: number | null } | undefined;
  const hit = gateway?.cache === 'hit';
  const inputTokens = hit ? 0 : (result.usage.inputTokens ?? 0);
  const outputTokens = hit ? 0 : (result.usage.outputTokens ?? 0);
  const costUsd = gateway && 'costUsd' in gateway ? (gateway.costUsd ?? null) : price(model.name, { inputTokens, outputTokens });
  return { judgement: result.output, inputTokens, outputTokens, costUsd };
}
