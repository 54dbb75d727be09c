import type { Redis } from 'ioredis';
import type { Config } from '../config/index.js';
import { createCacheRedisClient } from './client.js';
import { FallbackCacheStore, type FallbackStateListener } from './fallback.js';
import { MemoryCacheStore } from './memory.js';
import { RedisCacheStore } from './redis.js';
import { silentLogger, type CacheLogger, type CacheOperationHook, type CacheStore } from './store.js';

export interface OpenCacheStoreOptions {
  /** Redis connection string; absent means memory only. */
  redisUrl?: string;
  /** Namespace of this deployment in Redis; default `anvil:`. */
  keyPrefix?: string;
  /** Memory store bound (the whole cache without Redis, the fallback with it); default 64 MiB. */
  maxBytes?: number;
  /** Redis command timeout, hence the longest a caller waits before the fallback serves; default 250 ms. */
  timeoutMs?: number;
  /** How long start-up waits for the first connection before starting degraded; default 1 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect and probe backoff (jittered, doubling); defaults 100 ms and 5 000 ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  logger?: CacheLogger;
  onStateChange?: FallbackStateListener;
  onOperation?: CacheOperationHook;
}

/**
 * Memory only without a Redis URL; otherwise Redis with the memory fallback. Never throws because
 * Redis is down: start-up then proceeds degraded and the store switches to Redis once it answers.
 */
export async function openCacheStore({
  redisUrl,
  keyPrefix = 'anvil:',
  maxBytes = 64 * 1024 * 1024,
  timeoutMs = 250,
  connectTimeoutMs = 1_000,
  reconnectMinMs = 100,
  reconnectMaxMs = 5_000,
  logger = silentLogger,
  onStateChange,
  onOperation,
}: OpenCacheStoreOptions = {}): Promise<MemoryCacheStore | FallbackCacheStore> {
  const memory = new MemoryCacheStore({ maxBytes, onOperation });
  if (!redisUrl) return memory;
  const client = createCacheRedisClient({ url: redisUrl, commandTimeoutMs: timeoutMs, connectTimeoutMs, reconnectMinMs, reconnectMaxMs });
  let initialState: 'redis' | 'memory' = 'redis';
  try {
    await client.connect();
  } catch (error) {
    // connect() rejects once; ioredis keeps reconnecting in the background, and the probe notices.
    initialState = 'memory';
    logger.warn({ cache: 'degraded', reason: (error as Error).message }, 'cache: Redis unreachable at start, serving from memory');
  }
  const redis = new RedisCacheStore({ client, keyPrefix, onOperation });
  return new FallbackCacheStore({ redis, memory, initialState, reconnectMinMs, reconnectMaxMs, logger, onStateChange });
}

/** The store's options from the one Config (the runtime adds the logger and metrics hooks). */
export function cacheOptionsFromConfig(config: Pick<Config, 'redis' | 'cache'>): OpenCacheStoreOptions {
  return {
    redisUrl: config.redis.url,
    keyPrefix: config.cache.keyPrefix,
    maxBytes: config.cache.memoryMaxBytes,
    timeoutMs: config.cache.redisTimeoutMs,
    reconnectMinMs: config.cache.reconnectMinMs,
    reconnectMaxMs: config.cache.reconnectMaxMs,
  };
}

/** For /readyz: `degraded` while a configured Redis is not serving (the node still answers 200). */
export function cacheHealth(store: CacheStore): 'ok' | 'degraded' {
  return store instanceof FallbackCacheStore && store.state === 'memory' ? 'degraded' : 'ok';
}

/**
 * The Redis client behind a store, or null (memory only, or degraded). The rate limiter, budget
 * reservations and cross-process locks use it and fall back to local limits on null.
 */
export function cacheRedisClient(store: CacheStore): Redis | null {
  if (store instanceof FallbackCacheStore || store instanceof RedisCacheStore) return store.redisClient();
  return null;
}
