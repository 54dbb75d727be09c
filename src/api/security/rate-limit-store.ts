/**
 * The rate limiter's counter store: Redis (the cache layer's client) when one is configured and
 * serving, so every API node shares one count per key; memory otherwise, and whenever a Redis
 * call fails — the limit then holds per process until Redis is back, rather than failing open or
 * failing every request. A fixed window per key: INCR, and PEXPIRE on the first hit.
 */
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

type Callback = (error: Error | null, result: { current: number; ttl: number } | null) => void;

export interface RateLimitStoreOptions {
  /** The Redis client to use now, or null (no Redis configured, or the cache is degraded). */
  redis: () => Redis | null;
  /** Namespace in Redis; default `anvil:ratelimit:`. */
  keyPrefix?: string;
  /** Bound on keys counted in memory; default 100 000 (the least recently seen go first). */
  maxMemoryKeys?: number;
}

// Fixed window: the first hit of a window sets its expiry; later hits read the time left.
const incrementScript = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {current, ttl}`;

type CountingClient = Redis & { anvilRateLimit(key: string, windowMs: number): Promise<[number, number]> };
// defineCommand sends EVALSHA (loading the script once) instead of the whole script per request.
const clientsWithScript = new WeakSet<Redis>();

function withScript(client: Redis): CountingClient {
  if (!clientsWithScript.has(client)) {
    client.defineCommand('anvilRateLimit', { numberOfKeys: 1, lua: incrementScript });
    clientsWithScript.add(client);
  }
  return client as CountingClient;
}

interface Window {
  count: number;
  resetAt: number;
}

/** The class @fastify/rate-limit instantiates (`store` option); built per server. */
export function createRateLimitStore({ redis, keyPrefix = 'anvil:ratelimit:', maxMemoryKeys = 100_000 }: RateLimitStoreOptions) {
  const windows = new LRUCache<string, Window>({ max: maxMemoryKeys });

  function incrementInMemory(key: string, timeWindow: number): { current: number; ttl: number } {
    const now = Date.now();
    let window = windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + timeWindow };
      windows.set(key, window);
    }
    window.count += 1;
    return { current: window.count, ttl: window.resetAt - now };
  }

  return class AnvilRateLimitStore {
    constructor(_options?: unknown, private readonly routeKey = '') {}

    incr(key: string, callback: Callback, timeWindow: number): void {
      const fullKey = `${this.routeKey}${key}`;
      const client = redis();
      if (!client) {
        callback(null, incrementInMemory(fullKey, timeWindow));
        return;
      }
      withScript(client).anvilRateLimit(`${keyPrefix}${fullKey}`, timeWindow).then(
        ([current, ttl]) => callback(null, { current: Number(current), ttl: Number(ttl) }),
        () => callback(null, incrementInMemory(fullKey, timeWindow)),
      );
    }

    child(routeOptions: { routeInfo: { method?: string; url?: string } }): AnvilRateLimitStore {
      return new AnvilRateLimitStore(undefined, `${this.routeKey}${routeOptions.routeInfo.method ?? ''}${routeOptions.routeInfo.url ?? ''}:`);
    }
  };
}
