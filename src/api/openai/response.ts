import { randomUUID } from 'node:crypto';
import type { LanguageModelV3FinishReason, LanguageModelV3GenerateResult, LanguageModelV3StreamPart, LanguageModelV3Usage } from '@ai-sdk/provider';

/** AI SDK results → OpenAI Chat Completions bodies and stream chunks. */
export function completionId(): string {
  // randomUUID draws from a buffered pool of entropy; randomBytes asks OpenSSL on every call.
  return `chatcmpl-${randomUUID().replaceAll('-', '')}`;
}

export function finishReasonOf(reason: LanguageModelV3FinishReason | undefined): string {
  switch (reason?.unified) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return 'stop';
  }
}

export function usageOf(usage: LanguageModelV3Usage | undefined) {
  const prompt = usage?.inputTokens.total ?? 0;
  const completion = usage?.outputTokens.total ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.inputTokens.cacheRead ?? 0 },
  };
}

export function completionBody(result: LanguageModelV3GenerateResult, model: string, id = completionId()) {
  let text = '';
  const toolCalls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const part of result.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') toolCalls.push({ id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } });
  }
  return {
    id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: toolCalls.length > 0 && text === '' ? null : text, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        logprobs: null,
        finish_reason: finishReasonOf(result.finishReason),
      },
    ],
    usage: usageOf(result.usage),
  };
}

/**
 * Turns stream parts into chunk objects. Tool calls get an index in order of appearance; a
 * provider that sends a whole `tool-call` without input parts gets it in one chunk.
 */
export function createChunker(model: string, includeUsage: boolean) {
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const toolIndex = new Map<string, number>();
  const streamedInput = new Set<string>();
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id,
    object: 'chat.completion.chunk',
    created,
    model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  });
  const indexOf = (callId: string) => {
    let index = toolIndex.get(callId);
    if (index === undefined) {
      index = toolIndex.size;
      toolIndex.set(callId, index);
    }
    return index;
  };
  return {
    first: () => chunk({ role: 'assistant', content: '' }),
    /** Zero or more chunks for one part. */
    chunks(part: LanguageModelV3StreamPart): object[] {
      switch (part.type) {
        case 'text-delta':
          return part.delta === '' ? [] : [chunk({ content: part.delta })];
        case 'tool-input-start':
          streamedInput.add(part.id);
          return [chunk({ tool_calls: [{ index: indexOf(part.id), id: part.id, type: 'function', function: { name: part.toolName, arguments: '' } }] })];
        case 'tool-input-delta':
          return [chunk({ tool_calls: [{ index: indexOf(part.id), function: { arguments: part.delta } }] })];
        case 'tool-call':
          if (streamedInput.has(part.toolCallId)) return [];
          return [chunk({ tool_calls: [{ index: indexOf(part.toolCallId), id: part.toolCallId, type: 'function', function: { name: part.toolName, arguments: part.input } }] })];
        case 'finish': {
          const out: object[] = [chunk({}, finishReasonOf(part.finishReason))];
          if (includeUsage) out.push({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(part.usage) });
          return out;
        }
        default:
          return [];
      }
    },
  };
}
