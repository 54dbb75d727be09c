import type { StepRow } from '../../store/sessions.js';
import type { PhaseDefinition } from '../workflow/index.js';

/**
 * What the guardian reads about a session: the task, the phase's rules and the most recent steps,
 * as one JSON document between <session-transcript> tags (a real model reads JSON well, and the
 * simulated guardian parses it). Long texts are cut: the guardian needs the shape of what the
 * agent did, not every byte of it, and its prompt must stay cheap.
 */
export interface TranscriptStep {
  index: number;
  text: string;
  tool_calls: { name: string; input: unknown }[];
  tool_results: { name: string; output: string }[];
  /** Senders of the inbox messages this step's prompt carried. */
  inbox: string[];
}

export interface SessionTranscript {
  task: { title: string; description: string; phase: string; attempt: number };
  phase: { name: string; instructions: string; done_definition: string };
  allowed_tools: string[];
  steps_total: number;
  steps: TranscriptStep[];
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const compact = (value: unknown, max: number) => {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  return cut(text, max);
};

export function transcriptStep(index: number, payload: StepRow['payload'], inboxSenders: string[] = []): TranscriptStep {
  const calls = (payload.toolCalls ?? []) as { toolName?: string; input?: unknown }[];
  const results = (payload.toolResults ?? []) as { toolName?: string; output?: unknown }[];
  return {
    index,
    text: cut(payload.text ?? '', 600),
    // An input that fits is kept as JSON; a longer one becomes its cut text.
    tool_calls: calls.map((call) => ({ name: String(call.toolName), input: JSON.stringify(call.input ?? null).length <= 600 ? (call.input ?? null) : compact(call.input, 600) })),
    tool_results: results.map((result) => ({ name: String(result.toolName), output: compact(result.output, 300) })),
    inbox: inboxSenders,
  };
}

export function renderTranscript(transcript: SessionTranscript): string {
  return `<session-transcript>${JSON.stringify(transcript)}</session-transcript>`;
}

export function transcriptFor(input: {
  task: { title: string; description: string; phase: string; attempt: number };
  phase: PhaseDefinition;
  tools: string[];
  steps: TranscriptStep[];
  transcriptSteps: number;
}): SessionTranscript {
  return {
    task: { ...input.task, description: cut(input.task.description, 1_500) },
    phase: { name: input.phase.name, instructions: cut(input.phase.instructions, 2_000), done_definition: cut(input.phase.done_definition, 1_000) },
    allowed_tools: input.tools,
    steps_total: input.steps.length,
    steps: input.steps.slice(-input.transcriptSteps),
  };
}
