import { createHash, randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAbortHookHandler, onResponseHookHandler, onSendHookHandler, preHandlerHookHandler, RouteOptions } from 'fastify';
import type { CacheStore } from '../cache/index.js';
import type { EventBus } from '../orchestrator/event-bus.js';
import { createResponseCacheInvalidator, type InFlightResponse, type ResponseCacheInvalidator } from './response-cache-invalidation.js';

/**
 * Server-side caching of expensive reads. A GET route opts in with
 * `config: { responseCache: { ttlSeconds, tags } }`; the entry is keyed by the route template, its
 * params, the validated query (keys sorted) and the caller's tenant, so two tenants never share
 * one. The body is stored with its ETag (a hash of the body) in the runtime's CacheStore (Redis
 * when configured, so every API node shares it), and `If-None-Match` is answered with 304.
 *
 * Headers: `Cache-Control: private, no-cache` because the data is per caller and must not be kept
 * by shared caches, while a browser may keep it and revalidate with the ETag; `Vary` names the
 * credentials headers; `x-anvil-response-cache: hit | miss` says where the body came from.
 *
 * Concurrent misses for one key in a process share one computation (single-flight): without it,
 * 100 clients arriving while an expensive read computes would all run it, and at 100 connections a
 * read slower than the gap between requests is never answered from the cache at all. A computation
 * whose data changed while it ran is not stored, but the requests that were already waiting when
 * the change came take its body (they were concurrent with the change); those that came after wait
 * for the next computation, which one of them leads. Under a steady stream of writes, reads of a
 * list thus still cost one computation at a time instead of one each.
 *
 * Writes through this API name the tags they invalidate with `config: { invalidates }` and the
 * delete completes before their response is sent, so a caller reads its own write. Everything
 * else is invalidated by the event signals (response-cache-invalidation.ts).
 */
export interface ResponseCacheRouteOptions {
  /** Longest an entry lives: the bound on staleness for changes that emit no event. */
  ttlSeconds: number;
  /** Tags the response depends on. */
  tags?: (request: FastifyRequest) => readonly string[];
  /** The body holds facts about this process (its worker, its pool): keep one entry per process. */
  perProcess?: boolean;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    responseCache?: ResponseCacheRouteOptions;
    /** Tags a successful write makes stale (any method). */
    invalidates?: (request: FastifyRequest) => readonly string[];
  }
}

export interface ResponseCacheOptions {
  store: CacheStore;
  bus?: EventBus;
  /** Off: routes answer as if they had not opted in (no entries, no ETag). Default on. */
  enabled?: boolean;
  /** Invalidation throttle window per tag; default 250 ms. */
  invalidationWindowMs?: number;
  onError?: (error: unknown) => void;
}

interface CachedResponse {
  body: string;
  etag: string;
  contentType: string;
}

/** What a computation hands its waiters: its body, and when its data was invalidated if it was. */
interface SharedResponse {
  entry: CachedResponse;
  dirtiedAt?: number;
}

interface RequestState {
  key: string;
  ttlSeconds: number;
  tags: readonly string[];
  inFlight: InFlightResponse;
  /** Set when this request computes for waiters: settles with its response, or undefined when it failed. */
  settle?: (shared: SharedResponse | undefined) => void;
}

const cacheControl = 'private, no-cache';
const vary = 'x-api-key, authorization';

/** The caller's tenant, set by the authentication layer; `local` without it. */
function tenantOf(request: FastifyRequest): string {
  const tenant = (request as unknown as { tenant?: unknown }).tenant;
  return typeof tenant === 'string' && tenant !== '' ? tenant : 'local';
}

function sorted(value: unknown): [string, unknown][] {
  return value && typeof value === 'object' ? Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : [];
}

export function responseCacheKey(request: FastifyRequest, processId?: string): string {
  const identity = JSON.stringify([request.routeOptions.url, sorted(request.params), sorted(request.query), tenantOf(request), processId ?? null]);
  return `http:${createHash('sha256').update(identity).digest('base64url').slice(0, 32)}`;
}

