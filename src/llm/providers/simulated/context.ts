import type { LanguageModelV3Prompt, LanguageModelV3ToolResultOutput } from '@ai-sdk/provider';
import { z } from 'zod';
import { isMisbehavingText } from './misbehaviour.js';

/**
 * What the simulated model reads from a prompt: the task context the orchestrator appends to the
 * system prompt, and the history of its own earlier turns. Reading the history (rather than
 * keeping state in the model object) is what lets a session resumed from persisted steps
 * continue where it stopped.
 */

const contextSchema = z.object({
  run_id: z.string(),
  task_id: z.string(),
  attempt: z.number().int().min(1),
  max_attempts: z.number().int().min(1),
  phase: z.string(),
  phases: z.array(z.string()).min(1),
  title: z.string(),
  depth: z.number().int().min(0).default(0),
  max_depth: z.number().int().min(0).default(6),
  result_wanted: z.boolean().default(false),
});

export type AgentContext = z.infer<typeof contextSchema>;

const contextPattern = /<anvil-context>([\s\S]*?)<\/anvil-context>/g;

/** The last well-formed <anvil-context> block in the system messages, or undefined (plain chat). */
export function readAgentContext(prompt: LanguageModelV3Prompt): AgentContext | undefined {
  let found: AgentContext | undefined;
  for (const message of prompt) {
    if (message.role !== 'system') continue;
    for (const match of message.content.matchAll(contextPattern)) {
      try {
        const parsed = contextSchema.safeParse(JSON.parse(match[1]!));
        if (parsed.success) found = parsed.data;
      } catch {
        // A malformed block is ignored, as a model would ignore garbage in its prompt.
      }
    }
  }
  return found;
}

export interface ToolResultRecord {
  toolName: string;
  /** The result as JSON when it parses as JSON, else the raw text. */
  value: unknown;
  isError: boolean;
}

export interface AgentHistory {
  /** Earlier assistant turns: the index of the step about to be taken. */
  step: number;
  /** Earlier turns spent misbehaving on purpose (simulated/misbehaviour.ts); the script skips them. */
  misbehaved: number;
  /** An inbox message (from the guardian or a person) reached the prompt. */
  steered: boolean;
  /** The task's first message carries the note of an attempt that was stopped. */
  stopNote: boolean;
  toolResults: ToolResultRecord[];
}

export function readAgentHistory(prompt: LanguageModelV3Prompt): AgentHistory {
  let step = 0;
  let misbehaved = 0;
  let steered = false;
  let stopNote = false;
  const toolResults: ToolResultRecord[] = [];
  for (const message of prompt) {
    if (message.role === 'assistant') {
      step += 1;
      if (message.content.some((part) => part.type === 'text' && isMisbehavingText(part.text))) misbehaved += 1;
    }
    if (message.role === 'user') {
      for (const part of message.content) {
        if (part.type !== 'text') continue;
        if (part.text.startsWith('[Message from ')) steered = true;
        if (part.text.includes('Note on the previous attempt of this task: stopped by')) stopNote = true;
      }
    }
    const parts = message.role === 'tool' || message.role === 'assistant' ? message.content : [];
    for (const part of parts) {
      if (part.type !== 'tool-result') continue;
      toolResults.push({ toolName: part.toolName, ...readOutput(part.output) });
    }
  }
  return { step, misbehaved, steered, stopNote, toolResults };
}

function readOutput(output: LanguageModelV3ToolResultOutput): { value: unknown; isError: boolean } {
  switch (output.type) {
    case 'json':
      return { value: output.value, isError: false };
    case 'error-json':
      return { value: output.value, isError: true };
    case 'text':
      return { value: parseMaybeJson(output.value), isError: false };
    case 'error-text':
      return { value: parseMaybeJson(output.value), isError: true };
    case 'execution-denied':
      return { value: output.reason, isError: true };
    default:
      return { value: undefined, isError: false };
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The text of the last user message, for plain chat answers. */
export function lastUserText(prompt: LanguageModelV3Prompt): string {
  for (let index = prompt.length - 1; index >= 0; index -= 1) {
    const message = prompt[index]!;
    if (message.role !== 'user') continue;
    return message.content.map((part) => (part.type === 'text' ? part.text : `[${part.mediaType}]`)).join('\n');
  }
  return '';
}
