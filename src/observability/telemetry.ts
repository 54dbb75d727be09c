/**
 * The in-process telemetry channel: core code (worker, agent session, LLM gateway, cache, HTTP
 * hooks, the database seam) emits typed events here and never touches the metrics library;
 * metrics (and anything else that wants to watch) subscribe. One channel per runtime, created in
 * createRuntime, so two runtimes in one process never mix their numbers.
 *
 * This is not the EventBus: the bus carries cross-process "run X has new events" signals from
 * NOTIFY, read back from the events table. Telemetry is local, synchronous and lossy by design:
 * a listener that throws is reported once to `onListenerError` and never breaks the emitter.
 */

/** How one task attempt (one agent session) ended. */
export type TaskOutcome = 'completed' | 'failed' | 'retried' | 'interrupted' | 'crashed';

/** Whether the gateway's response cache answered: `bypass` means the call was not cacheable. */
export type LlmCacheResult = 'hit' | 'miss' | 'bypass';

/**
 * One model call, emitted once per provider call or cache answer (the `llm.call` event). The LLM
 * gateway emits it after the ledger row is known; labels are bounded by the metrics module, so
 * emit raw names here.
 */
export interface LlmCallEvent {
  /** Provider name as configured: `openai`, `anthropic`, `openai-compatible`, `simulated`. */
  provider: string;
  /** The full `provider/model` name as resolved (a dated suffix is fine). */
  model: string;
  /** Prompt kind: `classification`, `extraction`, `summarisation`, `planning`, `code`, `chat`, `agent-step`, `review`. */
  kind: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens?: number;
  cacheWriteTokens?: number;
  /** Dollars this call cost; null for an unpriced (unknown) model, 0 for a cache hit. */
  costUsd: number | null;
  /** Dollars a cache hit saved (the cost the call would have had); 0 otherwise. */
  savedUsd: number;
  cacheResult: LlmCacheResult;
  durationMs: number;
  /** Set when the call failed; a short class name or code, never a prompt. */
  error?: string;
}

export interface TelemetryEvents {
  'llm.call': LlmCallEvent;
  /** An agent session (one task attempt) ended. `phase` is for logs and traces, not a label. */
  'task.finished': { outcome: TaskOutcome; phase: string; durationMs: number };
  'session.started': { phase: string };
  'session.ended': { phase: string };
  /** One agent turn persisted: for trace spans (ids and phases are fine in traces, never in labels). */
  'agent.step': { index: number; toolCalls: number; inputTokens: number; outputTokens: number; durationMs: number };
  /** The guardian steered or stopped a session. */
  'guardian.intervention': { action: 'steer' | 'stop' };
  /** The input inspector found something; `detectOnly` when the request went on anyway. */
  'inspector.rejection': { rule: string; detectOnly: boolean };
  'cache.operation': { backend: 'memory' | 'redis'; operation: string; result: 'hit' | 'miss' | 'ok' | 'error' };
  /** The Redis-with-fallback cache switched: `fallbackActive` while memory serves. */
  'cache.state': { backend: 'redis'; fallbackActive: boolean; reason: string };
  'db.query': { durationMs: number; failed: boolean };
  /** One HTTP response; `route` is the route template, never the raw URL. */
  'http.request': { method: string; route: string; status: number; durationMs: number };
}

export type TelemetryEventName = keyof TelemetryEvents;
export type TelemetryListener<Name extends TelemetryEventName> = (event: TelemetryEvents[Name]) => void;

export interface Telemetry {
  emit<Name extends TelemetryEventName>(name: Name, event: TelemetryEvents[Name]): void;
  /** Subscribes; returns the unsubscribe function. */
  on<Name extends TelemetryEventName>(name: Name, listener: TelemetryListener<Name>): () => void;
  /** True when someone listens: lets an emitter skip building an event nobody reads. */
  observed(name: TelemetryEventName): boolean;
}

export interface TelemetryOptions {
  /** Told about a listener that threw; default: ignore (telemetry must never break the work). */
  onListenerError?: (error: unknown, name: TelemetryEventName) => void;
}

export function createTelemetry({ onListenerError = () => {} }: TelemetryOptions = {}): Telemetry {
  // Arrays replaced on change (copy on write), so emit() iterates without copying.
  const listeners = new Map<TelemetryEventName, ReadonlyArray<(event: never) => void>>();
  return {
    emit(name, event) {
      const current = listeners.get(name);
      if (current === undefined) return;
      for (const listener of current) {
        try {
          (listener as (event: unknown) => void)(event);
        } catch (error) {
          onListenerError(error, name);
        }
      }
    },
    on(name, listener) {
      const entry = listener as (event: never) => void;
      listeners.set(name, [...(listeners.get(name) ?? []), entry]);
      return () => {
        const remaining = (listeners.get(name) ?? []).filter((candidate) => candidate !== entry);
        if (remaining.length === 0) listeners.delete(name);
        else listeners.set(name, remaining);
      };
    },
    observed: (name) => listeners.has(name),
  };
}