export const etagOf = (body: string): string => `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

/** RFC 9110 §13.1.2: weak comparison, a list of tags, or `*`. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === etag;
  });
}

function setHeaders(reply: FastifyReply, etag: string, source: 'hit' | 'miss'): void {
  reply.header('etag', etag).header('cache-control', cacheControl).header('vary', vary).header('x-anvil-response-cache', source);
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * Installs the hooks on `app`; call it before routes are registered (it acts on each route as it
 * is added). Returns the invalidator so writes made outside HTTP can invalidate too.
 */
export function installResponseCache(app: FastifyInstance, { store, bus, enabled = true, invalidationWindowMs = 250, onError = () => {} }: ResponseCacheOptions): ResponseCacheInvalidator {
  const invalidator = createResponseCacheInvalidator({ store, bus: enabled ? bus : undefined, windowMs: invalidationWindowMs, onError });
  const processId = randomUUID();
  const states = new WeakMap<FastifyRequest, RequestState>();
  const computing = new Map<string, Promise<SharedResponse | undefined>>();
  app.addHook('onClose', async () => invalidator.close());
  if (!enabled) return invalidator;

  const lookup = (options: ResponseCacheRouteOptions): preHandlerHookHandler =>
    async function responseCacheLookup(request, reply) {
      const key = responseCacheKey(request, options.perProcess ? processId : undefined);
      const tags = options.tags?.(request) ?? [];
      const entry = await store.get<CachedResponse>(key).catch((error: unknown) => {
        onError(error);
        return undefined;
      });
      // A waiter whose leader failed computes for itself. One whose leader's data was invalidated
      // after it began waiting takes the body; one that began waiting after, waits for (or leads)
      // the next computation. No await between finding no leader and becoming one, or concurrent
      // misses all lead.
      let shared = entry;
      while (!shared) {
        const leader = computing.get(key);
        if (!leader) break;
        const waitingSince = invalidator.generation();
        const answer = await leader;
        if (!answer) break;
        if (answer.dirtiedAt === undefined || waitingSince < answer.dirtiedAt) shared = answer.entry;
      }
      if (shared) {
        setHeaders(reply, shared.etag, 'hit');
        if (matches(request.headers['if-none-match'], shared.etag)) return reply.code(304).send();
        return reply.type(shared.contentType).send(shared.body);
      }
      const state: RequestState = { key, ttlSeconds: options.ttlSeconds, tags, inFlight: invalidator.begin(tags) };
      if (!computing.has(key)) {
        computing.set(key, new Promise((resolve) => (state.settle = resolve)));
      }
      states.set(request, state);
    };

  const settle = (state: RequestState, shared: SharedResponse | undefined): void => {
    if (!state.settle) return;
    computing.delete(state.key);
    state.settle(shared);
    state.settle = undefined;
  };

  const store200: onSendHookHandler = async function responseCacheStore(request, reply, payload) {
    const state = states.get(request);
    if (!state) return payload;
    states.delete(request);
    invalidator.finish(state.inFlight);
    if (reply.statusCode !== 200 || typeof payload !== 'string') {
      settle(state, undefined);
      return payload;
    }
    const etag = etagOf(payload);
    setHeaders(reply, etag, 'miss');
    const entry: CachedResponse = { body: payload, etag, contentType: String(reply.getHeader('content-type') ?? 'application/json; charset=utf-8') };
    if (state.inFlight.dirty) settle(state, { entry, dirtiedAt: state.inFlight.dirtiedAt });
    else {
      store.set(state.key, entry, { ttlSeconds: state.ttlSeconds, tags: state.tags }).catch(onError);
      settle(state, { entry });
    }
    if (matches(request.headers['if-none-match'], etag)) {
      reply.code(304);
      return '';
    }
    return payload;
  };

  // Waiters must never hang on a leader whose response was not sent (its client went away).
  const abandon = (request: FastifyRequest): void => {
    const state = states.get(request);
    if (!state) return;
    states.delete(request);
    invalidator.finish(state.inFlight);
    settle(state, undefined);
  };
  const release: onResponseHookHandler = (request, _reply, done) => {
    abandon(request);
    done();
  };
  const releaseAborted: onRequestAbortHookHandler = (request, done) => {
    abandon(request);
    done();
  };

  const invalidate = (tagsOf: (request: FastifyRequest) => readonly string[]): onSendHookHandler =>
    async function responseCacheInvalidate(request, reply, payload) {
      if (reply.statusCode < 400) await invalidator.invalidateNow(tagsOf(request));
      return payload;
    };

  app.addHook('onRoute', (route: RouteOptions) => {
    const { responseCache, invalidates } = route.config ?? {};
    if (responseCache && route.method === 'GET') {
      route.preHandler = [...asArray(route.preHandler), lookup(responseCache)];
      route.onSend = [...asArray(route.onSend), store200];
      route.onResponse = [...asArray(route.onResponse), release];
      route.onRequestAbort = [...asArray(route.onRequestAbort), releaseAborted];
    }
    if (invalidates) route.onSend = [...asArray(route.onSend), invalidate(invalidates)];
  });
  return invalidator;
}
