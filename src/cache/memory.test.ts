import { describe, expect, it } from 'vitest';
import { MemoryCacheStore } from './memory.js';
import { describeCacheStoreContract } from './testing/store-contract.js';

describeCacheStoreContract('memory', async () => new MemoryCacheStore());

describe('MemoryCacheStore', () => {
  it('stays within its byte bound by evicting the least recently used entries', async () => {
    const store = new MemoryCacheStore({ maxBytes: 100_000 });
    const value = 'x'.repeat(1_000);
    for (let index = 0; index < 500; index += 1) await store.set(`key:${index}`, value);
    expect(store.sizeBytes).toBeLessThanOrEqual(100_000);
    expect(await store.get('key:499')).toBe(value);
    expect(await store.get('key:0')).toBeUndefined();
  });

  it('counts bytes, not entries: a few large values evict many small ones', async () => {
    const store = new MemoryCacheStore({ maxBytes: 50_000 });
    for (let index = 0; index < 100; index += 1) await store.set(`small:${index}`, index);
    await store.set('large', 'y'.repeat(22_000));
    let smallLeft = 0;
    for (let index = 0; index < 100; index += 1) if ((await store.get(`small:${index}`)) !== undefined) smallLeft += 1;
    expect(await store.get('large')).toBe('y'.repeat(22_000));
    expect(smallLeft).toBeLessThan(100);
  });

  it('forgets the tags of an evicted key, so a later tag delete does not count it', async () => {
    const store = new MemoryCacheStore({ maxBytes: 5_000 });
    await store.set('tagged', 'v', { tags: ['t'] });
    for (let index = 0; index < 100; index += 1) await store.set(`filler:${index}`, 'z'.repeat(100));
    expect(await store.get('tagged')).toBeUndefined();
    expect(await store.deleteByTag('t')).toBe(0);
  });

  it('reports each operation and its result to the hook', async () => {
    const seen: string[] = [];
    const store = new MemoryCacheStore({ onOperation: (backend, operation, result) => seen.push(`${backend} ${operation} ${result}`) });
    await store.get('k');
    await store.set('k', 1);
    await store.get('k');
    await store.incr('k');
    expect(seen).toEqual(['memory get miss', 'memory set ok', 'memory get hit', 'memory incr ok']);
  });

  it('rejects a negative or non-finite TTL', async () => {
    const store = new MemoryCacheStore();
    await expect(store.set('k', 1, { ttlSeconds: -1 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(store.set('k', 1, { ttlSeconds: Infinity })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
