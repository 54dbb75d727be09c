import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../test/helpers/services.js';
import { createCacheRedisClient } from './client.js';
import { RedisCacheStore } from './redis.js';
import { describeCacheStoreContract } from './testing/store-contract.js';

const url = redisUrl();

async function openRedisStore(keyPrefix = `anvil-test:${randomUUID()}:`): Promise<RedisCacheStore> {
  const client = createCacheRedisClient({ url: url!, commandTimeoutMs: 1_000 });
  await client.connect();
  return new RedisCacheStore({ client, keyPrefix });
}

if (url) {
  describeCacheStoreContract('redis', () => openRedisStore());

  describe('RedisCacheStore', () => {
    const opened: RedisCacheStore[] = [];
    const open = async (prefix?: string) => {
      const store = await openRedisStore(prefix);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      await Promise.all(opened.map(async (store) => {
        await store.deleteByPattern('*');
        await store.close();
      }));
    });

    it('keeps deployments apart by key prefix, including pattern deletion', async () => {
      const blue = await open();
      const green = await open();
      await blue.set('shared', 'blue');
      await green.set('shared', 'green');
      expect(await green.deleteByPattern('*')).toBe(1);
      expect(await blue.get('shared')).toBe('blue');
    });

    it('deletes by pattern through SCAN across more keys than one SCAN batch', async () => {
      const store = await open();
      await Promise.all(Array.from({ length: 2_500 }, (_, index) => store.set(`bulk:${index}`, index)));
      expect(await store.deleteByPattern('bulk:*')).toBe(2_500);
      expect(await store.get('bulk:7')).toBeUndefined();
    });

    it('treats a prefix holding glob characters literally', async () => {
      const starred = await open(`anvil-test:${randomUUID()}:*[x]:`);
      const other = await open();
      await other.set('k', 'other');
      await starred.set('k', 'starred');
      expect(await starred.deleteByPattern('*')).toBe(1);
      expect(await other.get('k')).toBe('other');
    });

    it('runs the loader once across two processes racing on a cold key (Redis lock)', async () => {
      const prefix = `anvil-test:${randomUUID()}:`;
      const first = await open(prefix);
      const second = await open(prefix);
      let calls = 0;
      const loader = async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 100));
        return { built: 'once' };
      };
      const results = await Promise.all(
        Array.from({ length: 1_000 }, (_, index) => (index % 2 ? first : second).getOrSet('stampede', loader, { ttlSeconds: 60 })),
      );
      expect(calls).toBe(1);
      expect(results.every((result) => result.built === 'once')).toBe(true);
    });

    it('lets a waiter load by itself once the lock holder exceeds the lock timeout', async () => {
      const prefix = `anvil-test:${randomUUID()}:`;
      const first = await open(prefix);
      const second = await open(prefix);
      let calls = 0;
      const slow = first.getOrSet('slow', async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 600));
        return 'slow';
      }, { lockTimeoutMs: 200 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const started = Date.now();
      const fast = await second.getOrSet('slow', async () => (calls++, 'fast'), { lockTimeoutMs: 200 });
      expect(fast).toBe('fast');
      expect(Date.now() - started).toBeLessThan(500);
      await slow;
      expect(calls).toBe(2);
    });
  });
}
