import type { Redis } from 'ioredis';
import { reconnectDelay } from './client.js';
import { getOrSetThrough } from './get-or-set.js';
import { createInvalidationJournal } from './invalidation-journal.js';
import type { MemoryCacheStore } from './memory.js';
import { isCacheUnavailable, type RedisCacheStore } from './redis.js';
import { createSingleFlight } from './single-flight.js';
import { silentLogger, type CacheGetOrSetOptions, type CacheIncrOptions, type CacheLogger, type CacheSetOptions, type CacheStore } from './store.js';

export type FallbackState = 'redis' | 'memory';
export type FallbackStateListener = (state: FallbackState, reason: string) => void;

export interface FallbackCacheStoreOptions {
  redis: RedisCacheStore;
  memory: MemoryCacheStore;
  /** State at start: `memory` when the first connection failed; default `redis`. */
  initialState?: FallbackState;
  /** Probe backoff while degraded (jittered, doubling); defaults 100 ms and 5 000 ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Invalidations remembered during an outage before falling back to clearing the prefix; default 10 000. */
  journalLimit?: number;
  /** One line per transition; default silent. */
  logger?: CacheLogger;
  /** Called on every transition (for `cache_fallback_active` and /readyz). */
  onStateChange?: FallbackStateListener;
}

/**
 * Redis first, memory while Redis cannot serve. States:
 *   redis  — every operation goes to Redis. The first operation that fails to reach it (connection
 *            lost, command timeout, not writable) or a 'close' event on the client switches to
 *            memory; that operation is then served by memory, so the caller sees no error and waits
 *            at most the command timeout.
 *   memory — operations go to the process's memory store. Keys written or deleted, patterns and
 *            tags deleted are journalled. A probe (PING) runs with jittered backoff, and at once
 *            when the client reconnects. When it succeeds the journal is replayed against Redis as
 *            deletions (a few passes while writes keep arriving), the state returns to redis and
 *            the memory store is cleared.
 * What an outage's writes become: values set during it live only in this process's memory until
 * Redis is back, then they are dropped, and their keys are deleted in Redis (so nobody reads the
 * value Redis held before the outage). Counters (incr) count in memory only and are not merged.
 */
export class FallbackCacheStore implements CacheStore {
  readonly backend = 'fallback' as const;
  private currentState: FallbackState;
  private readonly redis: RedisCacheStore;
  private readonly memory: MemoryCacheStore;
  private readonly reconnectMinMs: number;
  private readonly reconnectMaxMs: number;
  private readonly logger: CacheLogger;
  private readonly listeners = new Set<FallbackStateListener>();
  private readonly journal;
  private readonly flights = createSingleFlight();
  private probeTimer: NodeJS.Timeout | undefined;
  private probeAttempt = 0;
  private probing = false;
  private closed = false;
  private degradedSince = 0;

  constructor({
    redis,
    memory,
    initialState = 'redis',
    reconnectMinMs = 100,
    reconnectMaxMs = 5_000,
    journalLimit = 10_000,
    logger = silentLogger,
    onStateChange,
  }: FallbackCacheStoreOptions) {
    this.redis = redis;
    this.memory = memory;
    this.reconnectMinMs = reconnectMinMs;
    this.reconnectMaxMs = reconnectMaxMs;
    this.logger = logger;
    this.journal = createInvalidationJournal({ limit: journalLimit });
    if (onStateChange) this.listeners.add(onStateChange);
    this.currentState = initialState;
    const client = redis.redisClient();
    client.on('close', this.onClientClose);
    client.on('ready', this.onClientReady);
    if (initialState === 'memory') {
      this.degradedSince = Date.now();
      this.scheduleProbe();
    }
  }

  /** `memory` means degraded: Redis is configured but not serving. */
  get state(): FallbackState {
    return this.currentState;
  }

  /** The Redis client while Redis serves, null while degraded (callers then use local limits). */
  redisClient(): Redis | null {
    return this.currentState === 'redis' ? this.redis.redisClient() : null;
  }

  get keyPrefix(): string {
    return this.redis.keyPrefix;
  }

