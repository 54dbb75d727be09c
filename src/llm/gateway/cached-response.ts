import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
} from '@ai-sdk/provider';

/**
 * One cached answer, in one form for both call styles: a generate call stores its content, a
 * streamed call stores the content its parts add up to. Either is served back as either — a hit
 * for a streamed call is replayed as a stream (text and tool-call parts in their original order).
 */
export interface CachedResponse {
  content: LanguageModelV3Content[];
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
  providerMetadata?: SharedV3ProviderMetadata;
  responseId?: string;
  responseModelId?: string;
  /** The `provider/model` that answered (a fallback may have). */
  model: string;
  provider: string;
  /** What the original call cost; a hit saves this much. */
  costUsd: number | null;
  createdAt: number;
}

export function generateResultFrom(entry: CachedResponse, headers: Record<string, string>): LanguageModelV3GenerateResult {
  return {
    content: entry.content,
    finishReason: entry.finishReason,
    usage: entry.usage,
    providerMetadata: entry.providerMetadata,
    response: { id: entry.responseId, modelId: entry.responseModelId, headers },
    warnings: [],
  };
}

export function replayParts(entry: CachedResponse): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [{ type: 'stream-start', warnings: [] }];
  parts.push({ type: 'response-metadata', id: entry.responseId, modelId: entry.responseModelId });
  entry.content.forEach((item, index) => {
    const id = String(index);
    if (item.type === 'text' || item.type === 'reasoning') {
      const kind = item.type;
      parts.push({ type: `${kind}-start`, id }, { type: `${kind}-delta`, id, delta: item.text }, { type: `${kind}-end`, id });
    } else if (item.type === 'tool-call') {
      parts.push(
        { type: 'tool-input-start', id: item.toolCallId, toolName: item.toolName },
        { type: 'tool-input-delta', id: item.toolCallId, delta: item.input },
        { type: 'tool-input-end', id: item.toolCallId },
        item,
      );
    } else {
      parts.push(item as LanguageModelV3StreamPart);
    }
  });
  parts.push({ type: 'finish', usage: entry.usage, finishReason: entry.finishReason, providerMetadata: entry.providerMetadata });
  return parts;
}

export function streamOf(parts: readonly LanguageModelV3StreamPart[]): ReadableStream<LanguageModelV3StreamPart> {
  let index = 0;
  return new ReadableStream({
    pull(controller) {
      if (index < parts.length) controller.enqueue(parts[index++]!);
      else controller.close();
    },
  });
}

export interface StreamOutcome {
  /** Present when the stream finished cleanly; absent after an error part or a broken stream. */
  response?: Omit<CachedResponse, 'model' | 'provider' | 'costUsd' | 'createdAt'>;
  error?: unknown;
  /** Whether any content reached the consumer (after which a failure cannot be retried). */
  started: boolean;
}

/**
 * Passes a provider stream through unchanged while adding up its parts; `onEnd` learns how it
 * ended — finished (with the whole answer, for the cache and the ledger), failed, or cancelled.
 */
export function observeStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  onEnd: (outcome: StreamOutcome) => void,
): ReadableStream<LanguageModelV3StreamPart> {
  const content: LanguageModelV3Content[] = [];
  const open = new Map<string, { type: 'text' | 'reasoning'; text: string }>();
  let responseId: string | undefined;
  let responseModelId: string | undefined;
  let finish: Extract<LanguageModelV3StreamPart, { type: 'finish' }> | undefined;
  let error: unknown;
  let started = false;
  let ended = false;
  const end = (outcome: StreamOutcome) => {
    if (ended) return;
    ended = true;
    onEnd(outcome);
  };
  const observe = (part: LanguageModelV3StreamPart) => {
    switch (part.type) {
      case 'text-start':
      case 'reasoning-start': {
        const item = { type: part.type === 'text-start' ? ('text' as const) : ('reasoning' as const), text: '' };
        open.set(`${item.type}:${part.id}`, item);
        content.push(item);
        break;
      }
      case 'text-delta':
      case 'reasoning-delta': {
        const item = open.get(`${part.type === 'text-delta' ? 'text' : 'reasoning'}:${part.id}`);
        if (item) item.text += part.delta;
        started = true;
        break;
      }
      case 'tool-call':
      case 'tool-result':
      case 'file':
      case 'source':
        content.push(part as LanguageModelV3Content);
        started = true;
        break;
      case 'response-metadata':
        responseId = part.id ?? responseId;
        responseModelId = part.modelId ?? responseModelId;
        break;
      case 'finish':
        finish = part;
        break;
      case 'error':
        error ??= part.error;
        break;
    }
  };
  // A reader loop rather than pipeThrough: a source that errors (a connection cut mid-stream)
  // must be seen here too, and a transformer's flush never runs in that case.
  const reader = stream.getReader();
  return new ReadableStream<LanguageModelV3StreamPart>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (caught) {
        end({ started, error: caught });
        controller.error(caught);
        return;
      }
      if (next.done) {
        if (finish && error === undefined) {
          end({ started, response: { content, finishReason: finish.finishReason, usage: finish.usage, providerMetadata: finish.providerMetadata, responseId, responseModelId } });
        } else {
          end({ started, error: error ?? new Error('stream ended without a finish part') });
        }
        controller.close();
        return;
      }
      observe(next.value);
      controller.enqueue(next.value);
    },
    async cancel(reason) {
      end({ started, error: reason ?? new Error('stream cancelled by the consumer') });
      await reader.cancel(reason).catch(() => {});
    },
  });
}
