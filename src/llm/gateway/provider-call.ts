import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { AnvilError } from '../../errors.js';
import type { BreakerRegistry } from './breaker.js';
import type { Pacer } from './pacer.js';
import { AttemptTimeoutError, judgeFailure, retryDelayMs, sleep, type RetryPolicy } from './retry.js';

/**
 * The provider leg of the pipeline: for each candidate model in order (the requested one, then
 * its fallbacks), skip it while its breaker is open, wait for a pacing slot, call it with a
 * per-attempt timeout, and retry provider faults with backoff. A bad request (400, 401, …) is
 * thrown at once: another model would refuse it too. When every candidate has failed, the last
 * provider error is thrown (its status tells an HTTP client what happened).
 */
export interface Candidate {
  name: string;
  provider: string;
  model: LanguageModelV3;
}

export interface ProviderCallOptions {
  candidates: readonly Candidate[];
  params: LanguageModelV3CallOptions;
  breakers: BreakerRegistry;
  pacer: (provider: string) => Pacer;
  retry: RetryPolicy & { timeoutMs: number };
  estimatedTokens: number;
  random?: () => number;
}

export interface ProviderCallResult<T> {
  result: T;
  candidate: Candidate;
  /** Failed attempts before the one that answered. */
  retries: number;
  /** Stops forwarding the caller's abort to the attempt (done already unless `keepLinked`). */
  unlink(): void;
}

export async function callProvider<T>(
  options: ProviderCallOptions,
  invoke: (model: LanguageModelV3, params: LanguageModelV3CallOptions) => PromiseLike<T>,
  { keepLinked = false }: { keepLinked?: boolean } = {},
): Promise<ProviderCallResult<T>> {
  const { candidates, params, breakers, retry } = options;
  const callerSignal = params.abortSignal;
  let lastError: unknown;
  let retries = 0;
  for (const candidate of candidates) {
    const breaker = breakers.for(candidate.name);
    for (let attempt = 0; ; attempt++) {
      if (!breaker.tryAcquire()) {
        lastError ??= new AnvilError('PROVIDER_UNAVAILABLE', `circuit open for ${candidate.name}: it failed repeatedly and is cooling down`, { model: candidate.name });
        break;
      }
      const release = await options.pacer(candidate.provider).acquire(options.estimatedTokens, callerSignal);
      // One signal per attempt, aborted by the caller or by a timer that is cleared once the call
      // answers (or its stream starts), so a long stream is not cut. Linked by hand rather than
      // with AbortSignal.any, which cost more than the rest of this function per call.
      const attemptAbort = new AbortController();
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        attemptAbort.abort(new AttemptTimeoutError(retry.timeoutMs));
      }, retry.timeoutMs);
      const forwardAbort = () => attemptAbort.abort(callerSignal?.reason);
      callerSignal?.addEventListener('abort', forwardAbort, { once: true });
      if (callerSignal?.aborted) forwardAbort();
      const unlink = () => callerSignal?.removeEventListener('abort', forwardAbort);
      let result: T;
      try {
        result = await invoke(candidate.model, { ...params, abortSignal: attemptAbort.signal });
      } catch (caught) {
        clearTimeout(timer);
        unlink();
        release();
        if (callerSignal?.aborted) {
          breaker.release();
          throw caught;
        }
        const error = timedOut ? new AttemptTimeoutError(retry.timeoutMs) : caught;
        const verdict = judgeFailure(error);
        if (!verdict.providerFault) {
          breaker.release();
          throw error;
        }
        breaker.recordFailure();
        lastError = error;
        retries += 1;
        const delay = retryDelayMs(retry, attempt + 1, verdict, options.random);
        if (delay === undefined || breaker.state === 'open') break;
        await sleep(delay, callerSignal);
        continue;
      }
      clearTimeout(timer);
      // For a stream the slot is freed once the stream has started (the provider accepted it).
      release();
      breaker.recordSuccess();
      // A finished answer needs the caller's signal no more; a stream still flowing does, until
      // its consumer calls unlink (a long-lived caller signal would otherwise collect listeners).
      if (!keepLinked) unlink();
      return { result, candidate, retries, unlink };
    }
  }
  throw lastError ?? new AnvilError('PROVIDER_UNAVAILABLE', 'no model to call');
}
