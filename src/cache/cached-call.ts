import { createHash } from 'node:crypto';
import { readThrough } from './read-through.js';
import { resolveStrategy, type CacheStrategy, type CacheStrategyName } from './strategies.js';
import type { CacheStore } from './store.js';

export interface CachedOptions<This, A extends unknown[]> {
  /** The store, or how to find it from `this` (for methods: `(self) => self.cache`). No global store exists. */
  store: CacheStore | ((self: This) => CacheStore);
  /** A fixed prefix (the arguments are appended, stably serialised) or a function of the arguments. */
  key: string | ((...args: A) => string);
  /** Freshness in seconds; overrides the strategy's. */
  ttl?: number;
  tags?: readonly string[] | ((...args: A) => readonly string[]);
  /** A named profile or an adjusted one; default `medium`. */
  strategy?: CacheStrategyName | Partial<CacheStrategy>;
  onRefreshError?: (error: unknown, key: string) => void;
}

export type CachedCall<This, A extends unknown[], R> = (self: This, invoke: () => Promise<R>, args: A) => Promise<R>;

/** The one implementation behind `cached(fn, …)` and `@cached(…)`: resolves options once, then reads through. */
export function createCachedCall<This, A extends unknown[], R>(options: CachedOptions<This, A>): CachedCall<This, A, R> {
  const strategy = resolveStrategy(options.strategy, options.ttl);
  const { key, tags, store, onRefreshError } = options;
  return function cachedCall(self, invoke, args) {
    const resolvedStore = typeof store === 'function' ? store(self) : store;
    const resolvedKey = typeof key === 'function' ? key(...args) : args.length ? `${key}:${argumentsKey(args)}` : key;
    const resolvedTags = typeof tags === 'function' ? tags(...args) : tags;
    return readThrough<R>(resolvedStore, resolvedKey, invoke, { strategy, tags: resolvedTags, onRefreshError });
  };
}

/** Stable text for arguments (object keys sorted); hashed when long, so keys stay short. */
export function argumentsKey(args: readonly unknown[]): string {
  const text = JSON.stringify(args, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value && typeof value === 'object' && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
  return text.length <= 120 ? text : createHash('sha256').update(text).digest('base64url');
}
