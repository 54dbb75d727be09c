import { ReplyError, type Redis } from 'ioredis';
import { AnvilError } from '../errors.js';
import { decodeValue, encodeValue } from './codec.js';
import { getOrSetThrough, type LockSource } from './get-or-set.js';
import { escapeGlob } from './glob.js';
import { toMilliseconds } from './memory.js';
import { deleteTagScript, incrScript, setTaggedScript } from './redis-scripts.js';
import { createSingleFlight } from './single-flight.js';
import type { CacheGetOrSetOptions, CacheIncrOptions, CacheOperation, CacheOperationHook, CacheSetOptions, CacheStore } from './store.js';

export interface RedisCacheStoreOptions {
  /** A client from createCacheRedisClient (its settings matter: see client.ts). */
  client: Redis;
  /** Namespace of this deployment in a shared Redis; default `anvil:`. */
  keyPrefix?: string;
  /** Whether close() also quits the client; default true. */
  ownsClient?: boolean;
  onOperation?: CacheOperationHook;
}

interface ScriptedRedis extends Redis {
  anvilSetTagged(...args: (string | number)[]): Promise<number>;
  anvilDeleteTag(key: string): Promise<number>;
  anvilIncr(key: string, by: number, ttlMs: number): Promise<number>;
}

/** Reply errors that mean "this server cannot serve now", not "you asked something wrong". */
const unavailableReply = /^(LOADING|READONLY|MASTERDOWN|BUSY|CLUSTERDOWN|TRYAGAIN)\b/;

/**
 * The Redis store. Keys are namespaced under the prefix: values at `<prefix>k:<key>`, tag sets at
 * `<prefix>t:<tag>`, single-flight locks at `<prefix>l:<key>`, so no user key collides with the
 * bookkeeping. Pattern deletion walks SCAN (never KEYS, which blocks the server) and UNLINKs each
 * batch without waiting for the previous one. A failure to reach Redis is AnvilError
 * CACHE_UNAVAILABLE; the fallback store catches exactly that.
 */
export class RedisCacheStore implements CacheStore {
  readonly backend = 'redis' as const;
  readonly keyPrefix: string;
  private readonly client: ScriptedRedis;
  private readonly ownsClient: boolean;
  private readonly onOperation: CacheOperationHook;
  private readonly flights = createSingleFlight();
  private readonly locks: LockSource;

  constructor({ client, keyPrefix = 'anvil:', ownsClient = true, onOperation = () => {} }: RedisCacheStoreOptions) {
    this.client = client as ScriptedRedis;
    this.keyPrefix = keyPrefix;
    this.ownsClient = ownsClient;
    this.onOperation = onOperation;
    if (!('anvilIncr' in client)) {
      client.defineCommand('anvilSetTagged', { lua: setTaggedScript });
      client.defineCommand('anvilDeleteTag', { numberOfKeys: 1, lua: deleteTagScript });
      client.defineCommand('anvilIncr', { numberOfKeys: 1, lua: incrScript });
    }
    this.locks = { client: () => this.client, lockKey: (key) => `${keyPrefix}l:${key}` };
  }

  /** The underlying client, for the rate limiter and other cross-process users. */
  redisClient(): Redis {
    return this.client;
  }

  valueKey(key: string): string {
    return `${this.keyPrefix}k:${key}`;
  }

  // The hot path: one promise chain, no extra async frame (measured in bench/cache).
  get<T>(key: string): Promise<T | undefined> {
    return this.client.get(this.valueKey(key)).then(
      (encoded) => {
        this.onOperation('redis', 'get', encoded === null ? 'miss' : 'hit');
        return encoded === null ? undefined : decodeValue<T>(encoded);
      },
      (error: unknown) => this.fail('get', error),
    );
  }

