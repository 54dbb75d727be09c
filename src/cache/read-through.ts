import { AnvilError, isAnvilError, type ErrorCode } from '../errors.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';
import { jitterTtl, type CacheStrategy } from './strategies.js';
import type { CacheStore } from './store.js';

/**
 * What `cached()` stores: the value and when it stops being fresh. `n` marks a remembered "not
 * found": 1 for a loader that returned undefined, or the 404 error it threw, rebuilt on each hit.
 */
interface Envelope {
  v?: unknown;
  f: number;
  n?: 1 | { code: string; message: string; details?: Record<string, unknown> };
}

export interface ReadThroughOptions {
  strategy: CacheStrategy;
  tags?: readonly string[];
  /** Called when a background refresh fails (the stale value stays served until it expires). */
  onRefreshError?: (error: unknown, key: string) => void;
  now?: () => number;
  random?: () => number;
}

// Refreshes are single-flighted per store, across every cached function that shares the store.
const refreshFlights = new WeakMap<CacheStore, SingleFlight>();

/**
 * Read-through with the strategy's semantics. A miss goes through `store.getOrSet`, so concurrent
 * misses (and, on Redis, concurrent processes) run the loader once. A hit past freshness but
 * inside the stale window returns the stale value and starts one background refresh. A remembered
 * "not found" answers undefined, or rethrows the 404, until its negative TTL passes.
 */
export async function readThrough<T>(store: CacheStore, key: string, loader: () => Promise<T>, options: ReadThroughOptions): Promise<T> {
  const { strategy, tags, now = Date.now, random = Math.random } = options;
  const negative = strategy.negativeTtlSeconds > 0;

  const load = async (): Promise<{ envelope: Envelope | undefined; ttlSeconds: number }> => {
    const freshSeconds = jitterTtl(strategy.ttlSeconds, strategy.jitterRatio, random);
    const ttlSeconds = freshSeconds + strategy.staleSeconds;
    try {
      const value = await loader();
      if (value === undefined) {
        return negative ? { envelope: { n: 1, f: now() + strategy.negativeTtlSeconds * 1000 }, ttlSeconds: strategy.negativeTtlSeconds } : { envelope: undefined, ttlSeconds };
      }
      return { envelope: { v: value, f: now() + freshSeconds * 1000 }, ttlSeconds };
    } catch (error) {
      if (!negative || !isAnvilError(error) || error.statusCode !== 404) throw error;
      const n = { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) };
      return { envelope: { n, f: now() + strategy.negativeTtlSeconds * 1000 }, ttlSeconds: strategy.negativeTtlSeconds };
    }
  };

  const refresh = (): Promise<Envelope | undefined> => {
    let flights = refreshFlights.get(store);
    if (!flights) refreshFlights.set(store, (flights = createSingleFlight()));
    return flights.run(key, async () => {
      const { envelope, ttlSeconds } = await load();
      if (envelope) await store.set(key, envelope, { ttlSeconds, tags });
      return envelope;
    });
  };

  // getOrSet takes one TTL before the loader runs; a negative envelope's shorter life is kept by `f`.
  const positiveTtl = strategy.ttlSeconds + strategy.staleSeconds;
  let envelope = await store.getOrSet<Envelope | undefined>(key, async () => (await load()).envelope, { ttlSeconds: positiveTtl, tags });
  if (envelope && envelope.f <= now()) {
    if (envelope.n || strategy.staleSeconds === 0) envelope = await refresh();
    else {
      refresh().catch((error: unknown) => options.onRefreshError?.(error, key));
    }
  }
  return unwrap<T>(envelope);
}

function unwrap<T>(envelope: Envelope | undefined): T {
  if (!envelope || envelope.n === 1) return undefined as T;
  if (envelope.n) throw new AnvilError(envelope.n.code as ErrorCode, envelope.n.message, envelope.n.details);
  return envelope.v as T;
}
