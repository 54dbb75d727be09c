import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl } from '../../../test/helpers/services.js';
import { createRateLimitStore } from './rate-limit-store.js';

function increment(store: { incr(key: string, callback: (error: Error | null, result: { current: number; ttl: number } | null) => void, timeWindow: number): void }, key: string, windowMs = 60_000) {
  return new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (error, result) => (error ? reject(error) : resolve(result!)), windowMs));
}

describe('rate-limit store in memory', () => {
  it('counts per key in a fixed window and starts again after it', async () => {
    const Store = createRateLimitStore({ redis: () => null });
    const store = new Store();
    expect((await increment(store, 'a', 50)).current).toBe(1);
    expect((await increment(store, 'a', 50)).current).toBe(2);
    expect((await increment(store, 'b', 50)).current).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 70));
    expect((await increment(store, 'a', 50)).current).toBe(1);
  });
});

const url = redisUrl();
if (url) {
  describe('rate-limit store on Redis', () => {
    const client = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
    const prefix = `anvil-test:${Date.now()}:`;
    afterAll(() => client.quit());

    it('shares one count between two API nodes', async () => {
      const first = new (createRateLimitStore({ redis: () => client, keyPrefix: prefix }))();
      const second = new (createRateLimitStore({ redis: () => client, keyPrefix: prefix }))();
      expect((await increment(first, 'key:k')).current).toBe(1);
      const shared = await increment(second, 'key:k');
      expect(shared.current).toBe(2);
      expect(shared.ttl).toBeGreaterThan(0);
      expect(shared.ttl).toBeLessThanOrEqual(60_000);
    });

    it('counts in memory when the Redis call fails rather than failing the request', async () => {
      const broken = new Redis('redis://127.0.0.1:1', { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
      const store = new (createRateLimitStore({ redis: () => broken, keyPrefix: prefix }))();
      expect((await increment(store, 'key:down')).current).toBe(1);
      expect((await increment(store, 'key:down')).current).toBe(2);
      broken.disconnect();
    });
  });
}
