import { APICallError } from '@ai-sdk/provider';

/**
 * Which provider failures are worth another attempt, and how long to wait first. Retried: 408,
 * 429, 5xx, our own per-attempt timeout and connection failures (resets, refused). Never
 * retried: 400, 401, 403, 404, 422 — the same request would fail the same way — and a call its
 * caller aborted. A `retry-after` (seconds or HTTP date) or `retry-after-ms` header is honoured;
 * otherwise exponential backoff with full jitter over the upper half (so a burst of agents that
 * failed together does not retry together).
 */
export interface RetryPolicy {
  maxRetries: number;
  baseMs: number;
  maxMs: number;
  /** Longer retry-after values are not waited for: the call moves on to a fallback model. */
  maxRetryAfterMs: number;
}

export interface FailureVerdict {
  /** Another attempt may succeed. */
  retryable: boolean;
  /** The provider's fault (counts against its breaker), as opposed to the request's. */
  providerFault: boolean;
  status?: number;
  retryAfterMs?: number;
}

export class AttemptTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`provider did not answer within ${timeoutMs} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export function judgeFailure(error: unknown): FailureVerdict {
  if (error instanceof AttemptTimeoutError) return { retryable: true, providerFault: true };
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const retryAfterMs = retryAfter(error.responseHeaders);
    if (status === undefined) return { retryable: error.isRetryable, providerFault: true };
    if (status === 408 || status === 429 || status >= 500) return { retryable: true, providerFault: true, status, retryAfterMs };
    return { retryable: false, providerFault: false, status };
  }
  const code = (error as { cause?: { code?: string }; code?: string })?.cause?.code ?? (error as { code?: string })?.code;
  if (code && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT)$/.test(code)) {
    return { retryable: true, providerFault: true };
  }
  if (error instanceof TypeError && /fetch failed|terminated/i.test(error.message)) return { retryable: true, providerFault: true };
  return { retryable: false, providerFault: false };
}

/** Milliseconds from `retry-after-ms`, or `retry-after` in seconds or as an HTTP date. */
export function retryAfter(headers: Record<string, string> | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const milliseconds = Number(headers['retry-after-ms']);
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  const value = headers['retry-after'];
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Delay before retry number `retry` (1-based), or undefined when no retry should be made. */
export function retryDelayMs(policy: RetryPolicy, retry: number, verdict: FailureVerdict, random: () => number = Math.random): number | undefined {
  if (!verdict.retryable || retry > policy.maxRetries) return undefined;
  if (verdict.retryAfterMs !== undefined) {
    if (verdict.retryAfterMs > policy.maxRetryAfterMs) return undefined;
    // A little jitter on top, never below what the provider asked for.
    return Math.round(verdict.retryAfterMs + random() * Math.min(250, policy.baseMs));
  }
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
