import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { redisUrl } from '../../test/helpers/services.js';
import { AnvilError, notFound } from '../errors.js';
import { cached } from './cached.js';
import { MemoryCacheStore } from './memory.js';
import { openCacheStore } from './open.js';
import type { CacheStore } from './store.js';

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

function counting<A extends unknown[], R>(body: (...args: A) => R | Promise<R>) {
  const calls: A[] = [];
  const fn = async (...args: A): Promise<R> => {
    calls.push(args);
    return body(...args);
  };
  return { fn, calls };
}

describe('cached(fn, options)', () => {
  it('caches per argument list, with the arguments in the key', async () => {
    const store = new MemoryCacheStore();
    const { fn, calls } = counting((id: string, options: { full: boolean }) => `${id}:${options.full}`);
    const summary = cached(fn, { store, key: 'summary', strategy: 'short' });
    expect(await summary('a', { full: true })).toBe('a:true');
    expect(await summary('a', { full: true })).toBe('a:true');
    expect(await summary('b', { full: true })).toBe('b:true');
    expect(calls).toHaveLength(2);
    expect(summary.name).toBe('cached fn');
  });

  it('uses a key function and tags, so a tag invalidates the cached results', async () => {
    const store = new MemoryCacheStore();
    const { fn, calls } = counting((runId: string) => ({ runId }));
    const costs = cached(fn, { store, key: (runId) => `costs:${runId}`, tags: (runId) => [`run:${runId}`] });
    await costs('r1');
    await costs('r1');
    expect(calls).toHaveLength(1);
    expect(await store.deleteByTag('run:r1')).toBe(1);
    await costs('r1');
    expect(calls).toHaveLength(2);
  });

  it('serves a stale value at once and refreshes it once in the background (stale-while-revalidate)', async () => {
    const store = new MemoryCacheStore();
    let version = 0;
    const { fn, calls } = counting(async () => {
      await sleep(30);
      return ++version;
    });
    const read = cached(fn, { store, key: 'swr', ttl: 0.1, strategy: { staleSeconds: 5, jitterRatio: 0 } });
    expect(await read()).toBe(1);
    await sleep(150);
    const started = performance.now();
    const stale = await Promise.all(Array.from({ length: 50 }, () => read()));
    expect(performance.now() - started).toBeLessThan(25); // no caller waited for the loader
    expect(new Set(stale)).toEqual(new Set([1]));
    await sleep(60);
    expect(await read()).toBe(2);
    expect(calls).toHaveLength(2);
  });

  it('reloads synchronously past freshness when the stale window is zero', async () => {
    const store = new MemoryCacheStore();
    let version = 0;
    const read = cached(async () => ++version, { store, key: 'no-swr', ttl: 0.05, strategy: { staleSeconds: 0, jitterRatio: 0 } });
    expect(await read()).toBe(1);
    await sleep(80);
    expect(await read()).toBe(2);
  });

  it('remembers "not found" for the negative TTL, whether undefined or a 404 error', async () => {
    const store = new MemoryCacheStore();
    const missing = counting(async (_id: string): Promise<string | undefined> => undefined);
    const lookup = cached(missing.fn, { store, key: 'lookup', strategy: { negativeTtlSeconds: 0.1 } });
    expect(await lookup('x')).toBeUndefined();
    expect(await lookup('x')).toBeUndefined();
    expect(missing.calls).toHaveLength(1);
    await sleep(150);
    await lookup('x');
    expect(missing.calls).toHaveLength(2);

    const failing = counting(async (id: string): Promise<string> => Promise.reject(notFound('RUN_NOT_FOUND', id)));
    const run = cached(failing.fn, { store, key: 'run', strategy: 'short' });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const error = await run('r9').catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(AnvilError);
      expect(error).toMatchObject({ code: 'RUN_NOT_FOUND', statusCode: 404, details: { id: 'r9' } });
    }
    expect(failing.calls).toHaveLength(1);
  });

  it('does not cache other failures, nor "not found" when negative caching is off', async () => {
    const store = new MemoryCacheStore();
    const broken = counting(async (): Promise<string> => Promise.reject(new Error('database down')));
    const read = cached(broken.fn, { store, key: 'broken' });
    await expect(read()).rejects.toThrow('database down');
    await expect(read()).rejects.toThrow('database down');
    expect(broken.calls).toHaveLength(2);
    const missing = counting(async (): Promise<undefined> => undefined);
    const lookup = cached(missing.fn, { store, key: 'plain-miss', strategy: { negativeTtlSeconds: 0 } });
    await lookup();
    await lookup();
    expect(missing.calls).toHaveLength(2);
  });

  it('stores jittered TTLs, so entries written together expire apart', async () => {
    const store = new MemoryCacheStore();
    const read = cached(async (index: number) => index, { store, key: 'spread', ttl: 0.2, strategy: { jitterRatio: 0.5, staleSeconds: 0 } });
    await Promise.all(Array.from({ length: 40 }, (_, index) => read(index)));
    await sleep(150);
    const { fn, calls } = counting(async (index: number) => index);
    const again = cached(fn, { store, key: 'spread', ttl: 0.2, strategy: { jitterRatio: 0.5, staleSeconds: 0 } });
    await Promise.all(Array.from({ length: 40 }, (_, index) => again(index)));
    expect(calls.length).toBeGreaterThan(0); // some expired (fresh for 100–150 ms)…
    expect(calls.length).toBeLessThan(40); // …and some did not (fresh for up to 200 ms)
  });
});

