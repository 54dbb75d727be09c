import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A best-effort mutual-exclusion lock on one Redis (SET NX PX, released by compare-and-delete).
 * Enough for single-flight, where two holders only cost a second loader call; not a fencing lock
 * for correctness (see Kleppmann, "How to do distributed locking").
 */
const releaseScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** Returns the token when acquired, null when another holder has it. Throws when Redis fails. */
export async function acquireLock(client: Redis, lockKey: string, timeoutMs: number): Promise<string | null> {
  const token = randomUUID();
  const reply = await client.set(lockKey, token, 'PX', Math.max(1, Math.round(timeoutMs)), 'NX');
  return reply === 'OK' ? token : null;
}

export async function releaseLock(client: Redis, lockKey: string, token: string): Promise<void> {
  // A lost release only means the lock lapses at its timeout.
  await client.eval(releaseScript, 1, lockKey, token).catch(() => undefined);
}
