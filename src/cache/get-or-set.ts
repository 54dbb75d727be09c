import type { Redis } from 'ioredis';
import { acquireLock, releaseLock } from './redis-lock.js';
import { jitteredDelay, sleep, type SingleFlight } from './single-flight.js';
import type { CacheGetOrSetOptions, CacheStore } from './store.js';

/** Where a store finds its cross-process lock: the Redis client while Redis serves, else null. */
export interface LockSource {
  client(): Redis | null;
  /** Full Redis key for a lock on this cache key. */
  lockKey(key: string): string;
}

export const defaultLockTimeoutMs = 10_000;
/** How often a process that lost the lock race looks for the winner's value. */
const pollMs = 40;

/**
 * The one getOrSet behind every store: hit → value; miss → single-flight in this process, then,
 * with a lock source, a Redis lock so that one process across the deployment runs the loader while
 * the others poll for its value. Waiting is bounded by the lock timeout; after it, the waiter runs
 * the loader itself (a slow holder costs a second call, never a hang).
 */
export async function getOrSetThrough<T>(
  store: Pick<CacheStore, 'get' | 'set'>,
  flights: SingleFlight,
  key: string,
  loader: () => Promise<T>,
  options: CacheGetOrSetOptions = {},
  locks?: LockSource,
): Promise<T> {
  const hit = await store.get<T>(key);
  if (hit !== undefined) return hit;
  return flights.run(key, async () => {
    const loadAndStore = async (): Promise<T> => {
      const value = await loader();
      if (value !== undefined) await store.set(key, value, { ttlSeconds: options.ttlSeconds, tags: options.tags });
      return value;
    };
    const client = locks?.client();
    if (!client || !locks) return loadAndStore();
    const timeoutMs = options.lockTimeoutMs ?? defaultLockTimeoutMs;
    const lockKey = locks.lockKey(key);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let token: string | null;
      try {
        token = await acquireLock(client, lockKey, timeoutMs);
      } catch {
        return loadAndStore(); // Redis failed: the store has switched (or will) to memory.
      }
      if (token) {
        try {
          const filled = await store.get<T>(key);
          return filled !== undefined ? filled : await loadAndStore();
        } finally {
          await releaseLock(client, lockKey, token);
        }
      }
      await sleep(jitteredDelay(pollMs));
      const value = await store.get<T>(key);
      if (value !== undefined) return value;
      if (Date.now() >= deadline) return loadAndStore();
    }
  });
}