describe('@cached method decorator', () => {
  it('caches per instance store and argument, keeping `this` (compiled as standard decorators)', () => {
    const fixture = fileURLToPath(new URL('./testing/decorated-fixture.ts', import.meta.url));
    const output = execFileSync(process.execPath, ['--import', 'tsx', fixture], { encoding: 'utf8' });
    expect(JSON.parse(output)).toEqual({
      results: [{ runId: 'r1', loads: 1 }, { runId: 'r1', loads: 1 }, { runId: 'r2', loads: 2 }],
      loads: 2,
      stored: { v: { runId: 'r1', loads: 1 }, f: expect.any(Number) },
    });
  });

  it('shares the function form\'s implementation when applied to a method by hand', async () => {
    const store = new MemoryCacheStore();
    let loads = 0;
    const method = async function (this: { label: string }, id: string) {
      loads += 1;
      return `${this.label}:${id}`;
    };
    const decorate = cached<{ label: string }, [string], string>({ store, key: 'by-hand' });
    const wrapped = decorate(method, { kind: 'method', name: 'read' } as ClassMethodDecoratorContext<{ label: string }, typeof method>);
    const self = { label: 'self' };
    expect(await wrapped.call(self, 'x')).toBe('self:x');
    expect(await wrapped.call(self, 'x')).toBe('self:x');
    expect(loads).toBe(1);
  });
});

function describeStampede(name: string, open: () => Promise<CacheStore>): void {
  it(`runs the loader once for 1,000 concurrent calls on a cold key (${name})`, async () => {
    const store = await open();
    try {
      const { fn, calls } = counting(async () => {
        await sleep(50);
        return { answer: 42 };
      });
      const read = cached(fn, { store, key: 'cold', strategy: 'static' });
      const results = await Promise.all(Array.from({ length: 1_000 }, () => read()));
      expect(calls).toHaveLength(1);
      expect(results.every((result) => result.answer === 42)).toBe(true);
    } finally {
      await store.deleteByPattern('*');
      await store.close();
    }
  });
}

describe('stampede protection through cached()', () => {
  describeStampede('memory', async () => new MemoryCacheStore());
  const url = redisUrl();
  if (url) describeStampede('fallback on Redis', () => openCacheStore({ redisUrl: url, keyPrefix: `anvil-test:${randomUUID()}:` }));
});