  set(key: string, value: unknown, { ttlSeconds, tags }: CacheSetOptions = {}): Promise<void> {
    let encoded: string;
    let ttlMs: number | undefined;
    try {
      encoded = encodeValue(value);
      ttlMs = toMilliseconds(ttlSeconds);
    } catch (error) {
      return Promise.reject(error);
    }
    const fullKey = this.valueKey(key);
    let reply: Promise<unknown>;
    if (tags?.length) {
      const tagKeys = tags.map((tag) => `${this.keyPrefix}t:${tag}`);
      reply = this.client.anvilSetTagged(1 + tagKeys.length, fullKey, ...tagKeys, encoded, ttlMs ?? 0);
    } else reply = ttlMs ? this.client.set(fullKey, encoded, 'PX', ttlMs) : this.client.set(fullKey, encoded);
    return reply.then(
      () => this.onOperation('redis', 'set', 'ok'),
      (error: unknown) => this.fail('set', error),
    );
  }

  async delete(key: string): Promise<boolean> {
    const removed = await this.call('delete', () => this.client.unlink(this.valueKey(key)));
    this.onOperation('redis', 'delete', 'ok');
    return removed > 0;
  }

  async deleteByPattern(glob: string): Promise<number> {
    const removed = await this.call('deleteByPattern', async () => {
      const match = escapeGlob(this.valueKey('')) + glob;
      const pending: Promise<number>[] = [];
      let cursor = '0';
      do {
        const [next, keys] = await this.client.scan(cursor, 'MATCH', match, 'COUNT', 1000);
        if (keys.length) pending.push(this.client.unlink(...keys));
        cursor = next;
      } while (cursor !== '0');
      return (await Promise.all(pending)).reduce((sum, count) => sum + count, 0);
    });
    this.onOperation('redis', 'deleteByPattern', 'ok');
    return removed;
  }

  async deleteByTag(tag: string): Promise<number> {
    const removed = await this.call('deleteByTag', () => this.client.anvilDeleteTag(`${this.keyPrefix}t:${tag}`));
    this.onOperation('redis', 'deleteByTag', 'ok');
    return removed;
  }

  async incr(key: string, { by = 1, ttlSeconds }: CacheIncrOptions = {}): Promise<number> {
    if (!Number.isSafeInteger(by)) throw new AnvilError('CACHE_VALUE_UNSUPPORTED', `incr by ${by}: expected an integer`, { key });
    const ttlMs = toMilliseconds(ttlSeconds) ?? 0;
    const value = await this.call('incr', () => this.client.anvilIncr(this.valueKey(key), by, ttlMs), key);
    this.onOperation('redis', 'incr', 'ok');
    return value;
  }

  getOrSet<T>(key: string, loader: () => Promise<T>, options?: CacheGetOrSetOptions): Promise<T> {
    return getOrSetThrough(this, this.flights, key, loader, options, this.locks);
  }

  /** Lock source for a store that uses this one only part of the time (the fallback). */
  lockSource(isActive: () => boolean): LockSource {
    return { client: () => (isActive() ? this.client : null), lockKey: this.locks.lockKey };
  }

  async close(): Promise<void> {
    if (!this.ownsClient) return;
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private async call<R>(operation: CacheOperation, command: () => Promise<R>, key?: string): Promise<R> {
    try {
      return await command();
    } catch (error) {
      return this.fail(operation, error, key);
    }
  }

  private fail(operation: CacheOperation, error: unknown, key?: string): never {
    const message = (error as Error).message;
    if (error instanceof ReplyError && !unavailableReply.test(message)) {
      if (operation === 'incr' && /not an integer|overflow/.test(message)) {
        throw new AnvilError('CACHE_VALUE_UNSUPPORTED', `incr ${key}: the stored value is not an integer`, { key }, { cause: error });
      }
      throw error;
    }
    this.onOperation('redis', operation, 'error');
    throw new AnvilError('CACHE_UNAVAILABLE', `redis ${operation} failed: ${message}`, { operation }, { cause: error });
  }
}

export function isCacheUnavailable(error: unknown): boolean {
  return error instanceof AnvilError && error.code === 'CACHE_UNAVAILABLE';
}
