import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnvilError } from '../../errors.js';
import type { CacheStore } from '../store.js';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/**
 * The behaviour every CacheStore promises, run against memory, Redis and fallback (Hono's
 * router contract habit). `open` returns a fresh, empty store (its own key prefix on Redis).
 */
export function describeCacheStoreContract(name: string, open: () => Promise<CacheStore>): void {
  describe(`CacheStore contract: ${name}`, () => {
    let store: CacheStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.deleteByPattern('*'); // leave nothing behind in a shared Redis
      await store.close();
    });

    it('answers undefined for a key never set', async () => {
      expect(await store.get('absent')).toBeUndefined();
    });

    it('round-trips strings, numbers, booleans, null, arrays and nested objects', async () => {
      const values: unknown[] = ['', 'text with "quotes" and ünïcode', 's-prefixed', '42', 0, -17, 3.25, true, false, null, [1, 'two', [3]], { a: { b: [null, { c: 'd' }] } }];
      for (const [index, value] of values.entries()) {
        await store.set(`value:${index}`, value);
        expect(await store.get(`value:${index}`)).toEqual(value);
      }
    });

    it('round-trips Date, Buffer and bigint, nested or not, with their types', async () => {
      const value = { when: new Date('2024-05-06T07:08:09.123Z'), bytes: Buffer.from([0, 1, 254, 255]), big: 2n ** 70n, list: [new Date(0), 5n] };
      await store.set('typed', value);
      const read = await store.get<typeof value>('typed');
      expect(read).toEqual(value);
      expect(read?.when).toBeInstanceOf(Date);
      expect(Buffer.isBuffer(read?.bytes)).toBe(true);
      expect(typeof read?.big).toBe('bigint');
      await store.set('bare-bigint', 12345678901234567890n);
      expect(await store.get('bare-bigint')).toBe(12345678901234567890n);
    });

    it('keeps a plain object that owns the codec tag key intact', async () => {
      const value = { $anvil: 'date', v: 'not a date' };
      await store.set('tag-lookalike', value);
      expect(await store.get('tag-lookalike')).toEqual(value);
    });

    it('rejects values that cannot round-trip with CACHE_VALUE_UNSUPPORTED', async () => {
      class Point {
        x = 1;
      }
      for (const value of [() => 1, Symbol('s'), new Map(), new Set(), new Point(), Number.NaN, Infinity, undefined, { nested: [undefined] }, { f: () => 1 }]) {
        await expect(store.set('bad', value)).rejects.toMatchObject({ code: 'CACHE_VALUE_UNSUPPORTED' });
      }
      expect(await store.get('bad')).toBeUndefined();
    });

    it('returns a copy, so mutating a read value does not change the cache', async () => {
      await store.set('object', { count: 1 });
      const first = await store.get<{ count: number }>('object');
      first!.count = 99;
      expect(await store.get('object')).toEqual({ count: 1 });
    });

    it('expires an entry after its TTL and keeps one without a TTL', async () => {
      await store.set('short', 'gone soon', { ttlSeconds: 0.1 });
      await store.set('forever', 'stays');
      expect(await store.get('short')).toBe('gone soon');
      await sleep(200);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('forever')).toBe('stays');
    });

    it('deletes one key and says whether it existed', async () => {
      await store.set('doomed', 1);
      expect(await store.delete('doomed')).toBe(true);
      expect(await store.delete('doomed')).toBe(false);
      expect(await store.get('doomed')).toBeUndefined();
    });

    it('deletes by glob pattern only the keys that match, and counts them', async () => {
      for (const key of ['user:1:profile', 'user:2:profile', 'user:10:profile', 'user:1:settings', 'team:1:profile']) await store.set(key, key);
      expect(await store.deleteByPattern('user:?:profile')).toBe(2);
      expect(await store.get('user:10:profile')).toBe('user:10:profile');
      expect(await store.deleteByPattern('user:[1]*')).toBe(2);
      expect(await store.get('team:1:profile')).toBe('team:1:profile');
      expect(await store.deleteByPattern('nothing:*')).toBe(0);
    });

    it('deletes by tag every key set with it, and nothing else', async () => {
      await store.set('a', 1, { tags: ['run:1', 'costs'] });
      await store.set('b', 2, { tags: ['run:1'], ttlSeconds: 60 });
      await store.set('c', 3, { tags: ['costs'] });
      await store.set('d', 4);
      expect(await store.deleteByTag('run:1')).toBe(2);
      expect(await store.get('a')).toBeUndefined();
      expect(await store.get('c')).toBe(3);
      expect(await store.deleteByTag('costs')).toBe(1);
      expect(await store.get('d')).toBe(4);
      expect(await store.deleteByTag('never-used')).toBe(0);
    });

    it('increments atomically from zero, by any integer, and after a numeric set', async () => {
      expect(await store.incr('counter')).toBe(1);
      expect(await store.incr('counter', { by: 9 })).toBe(10);
      expect(await store.incr('counter', { by: -3 })).toBe(7);
      expect(await store.get('counter')).toBe(7);
      await store.set('preset', 40);
      expect(await store.incr('preset', { by: 2 })).toBe(42);
      const concurrent = await Promise.all(Array.from({ length: 200 }, () => store.incr('race')));
      expect(new Set(concurrent).size).toBe(200);
      expect(await store.get('race')).toBe(200);
    });

    it('starts a counter window at the first increment and does not extend it', async () => {
      await store.incr('window', { ttlSeconds: 0.2 });
      await sleep(120);
      expect(await store.incr('window', { ttlSeconds: 0.2 })).toBe(2);
      await sleep(150);
      expect(await store.get('window')).toBeUndefined();
      expect(await store.incr('window', { ttlSeconds: 0.2 })).toBe(1);
    });

    it('refuses to increment a value that is not an integer', async () => {
      await store.set('words', 'hello');
      await expect(store.incr('words')).rejects.toBeInstanceOf(AnvilError);
      await expect(store.incr('words')).rejects.toMatchObject({ code: 'CACHE_VALUE_UNSUPPORTED' });
    });

    it('getOrSet loads on a miss, then serves the stored value', async () => {
      let calls = 0;
      const loader = async () => ({ n: ++calls, at: new Date(5) });
      expect(await store.getOrSet('loaded', loader, { ttlSeconds: 60 })).toEqual({ n: 1, at: new Date(5) });
      expect(await store.getOrSet('loaded', loader)).toEqual({ n: 1, at: new Date(5) });
      expect(calls).toBe(1);
    });

    it('getOrSet runs the loader once for 1,000 concurrent gets of a cold key', async () => {
      let calls = 0;
      const loader = async () => {
        calls += 1;
        await sleep(50);
        return 'expensive';
      };
      const results = await Promise.all(Array.from({ length: 1_000 }, () => store.getOrSet('cold', loader, { ttlSeconds: 60 })));
      expect(calls).toBe(1);
      expect(results.every((result) => result === 'expensive')).toBe(true);
    });

    it('getOrSet neither caches undefined nor a failure', async () => {
      let calls = 0;
      expect(await store.getOrSet('nothing', async () => (calls++, undefined))).toBeUndefined();
      expect(await store.getOrSet('nothing', async () => (calls++, undefined))).toBeUndefined();
      expect(calls).toBe(2);
      await expect(store.getOrSet('failing', async () => Promise.reject(new Error('loader broke')))).rejects.toThrow('loader broke');
      expect(await store.getOrSet('failing', async () => 'recovered')).toBe('recovered');
    });
  });
}
