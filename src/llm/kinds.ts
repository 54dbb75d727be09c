import type { LanguageModelV3CallOptions, LanguageModelV3Prompt } from '@ai-sdk/provider';

/**
 * Prompt kinds decide how long a cached answer may be served (gateway.cache.ttlSeconds). A
 * caller may tag a call's kind; otherwise these deterministic rules look at the call's messages
 * and tools — cheap string tests, no model call, so the same request always gets the same kind
 * (which keeps the cache key and the TTL stable). Rules in order, first match wins:
 *
 *   agent-step      the call offers tools (an agent deciding its next action)
 *   guardian        never by rule: the guardian tags its reviews so their spend is reported apart
 *   extraction      a JSON response format, or "extract" / "parse" / "fill in" wording
 *   classification  "classify" / "categorize" / "label" / "sentiment" / "which category" wording
 *   summarisation   "summarize" / "summarise" / "tl;dr" / "condense" wording
 *   code            a code fence, or "write a function" / "refactor" / "implement" / "fix the bug" wording
 *   planning        "plan" / "steps to" / "break down" / "roadmap" wording
 *   chat            anything else
 *
 * `review` (a reviewer's verdict on a task or a run's result) is only ever a caller's tag.
 *
 * Only the system prompt and the last user message are read: earlier turns describe the history,
 * the last turn says what is wanted now.
 */
export const promptKinds = ['classification', 'extraction', 'summarisation', 'planning', 'code', 'chat', 'agent-step', 'review', 'guardian'] as const;
export type PromptKind = (typeof promptKinds)[number];

export function isPromptKind(value: unknown): value is PromptKind {
  return typeof value === 'string' && (promptKinds as readonly string[]).includes(value);
}

const rules: ReadonlyArray<readonly [PromptKind, RegExp]> = [
  ['extraction', /\b(extract|parse|fill in|pull out)\b/i],
  ['classification', /\b(classify|categori[sz]e|label|sentiment|which category)\b/i],
  ['summarisation', /\b(summari[sz]e|summary|tl;dr|condense)\b/i],
  ['code', /```|\b(write a function|refactor|implement|fix the bug|unit test)\b/i],
  ['planning', /\b(plan|steps to|break (it |this )?down|roadmap)\b/i],
];

export function classifyPrompt(call: Pick<LanguageModelV3CallOptions, 'prompt' | 'tools' | 'responseFormat'>): PromptKind {
  if (call.tools && call.tools.length > 0) return 'agent-step';
  if (call.responseFormat?.type === 'json') return 'extraction';
  const text = instructionText(call.prompt);
  for (const [kind, pattern] of rules) if (pattern.test(text)) return kind;
  return 'chat';
}

function instructionText(prompt: LanguageModelV3Prompt): string {
  const parts: string[] = [];
  for (const message of prompt) if (message.role === 'system') parts.push(message.content);
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index]!;
    if (message.role !== 'user') continue;
    for (const part of message.content) if (part.type === 'text') parts.push(part.text);
    break;
  }
  return parts.join('\n');
}
