import type { LanguageModelV3Usage } from '@ai-sdk/provider';
import { createSeededRandom } from './random.js';

/**
 * Token counts for one simulated call: the configured base with up to ±10 % seeded jitter, so
 * ledgers and dollar caps see plausible, varying but reproducible numbers.
 */
export function simulatedUsage(options: { seed: number; requestKey: string; inputTokens: number; outputTokens: number }): LanguageModelV3Usage {
  const random = createSeededRandom(options.seed, 'usage', options.requestKey);
  const input = jitter(options.inputTokens, random.next());
  const output = jitter(options.outputTokens, random.next());
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

/** base × (0.9 … 1.1), at least 1. */
export function jitter(base: number, unit: number): number {
  return Math.max(1, Math.round(base * (0.9 + unit * 0.2)));
}

/** Waits `milliseconds`, rejecting with the signal's reason as soon as it aborts. */
export function waitFor(milliseconds: number, signal: AbortSignal | undefined): Promise<void> {
  signal?.throwIfAborted();
  if (milliseconds <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new DOMException('The operation was aborted.', 'AbortError'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
