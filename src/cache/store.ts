/**
 * The cache interface every layer above infra uses (DESIGN.md, infra/cache). Three
 * implementations: memory (bounded LRU), Redis, and fallback (Redis first, memory while Redis is
 * unreachable). All three pass one contract suite (contract.ts).
 */
export type CacheBackend = 'memory' | 'redis' | 'fallback';

export interface CacheSetOptions {
  /** Lifetime in seconds (fractions allowed); absent means no expiry (LRU eviction still applies in memory). */
  ttlSeconds?: number;
  /** Tags for `deleteByTag`. A tag may over-invalidate a key re-set without it (Redis), never under-invalidate. */
  tags?: readonly string[];
}

export interface CacheIncrOptions {
  /** Amount to add; an integer, default 1. */
  by?: number;
  /** Applied when the counter has no expiry yet (a fixed window that starts at the first increment). */
  ttlSeconds?: number;
}

export interface CacheGetOrSetOptions extends CacheSetOptions {
  /** Cross-process lock lifetime for single-flight when Redis is in use; default 10 000 ms. */
  lockTimeoutMs?: number;
}

/** What an operation came to, for metrics: `error` means the backend failed (the fallback then serves it). */
export type CacheOperationResult = 'hit' | 'miss' | 'ok' | 'error';
export type CacheOperation = 'get' | 'set' | 'delete' | 'deleteByPattern' | 'deleteByTag' | 'incr';
/** Counter hook: the observability module turns these into `cache_operations_total{backend,operation,result}`. */
export type CacheOperationHook = (backend: 'memory' | 'redis', operation: CacheOperation, result: CacheOperationResult) => void;

/** Minimal structured logger (pino's `(object, message)` shape) so infra does not import the logger module. */
export interface CacheLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

export const silentLogger: CacheLogger = { info: () => {}, warn: () => {} };

export interface CacheStore {
  readonly backend: CacheBackend;
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void>;
  /** True when a key was removed. */
  delete(key: string): Promise<boolean>;
  /** Redis glob syntax (`*`, `?`, `[abc]`, `\` escapes), relative to the key prefix; returns keys removed. */
  deleteByPattern(glob: string): Promise<number>;
  /** Removes every key set with this tag; returns keys removed. */
  deleteByTag(tag: string): Promise<number>;
  /** Atomic integer counter; returns the new value. */
  incr(key: string, options?: CacheIncrOptions): Promise<number>;
  /**
   * Read-through with single-flight: concurrent misses for one key run the loader once in this
   * process, and once across processes while Redis is in use (a lock with a timeout). A loader that
   * returns `undefined` is not cached (see `cached()` for negative caching).
   */
  getOrSet<T>(key: string, loader: () => Promise<T>, options?: CacheGetOrSetOptions): Promise<T>;
  close(): Promise<void>;
}
