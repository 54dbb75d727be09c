export type {
  CacheBackend,
  CacheGetOrSetOptions,
  CacheIncrOptions,
  CacheLogger,
  CacheOperation,
  CacheOperationHook,
  CacheOperationResult,
  CacheSetOptions,
  CacheStore,
} from './store.js';
export { silentLogger } from './store.js';
export { decodeValue, encodeValue } from './codec.js';
export { MemoryCacheStore, type MemoryCacheStoreOptions } from './memory.js';
export { RedisCacheStore, isCacheUnavailable, type RedisCacheStoreOptions } from './redis.js';
export { FallbackCacheStore, type FallbackCacheStoreOptions, type FallbackState, type FallbackStateListener } from './fallback.js';
export { createCacheRedisClient, reconnectDelay, type CacheRedisClientOptions } from './client.js';
export { openCacheStore, cacheOptionsFromConfig, cacheHealth, cacheRedisClient, type OpenCacheStoreOptions } from './open.js';
export { createSingleFlight, type SingleFlight } from './single-flight.js';
export { acquireLock, releaseLock } from './redis-lock.js';
export { cached } from './cached.js';
export { cachedMethod } from './decorator.js';
export { createCachedCall, argumentsKey, type CachedOptions } from './cached-call.js';
export { readThrough, type ReadThroughOptions } from './read-through.js';
export { cacheStrategies, resolveStrategy, jitterTtl, type CacheStrategy, type CacheStrategyName } from './strategies.js';
