import { Redis, type RedisOptions } from 'ioredis';

export interface CacheRedisClientOptions {
  url: string;
  /** Bound on every command, and the fallback's switch-over time; default 250 ms. */
  commandTimeoutMs?: number;
  /** Bound on establishing a connection; default 1 000 ms. */
  connectTimeoutMs?: number;
  /** Reconnect backoff floor and ceiling (jittered, doubling); defaults 100 ms and 5 000 ms. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Extra options for special cases (tests); they win over the defaults above. */
  overrides?: RedisOptions;
}

/**
 * An ioredis client configured so that an outage never makes callers wait (DESIGN.md, Pitfalls):
 * no offline queue (a command while disconnected fails at once), at most one retry of a command
 * caught by a reconnect, a timeout on every command and on connecting, and reconnects with jittered
 * exponential backoff that never give up. Auto-pipelining sends the commands issued in one tick as
 * one write. The client starts disconnected (`lazyConnect`): call `connect()`.
 */
export function createCacheRedisClient({
  url,
  commandTimeoutMs = 250,
  connectTimeoutMs = 1_000,
  reconnectMinMs = 100,
  reconnectMaxMs = 5_000,
  overrides = {},
}: CacheRedisClientOptions): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: commandTimeoutMs,
    connectTimeout: connectTimeoutMs,
    enableAutoPipelining: true,
    lazyConnect: true,
    // READONLY after a failover: reconnect so the client finds the new primary.
    reconnectOnError: (error) => error.message.startsWith('READONLY'),
    retryStrategy: (attempt) => reconnectDelay(attempt, reconnectMinMs, reconnectMaxMs),
    ...overrides,
  });
  // Without a listener an 'error' event would crash the process; state changes are reported by
  // the fallback store, once per transition, so the individual errors are not logged here.
  client.on('error', () => {});
  return client;
}

/** Doubling backoff from `minMs`, capped at `maxMs`, with full jitter over its upper half. */
export function reconnectDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, minMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
