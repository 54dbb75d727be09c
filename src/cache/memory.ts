import { LRUCache } from 'lru-cache';
import { AnvilError } from '../errors.js';
import { decodeValue, encodeValue } from './codec.js';
import { getOrSetThrough } from './get-or-set.js';
import { globToRegExp } from './glob.js';
import { createSingleFlight } from './single-flight.js';
import type { CacheGetOrSetOptions, CacheIncrOptions, CacheOperationHook, CacheSetOptions, CacheStore } from './store.js';

export interface MemoryCacheStoreOptions {
  /** Upper bound on the bytes held (encoded values and keys, UTF-16); default 64 MiB. LRU eviction keeps it. */
  maxBytes?: number;
  /** Counter hook for metrics; default none. */
  onOperation?: CacheOperationHook;
  /** Clock for expiry in milliseconds; default `performance.now`. Benchmarks replay traces on their own clock. */
  now?: () => number;
}

/** Rough per-entry bookkeeping cost (LRU slots, timers), so a million tiny entries still count. */
const entryOverheadBytes = 64;

/**
 * Bounded in-process cache. Values are stored encoded (codec.ts), which makes the byte bound exact
 * and gives memory the same semantics as Redis: a read returns a copy, and an unsupported value is
 * rejected here too. A value larger than the whole bound is silently not stored.
 */
export class MemoryCacheStore implements CacheStore {
  readonly backend = 'memory' as const;
  private readonly entries: LRUCache<string, string>;
  private readonly keysByTag = new Map<string, Set<string>>();
  private readonly tagsByKey = new Map<string, readonly string[]>();
  private readonly flights = createSingleFlight();
  private readonly onOperation: CacheOperationHook;

  constructor({ maxBytes = 64 * 1024 * 1024, onOperation = () => {}, now }: MemoryCacheStoreOptions = {}) {
    this.onOperation = onOperation;
    this.entries = new LRUCache<string, string>({
      maxSize: maxBytes,
      // ttlResolution 0: an injected clock may jump, so staleness is checked against it every time.
      ...(now ? { perf: { now }, ttlResolution: 0 } : {}),
      sizeCalculation: (value, key) => (value.length + key.length) * 2 + entryOverheadBytes,
      // Eviction, expiry, overwrite and delete all pass here, so the tag index never leaks keys.
      dispose: (_value, key) => this.untag(key),
    });
  }

  async get<T>(key: string): Promise<T | undefined> {
    const encoded = this.entries.get(key);
    this.onOperation('memory', 'get', encoded === undefined ? 'miss' : 'hit');
    return encoded === undefined ? undefined : decodeValue<T>(encoded);
  }

  async set(key: string, value: unknown, { ttlSeconds, tags }: CacheSetOptions = {}): Promise<void> {
    const encoded = encodeValue(value);
    this.untag(key); // an unchanged string value does not trigger dispose
    this.entries.set(key, encoded, { ttl: toMilliseconds(ttlSeconds) });
    if (tags?.length && this.entries.has(key)) {
      this.tagsByKey.set(key, tags);
      for (const tag of tags) {
        let keys = this.keysByTag.get(tag);
        if (!keys) this.keysByTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    }
    this.onOperation('memory', 'set', 'ok');
  }

  async delete(key: string): Promise<boolean> {
    const existed = this.entries.has(key);
    this.entries.delete(key);
    this.onOperation('memory', 'delete', 'ok');
    return existed;
  }

  async deleteByPattern(glob: string): Promise<number> {
    const pattern = globToRegExp(glob);
    let removed = 0;
    for (const key of [...this.entries.keys()]) {
      if (pattern.test(key) && this.entries.has(key)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    this.onOperation('memory', 'deleteByPattern', 'ok');
    return removed;
  }

  async deleteByTag(tag: string): Promise<number> {
    let removed = 0;
    for (const key of [...(this.keysByTag.get(tag) ?? [])]) {
      if (this.entries.has(key)) removed += 1;
      this.entries.delete(key);
    }
    this.keysByTag.delete(tag);
    this.onOperation('memory', 'deleteByTag', 'ok');
    return removed;
  }

  async incr(key: string, { by = 1, ttlSeconds }: CacheIncrOptions = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new AnvilError('CACHE_VALUE_UNSUPPORTED', `incr by ${by}: expected an integer`, { key });
    const encoded = this.entries.get(key);
    const current = encoded === undefined ? 0 : Number(encoded);
    if (encoded !== undefined && (!/^-?\d+$/.test(encoded) || !Number.isSafeInteger(current))) {
      throw new AnvilError('CACHE_VALUE_UNSUPPORTED', `incr ${key}: the stored value is not an integer`, { key });
    }
    // Like the Redis script: keep a running expiry; start one only on a counter that has none.
    const remaining = encoded === undefined ? Infinity : this.entries.getRemainingTTL(key);
    const ttl = Number.isFinite(remaining) ? Math.max(1, remaining) : toMilliseconds(ttlSeconds);
    const next = current + by;
    this.entries.set(key, String(next), { ttl });
    this.onOperation('memory', 'incr', 'ok');
    return next;
  }

  getOrSet<T>(key: string, loader: () => Promise<T>, options?: CacheGetOrSetOptions): Promise<T> {
    return getOrSetThrough(this, this.flights, key, loader, options);
  }

  /** Drops every entry; the fallback store calls it when Redis is back (see fallback.ts). */
  clear(): void {
    this.entries.clear();
    this.keysByTag.clear();
    this.tagsByKey.clear();
  }

  /** Bytes currently accounted against `maxBytes`. */
  get sizeBytes(): number {
    return this.entries.calculatedSize;
  }

  async close(): Promise<void> {
    this.clear();
  }

  private untag(key: string): void {
    const tags = this.tagsByKey.get(key);
    if (!tags) return;
    this.tagsByKey.delete(key);
    for (const tag of tags) {
      const keys = this.keysByTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.keysByTag.delete(tag);
    }
  }
}

/** Seconds (fractions allowed) to whole milliseconds; undefined or 0 means no expiry. */
export function toMilliseconds(ttlSeconds: number | undefined): number | undefined {
  if (ttlSeconds === undefined || ttlSeconds === 0) return undefined;
  if (!(ttlSeconds > 0) || !Number.isFinite(ttlSeconds)) {
    throw new AnvilError('VALIDATION_FAILED', `ttlSeconds must be a positive number, got ${ttlSeconds}`, { ttlSeconds });
  }
  return Math.max(1, Math.round(ttlSeconds * 1000));
}
