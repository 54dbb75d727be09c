import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../test/helpers/services.js';
import { createCacheRedisClient } from './client.js';
import { FallbackCacheStore } from './fallback.js';
import { MemoryCacheStore } from './memory.js';
import { cacheHealth, cacheRedisClient, openCacheStore } from './open.js';
import { RedisCacheStore } from './redis.js';
import { startPrivateRedis, type PrivateRedis } from './testing/private-redis.js';
import { describeCacheStoreContract } from './testing/store-contract.js';

const url = redisUrl();

if (url) {
  describeCacheStoreContract('fallback (Redis serving)', async () => {
    const store = await openCacheStore({ redisUrl: url, keyPrefix: `anvil-test:${randomUUID()}:`, timeoutMs: 1_000 });
    expect(store.backend).toBe('fallback');
    expect((store as FallbackCacheStore).state).toBe('redis');
    return store;
  });

  describe('fallback store while degraded', () => {
    let redis: PrivateRedis;
    beforeAll(async () => {
      redis = await startPrivateRedis();
      await redis.stop();
    });

    describeCacheStoreContract('fallback (Redis down, memory serving)', async () => {
      const store = await openCacheStore({ redisUrl: redis.url, timeoutMs: 100, connectTimeoutMs: 200, reconnectMinMs: 5_000, reconnectMaxMs: 10_000 });
      expect((store as FallbackCacheStore).state).toBe('memory');
      return store;
    });

    it('starts degraded without throwing when Redis is down at start, and moves to Redis once it answers', async () => {
      const lines: string[] = [];
      const logger = { info: (_: object, message: string) => lines.push(message), warn: (_: object, message: string) => lines.push(message) };
      const store = (await openCacheStore({ redisUrl: redis.url, timeoutMs: 100, connectTimeoutMs: 200, reconnectMinMs: 50, reconnectMaxMs: 200, logger })) as FallbackCacheStore;
      try {
        expect(store.state).toBe('memory');
        expect(cacheHealth(store)).toBe('degraded');
        expect(cacheRedisClient(store)).toBeNull();
        await store.set('written-while-down', 1);
        await redis.start();
        await expect.poll(() => store.state, { timeout: 5_000, interval: 20 }).toBe('redis');
        expect(cacheHealth(store)).toBe('ok');
        expect(cacheRedisClient(store)).not.toBeNull();
        expect(await store.get('written-while-down')).toBeUndefined();
        expect(lines).toEqual(['cache: Redis unreachable at start, serving from memory', 'cache: Redis is back, memory fallback cleared']);
      } finally {
        await store.close();
        await redis.stop();
      }
    });
  });

  describe('fallback store errors', () => {
    const prefix = `anvil-test:${randomUUID()}:`;
    const client = createCacheRedisClient({ url, commandTimeoutMs: 1_000 });
    const store = new FallbackCacheStore({ redis: new RedisCacheStore({ client, keyPrefix: prefix }), memory: new MemoryCacheStore() });
    beforeAll(() => client.connect());
    afterAll(() => store.close());

    it('raises a caller mistake from Redis instead of hiding it behind the fallback', async () => {
      await store.set('text', 'abc');
      await expect(store.incr('text')).rejects.toMatchObject({ code: 'CACHE_VALUE_UNSUPPORTED' });
      expect(store.state).toBe('redis');
    });
  });
}

describe('openCacheStore', () => {
  it('opens memory only without a Redis URL, healthy and without a Redis client', async () => {
    const store = await openCacheStore({ maxBytes: 1_000_000 });
    expect(store.backend).toBe('memory');
    expect(cacheHealth(store)).toBe('ok');
    expect(cacheRedisClient(store)).toBeNull();
    await store.close();
  });
});
