import type { Database } from '../../store/database.js';
import { isDatabaseUnavailable } from '../../store/unavailable.js';
import { insertLlmCalls, type LlmCallRow } from '../../store/llm-calls.js';
import type { PromptKind } from '../kinds.js';

/**
 * The cost ledger: every gateway call becomes an llm_calls row. Rows are queued in memory and
 * written in batches off the hot path — every `flushIntervalMs` (jittered), or at once when
 * `batchSize` rows wait — and flushed on close. A process killed with kill -9 loses at most the
 * rows of the last interval (docs/operations.md); budgets do not depend on them, because the
 * reservations that enforce budgets live in memory or Redis.
 *
 * Listeners (`onCall`) hear of each call synchronously, before it is written: metrics and the
 * telemetry channel subscribe here.
 */
/** A ledger row's kind: a prompt kind, or `embedding` for embedding calls (src/llm/embeddings). */
export type LedgerKind = PromptKind | 'embedding';

export interface LlmCallRecord {
  runId?: string;
  taskId?: string;
  sessionId?: string;
  tenant: string;
  provider: string;
  model: string;
  kind: LedgerKind;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  /** Null for a model the price table does not know: counted, never a silent $0. */
  costUsd: number | null;
  savedUsd: number;
  cacheHit: boolean;
  cacheResult: 'hit' | 'miss' | 'bypass';
  /** The TTL the answer was (or would have been) cached with; null when not cacheable. */
  ttlSeconds: number | null;
  latencyMs: number;
  error?: string;
  createdAt: Date;
}

export interface LedgerOptions {
  db: Database;
  /** Longest a row waits before it is written; default 1 000 ms. */
  flushIntervalMs?: number;
  /** Rows per INSERT; a full batch is written at once; default 500. */
  batchSize?: number;
  onError?: (error: unknown, rows: number) => void;
}

export interface Ledger {
  record(call: LlmCallRecord): void;
  onCall(listener: (call: LlmCallRecord) => void): () => void;
  /** Writes everything queued; resolves when it is in the database. */
  flush(): Promise<void>;
  /** Rows queued and not yet written. */
  readonly pending: number;
  close(): Promise<void>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuidOrNull = (value: string | undefined) => (value && uuidPattern.test(value) ? value : null);

export function toLedgerRow(call: LlmCallRecord): LlmCallRow {
  return {
    run_id: uuidOrNull(call.runId),
    task_id: uuidOrNull(call.taskId),
    session_id: uuidOrNull(call.sessionId),
    tenant: call.tenant,
    provider: call.provider,
    model: call.model,
    kind: call.kind,
    tokens_input: call.inputTokens,
    tokens_output: call.outputTokens,
    tokens_cache_read: call.cacheReadTokens,
    tokens_cache_write: call.cacheWriteTokens,
    cost_usd: call.costUsd,
    saved_usd: call.savedUsd,
    cache_hit: call.cacheHit,
    cache_ttl_seconds: call.ttlSeconds,
    latency_ms: Math.round(call.latencyMs),
    error: call.error ? call.error.slice(0, 2_000) : null,
    created_at: call.createdAt.toISOString(),
  };
}

/** Batches kept in memory while the database is unreachable (500 × 20: 10,000 calls). */
const retainedBatches = 20;

export function createLedger({ db, flushIntervalMs = 1_000, batchSize = 500, onError = () => {} }: LedgerOptions): Ledger {
  let queue: LlmCallRow[] = [];
  /** Rows of flushes that failed because the database was unreachable; written first, in order. */
  let retry: LlmCallRow[] = [];
  let listeners: ReadonlyArray<(call: LlmCallRecord) => void> = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  let closed = false;

  const write = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (queue.length === 0 && retry.length === 0) return writing;
    const rows = [...retry, ...queue];
    const batches: LlmCallRow[][] = [];
    for (let start = 0; start < rows.length; start += batchSize) batches.push(rows.slice(start, start + batchSize));
    queue = [];
    retry = [];
    // Writes are chained so batches commit in order and flush() can wait for all of them.
    writing = writing.then(async () => {
      for (const [index, batch] of batches.entries()) {
        try {
          await insertLlmCalls(db, batch);
        } catch (error) {
          if (!closed && isDatabaseUnavailable(error)) {
            // The database is down or restarting: keep the rows, oldest first, and try again at
            // the next flush. Bounded, so an outage longer than the buffer loses the oldest rows
            // (reported) instead of growing without limit.
            retry.push(...batches.slice(index).flat());
            const overflow = retry.length - batchSize * retainedBatches;
            if (overflow > 0) onError(error, retry.splice(0, overflow).length);
            schedule();
            return;
          }
          onError(error, batch.length);
        }
      }
    });
    return writing;
  };

  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => void write(), Math.round(flushIntervalMs * (0.8 + Math.random() * 0.4)));
    timer.unref();
  };

  return {
    record(call) {
      for (const listener of listeners) {
        try {
          listener(call);
        } catch {
          // A listener must never break the call it watches.
        }
      }
      queue.push(toLedgerRow(call));
      if (queue.length >= batchSize) void write();
      else schedule();
    },
    onCall(listener) {
      listeners = [...listeners, listener];
      return () => {
        listeners = listeners.filter((candidate) => candidate !== listener);
      };
    },
    flush: write,
    get pending() {
      return retry.length + queue.length;
    },
    async close() {
      closed = true;
      await write();
    },
  };
}