  /** Subscribes to transitions; returns the unsubscribe function. */
  onStateChange(listener: FallbackStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get<T>(key: string): Promise<T | undefined> {
    return this.run(() => this.redis.get<T>(key), () => this.memory.get<T>(key));
  }

  set(key: string, value: unknown, options?: CacheSetOptions): Promise<void> {
    return this.run(() => this.redis.set(key, value, options), () => this.memory.set(key, value, options), () => this.journal.key(key));
  }

  delete(key: string): Promise<boolean> {
    return this.run(() => this.redis.delete(key), () => this.memory.delete(key), () => this.journal.key(key));
  }

  deleteByPattern(glob: string): Promise<number> {
    return this.run(() => this.redis.deleteByPattern(glob), () => this.memory.deleteByPattern(glob), () => this.journal.pattern(glob));
  }

  deleteByTag(tag: string): Promise<number> {
    return this.run(() => this.redis.deleteByTag(tag), () => this.memory.deleteByTag(tag), () => this.journal.tag(tag));
  }

  incr(key: string, options?: CacheIncrOptions): Promise<number> {
    return this.run(() => this.redis.incr(key, options), () => this.memory.incr(key, options));
  }

  getOrSet<T>(key: string, loader: () => Promise<T>, options?: CacheGetOrSetOptions): Promise<T> {
    return getOrSetThrough(this, this.flights, key, loader, options, this.redis.lockSource(() => this.currentState === 'redis'));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.probeTimer);
    const client = this.redis.redisClient();
    client.off('close', this.onClientClose);
    client.off('ready', this.onClientReady);
    await Promise.all([this.redis.close(), this.memory.close()]);
  }

  // A promise chain rather than an async frame: this is on every operation's path.
  private run<R>(viaRedis: () => Promise<R>, viaMemory: () => Promise<R>, remember?: () => void): Promise<R> {
    if (this.currentState === 'redis') {
      return viaRedis().catch((error: unknown) => {
        if (!isCacheUnavailable(error)) throw error;
        this.degrade((error as Error).message);
        remember?.();
        return viaMemory();
      });
    }
    remember?.();
    return viaMemory();
  }

  private readonly onClientClose = (): void => {
    if (this.currentState === 'redis' && !this.closed) this.degrade('connection closed');
  };

  private readonly onClientReady = (): void => {
    if (this.currentState === 'memory' && !this.closed) {
      clearTimeout(this.probeTimer);
      this.probeTimer = setTimeout(() => void this.probe(), Math.random() * this.reconnectMinMs).unref();
    }
  };

  private degrade(reason: string): void {
    if (this.currentState === 'memory') return;
    this.currentState = 'memory';
    this.degradedSince = Date.now();
    this.probeAttempt = 0;
    this.logger.warn({ cache: 'degraded', reason }, 'cache: Redis unavailable, serving from memory');
    this.notify(reason);
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.closed) return;
    clearTimeout(this.probeTimer);
    const delay = reconnectDelay(++this.probeAttempt, this.reconnectMinMs, this.reconnectMaxMs);
    this.probeTimer = setTimeout(() => void this.probe(), delay).unref();
  }

  /** PING, replay the journal as deletions, then switch back; any failure waits for the next probe. */
  private async probe(): Promise<void> {
    if (this.probing || this.closed || this.currentState === 'redis') return;
    this.probing = true;
    try {
      await this.redis.redisClient().ping();
      // Each pass replays what was journalled while the previous one ran; under steady writes the
      // journal never empties, so after a few passes switch and replay the remainder (writes made
      // in that last round trip are dropped like the rest, and their keys deleted right after).
      for (let pass = 0; pass < 3 && !this.journal.isEmpty(); pass += 1) await this.journal.replay(this.redis);
      if (this.closed) return;
      this.currentState = 'redis';
      this.memory.clear();
      // A failed remainder stays journalled for the next recovery: a late deletion only costs a miss.
      if (!this.journal.isEmpty()) await this.journal.replay(this.redis).catch(() => undefined);
      const outageMs = Date.now() - this.degradedSince;
      this.logger.info({ cache: 'redis', outageMs }, 'cache: Redis is back, memory fallback cleared');
      this.notify('reconnected');
    } catch {
      this.scheduleProbe();
    } finally {
      this.probing = false;
    }
  }

  private notify(reason: string): void {
    for (const listener of this.listeners) {
      try {
        listener(this.currentState, reason);
      } catch {
        // A faulty listener must not break the cache.
      }
    }
  }
}
