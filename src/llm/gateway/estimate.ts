import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';

/**
 * Tokens a call may use, for budget reservations and token pacing before the provider has said:
 * prompt and tool-schema characters / 4 (the usual English rule of thumb) plus the output cap
 * (`maxOutputTokens`, else the configured default). Settled to the provider's count afterwards.
 */
export function estimateInputTokens(params: Pick<LanguageModelV3CallOptions, 'prompt' | 'tools'>): number {
  let characters = 0;
  for (const message of params.prompt) {
    if (typeof message.content === 'string') {
      characters += message.content.length;
      continue;
    }
    for (const part of message.content) {
      if (part.type === 'text' || part.type === 'reasoning') characters += part.text.length;
      else if (part.type === 'tool-call') characters += typeof part.input === 'string' ? part.input.length : JSON.stringify(part.input ?? null).length;
      else if (part.type === 'tool-result') characters += JSON.stringify(part.output ?? null).length;
      else characters += 1_000;
    }
  }
  for (const tool of params.tools ?? []) characters += tool.name.length + (tool.type === 'function' ? JSON.stringify(tool.inputSchema).length + (tool.description?.length ?? 0) : 0);
  return Math.ceil(characters / 4) + 4 * params.prompt.length;
}
