import { ApiError, type ApiClient } from './client.js';
import { createEventStreamParser } from './sse-parser.js';
import type { RunEvent } from './types.js';

/**
 * A run's event stream over fetch (EventSource cannot send the API key header). States:
 * `connecting` → `open` → (`reconnecting` → `open`)* → `ended` (the server sent `end`) or
 * `failed` (the server refused: 4xx). A dropped connection reconnects with Last-Event-ID, so no
 * event is lost or repeated; the wait's ceiling doubles from the server's `retry` (2 s) up to 30 s,
 * and the wait is drawn between half the `retry` and that ceiling, so a restarted server is not
 * met by every dashboard at the same instant.
 */
export type StreamState = 'connecting' | 'open' | 'reconnecting' | 'ended' | 'failed';

export interface RunEventStreamOptions {
  client: ApiClient;
  runId: string;
  /** Resume after this seq (0: from the first event). */
  afterSeq: number;
  onEvents: (events: RunEvent[]) => void;
  onState?: (state: StreamState, detail?: string) => void;
  onEnd?: (status: string) => void;
  /** Longest wait between reconnects. */
  maxDelayMs?: number;
  random?: () => number;
  fetch?: typeof fetch;
}

export interface RunEventStream {
  close(): void;
}

export function openRunEventStream({
  client,
  runId,
  afterSeq,
  onEvents,
  onState = () => {},
  onEnd = () => {},
  maxDelayMs = 30_000,
  random = Math.random,
  fetch: fetchFunction = (...args) => fetch(...args),
}: RunEventStreamOptions): RunEventStream {
  const controller = new AbortController();
  let lastSeq = afterSeq;
  let retryMs = 2_000;
  let failures = 0;

  const connectOnce = async (): Promise<'ended' | 'dropped'> => {
    const response = await fetchFunction(`${client.baseUrl}/api/v1/runs/${encodeURIComponent(runId)}/events`, {
      headers: { accept: 'text/event-stream', ...client.headers(), ...(lastSeq > 0 ? { 'last-event-id': String(lastSeq) } : {}) },
      signal: controller.signal,
    });
    if (!response.ok || !response.body) {
      const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      throw new ApiError({ status: response.status, code: body?.error?.code ?? `HTTP_${response.status}`, message: body?.error?.message ?? 'event stream refused' });
    }
    onState('open');
    failures = 0;
    let ended = false;
    let batch: RunEvent[] = [];
    const parser = createEventStreamParser({
      onRetry: (milliseconds) => {
        retryMs = milliseconds;
      },
      onEvent: (event) => {
        if (event.event === 'end') {
          ended = true;
          onEnd((JSON.parse(event.data) as { status: string }).status);
          return;
        }
        const parsed = JSON.parse(event.data) as RunEvent;
        if (parsed.seq <= lastSeq) return;
        lastSeq = parsed.seq;
        batch.push(parsed);
      },
    });
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.feed(value);
      // One callback per network chunk: the page batches its renders per frame anyway.
      if (batch.length > 0) {
        const delivered = batch;
        batch = [];
        onEvents(delivered);
      }
      if (ended) {
        await reader.cancel().catch(() => {});
        return 'ended';
      }
    }
    return 'dropped';
  };

  const loop = async () => {
    onState('connecting');
    while (!controller.signal.aborted) {
      try {
        if ((await connectOnce()) === 'ended') {
          onState('ended');
          return;
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
          onState('failed', error.message);
          return;
        }
      }
      if (controller.signal.aborted) return;
      failures += 1;
      const ceiling = Math.min(maxDelayMs, retryMs * 2 ** Math.min(failures - 1, 10));
      const delay = retryMs / 2 + random() * Math.max(0, ceiling - retryMs / 2);
      onState('reconnecting', `reconnecting in ${Math.round(delay / 1000)} s`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        controller.signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };
  void loop();

  return { close: () => controller.abort() };
}
