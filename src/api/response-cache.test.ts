import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryCacheStore, openCacheStore, type CacheStore } from '../cache/index.js';
import { EventBus } from '../orchestrator/event-bus.js';
import { redisUrl } from '../../test/helpers/services.js';
import { installResponseCache } from './response-cache.js';
import type { ResponseCacheInvalidator } from './response-cache-invalidation.js';

const stores: { name: string; open: () => Promise<CacheStore> }[] = [{ name: 'memory', open: async () => new MemoryCacheStore() }];
const url = redisUrl();
if (url) stores.push({ name: 'redis', open: () => openCacheStore({ redisUrl: url, keyPrefix: `anvil-test:${randomUUID()}:` }) });

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

describe.each(stores)('HTTP response cache on $name', ({ open }) => {
  let store: CacheStore;
  let bus: EventBus;
  let app: FastifyInstance;
  let invalidator: ResponseCacheInvalidator;
  let calls: number;
  let gate: Promise<void> | undefined;
  let entered: (() => void) | undefined;

  async function build(enabled = true): Promise<void> {
    app = Fastify();
    // Stands in for the authentication layer, which sets request.tenant.
    app.addHook('onRequest', async (request) => {
      const tenant = request.headers['x-tenant'];
      if (typeof tenant === 'string') (request as unknown as { tenant: string }).tenant = tenant;
    });
    invalidator = installResponseCache(app, { store, bus, enabled, invalidationWindowMs: 100 });
    app.get('/runs/:id', { config: { responseCache: { ttlSeconds: 60, tags: (request) => [`run:${idOf(request)}`] } } }, async (request) => {
      entered?.();
      await gate;
      calls += 1;
      if (idOf(request) === 'missing') throw Object.assign(new Error('not found'), { statusCode: 404 });
      return { id: idOf(request), calls, query: request.query };
    });
    app.post('/runs/:id/cancel', { config: { invalidates: (request) => [`run:${idOf(request)}`] } }, async () => ({ cancelled: true }));
    await app.ready();
  }

  beforeEach(async () => {
    store = await open();
    bus = new EventBus();
    calls = 0;
    gate = undefined;
    entered = undefined;
    await build();
  });
  afterEach(async () => {
    await app.close();
    await store.deleteByPattern('*');
    await store.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url: path, headers });

  /** Holds the handler until `release`; `inHandler` resolves when a request has entered it. */
  function holdHandler(): { release: () => void; inHandler: Promise<void> } {
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    return { release, inHandler };
  }

  it('answers a repeated read from the cache with the same body and ETag', async () => {
    const first = await get('/runs/a');
    const second = await get('/runs/a');
    expect(first.headers['x-anvil-response-cache']).toBe('miss');
    expect(second.headers['x-anvil-response-cache']).toBe('hit');
    expect(second.body).toBe(first.body);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.headers['content-type']).toBe(first.headers['content-type']);
    expect(calls).toBe(1);
  });

  it('marks responses private, revalidated, and varying by credentials', async () => {
    for (const response of [await get('/runs/a'), await get('/runs/a')]) {
      expect(response.headers['cache-control']).toBe('private, no-cache');
      expect(response.headers.vary).toBe('x-api-key, authorization');
      expect(response.headers.etag).toMatch(/^"[\w-]{27}"$/);
    }
  });

  it('keys by the query whatever its order, and separates different queries', async () => {
    await get('/runs/a?x=1&y=2');
    expect((await get('/runs/a?y=2&x=1')).headers['x-anvil-response-cache']).toBe('hit');
    expect((await get('/runs/a?x=1&y=3')).headers['x-anvil-response-cache']).toBe('miss');
    expect(calls).toBe(2);
  });

  it('answers If-None-Match with 304 and no body, on a hit and on a recomputed miss', async () => {
    const { etag } = (await get('/runs/a')).headers as { etag: string };
    const hit = await get('/runs/a', { 'if-none-match': `W/${etag}, "other"` });
    expect(hit.statusCode).toBe(304);
    expect(hit.body).toBe('');
    expect(hit.headers.etag).toBe(etag);

    await invalidator.invalidateNow(['run:a']);
    calls = 0; // the recomputed body is the same as the first one
    const miss = await get('/runs/a', { 'if-none-match': etag });
    expect(miss.headers['x-anvil-response-cache']).toBe('miss');
    expect(miss.statusCode).toBe(304);
    expect((await get('/runs/a', { 'if-none-match': '"stale"' })).statusCode).toBe(200);
  });

  it('never shares an entry between two tenants', async () => {
    const first = await get('/runs/a', { 'x-tenant': 'tenant-one' });
    const second = await get('/runs/a', { 'x-tenant': 'tenant-two' });
    expect(second.headers['x-anvil-response-cache']).toBe('miss');
    expect(JSON.parse(second.body).calls).toBe(2);
    expect(JSON.parse((await get('/runs/a', { 'x-tenant': 'tenant-one' })).body).calls).toBe(1);
    expect(JSON.parse((await get('/runs/a', { 'x-tenant': 'tenant-two' })).body).calls).toBe(2);
    expect(JSON.parse((await get('/runs/a')).body).calls).toBe(3); // no tenant: `local`, a third entry
    expect(first.headers.etag).not.toBe(second.headers.etag);
  });

  it('does not cache errors', async () => {
    expect((await get('/runs/missing')).statusCode).toBe(404);
    expect((await get('/runs/missing')).statusCode).toBe(404);
    expect(calls).toBe(2);
  });

  it('invalidates a run’s entries on an event signal for that run only', async () => {
    await get('/runs/a');
    await get('/runs/b');
    bus.publish({ runId: 'a', seq: 2 });
    await vi.waitFor(async () => expect((await get('/runs/a')).headers['x-anvil-response-cache']).toBe('miss'));
    expect((await get('/runs/b')).headers['x-anvil-response-cache']).toBe('hit');
  });

  it('folds a burst of signals into one delete at once and one when the window closes', async () => {
    const deleteByTag = vi.spyOn(store, 'deleteByTag');
    for (let seq = 1; seq <= 20; seq += 1) bus.publish({ runId: 'a', seq });
    const runDeletes = () => deleteByTag.mock.calls.filter(([tag]) => tag === 'run:a').length;
    expect(runDeletes()).toBe(1);
    await vi.waitFor(() => expect(runDeletes()).toBe(2), { timeout: 1_000 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(runDeletes()).toBe(2);
  });

  it('does not store a response computed across an invalidation of its data', async () => {
    const { release, inHandler } = holdHandler();
    const pending = get('/runs/a');
    await inHandler; // past the lookup, reading "the database"
    await invalidator.invalidateNow(['run:a']);
    release();
    expect((await pending).headers['x-anvil-response-cache']).toBe('miss');
    gate = undefined;
    entered = undefined;
    expect((await get('/runs/a')).headers['x-anvil-response-cache']).toBe('miss');
    expect((await get('/runs/a')).headers['x-anvil-response-cache']).toBe('hit');
  });

  it('runs one computation for concurrent misses of one key, and shares its body', async () => {
    const { release, inHandler } = holdHandler();
    const responses = Array.from({ length: 20 }, () => get('/runs/a'));
    await inHandler;
    release();
    const bodies = await Promise.all(responses);
    expect(calls).toBe(1);
    expect(new Set(bodies.map((response) => response.body)).size).toBe(1);
    expect(bodies.filter((response) => response.headers['x-anvil-response-cache'] === 'miss')).toHaveLength(1);
  });

  it('gives the requests that waited before an invalidation the computation\'s body, without storing it', async () => {
    const { release, inHandler } = holdHandler();
    const leader = get('/runs/a');
    await inHandler;
    const waiters = Array.from({ length: 5 }, () => get('/runs/a'));
    await new Promise((resolve) => setTimeout(resolve, 20)); // the waiters reach the lookup
    await invalidator.invalidateNow(['run:a']);
    release();
    const bodies = await Promise.all([leader, ...waiters]);
    expect(calls).toBe(1);
    expect(new Set(bodies.map((response) => response.body)).size).toBe(1);
    gate = undefined;
    entered = undefined;
    expect((await get('/runs/a')).headers['x-anvil-response-cache']).toBe('miss');
  });

  it('makes the requests that came after an invalidation share one fresh computation', async () => {
    const { release, inHandler } = holdHandler();
    const leader = get('/runs/a');
    await inHandler;
    await invalidator.invalidateNow(['run:a']);
    const waiters = Array.from({ length: 5 }, () => get('/runs/a'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    expect(JSON.parse((await leader).body).calls).toBe(1);
    const bodies = await Promise.all(waiters);
    // One computation after the first, whose body every later request takes: none sees the stale one.
    expect(calls).toBe(2);
    expect(bodies.map((response) => JSON.parse(response.body).calls)).toEqual([2, 2, 2, 2, 2]);
  });

  it('lets waiters compute for themselves when the shared computation fails', async () => {
    const { release, inHandler } = holdHandler();
    const failing = get('/runs/missing');
    await inHandler;
    const waiting = [get('/runs/missing'), get('/runs/missing')];
    release();
    expect((await failing).statusCode).toBe(404);
    expect((await Promise.all(waiting)).map((response) => response.statusCode)).toEqual([404, 404]);
    expect(calls).toBe(3);
  });

  it('lets a caller read its own write: the write deletes before it answers', async () => {
    await get('/runs/a');
    expect((await app.inject({ method: 'POST', url: '/runs/a/cancel' })).statusCode).toBe(200);
    const after = await get('/runs/a');
    expect(after.headers['x-anvil-response-cache']).toBe('miss');
    expect(JSON.parse(after.body).calls).toBe(2);
  });

  it('when turned off, answers every read from the handler without cache headers', async () => {
    await app.close();
    await build(false);
    await get('/runs/a');
    const second = await get('/runs/a');
    expect(calls).toBe(2);
    expect(second.headers.etag).toBeUndefined();
    expect(second.headers['x-anvil-response-cache']).toBeUndefined();
  });
});
