import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../../test/helpers/services.js';
import type { FallbackCacheStore, FallbackState } from './fallback.js';
import { openCacheStore } from './open.js';
import { startPrivateRedis, type PrivateRedis } from './testing/private-redis.js';

/**
 * Faults against a real Redis the test starts for itself, under a steady load of reads and
 * writes: the server killed, paused (CLIENT PAUSE) and its connections killed (CLIENT KILL).
 * Callers must never see an error, must never wait much past the timeout, and the store must
 * switch to memory within the timeout and back to Redis once Redis answers.
 */
const timeoutMs = 150;
const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

interface Load {
  stop(): Promise<{ operations: number; errors: unknown[]; maxLatencyMs: number }>;
}

function startLoad(store: FallbackCacheStore, workers = 16): Load {
  let running = true;
  let operations = 0;
  let maxLatencyMs = 0;
  const errors: unknown[] = [];
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let index = 0; running; index += 1) {
      const key = `load:${worker}:${index % 50}`;
      const started = performance.now();
      try {
        if (index % 3 === 0) await store.set(key, { worker, index, at: new Date() }, { ttlSeconds: 30 });
        else await store.get(key);
      } catch (error) {
        errors.push(error);
      }
      maxLatencyMs = Math.max(maxLatencyMs, performance.now() - started);
      operations += 1;
      if (index % 20 === 0) await sleep(1); // let timers and reconnects run
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return { operations, errors, maxLatencyMs };
    },
  };
}

async function waitForState(store: FallbackCacheStore, state: FallbackState, withinMs: number): Promise<number> {
  const started = performance.now();
  while (store.state !== state) {
    if (performance.now() - started > withinMs) throw new Error(`store still ${store.state} after ${withinMs} ms`);
    await sleep(2);
  }
  return performance.now() - started;
}

const url = redisUrl();

if (url) {
  describe('fallback store under faults (private redis-server)', () => {
    let redis: PrivateRedis;
    let store: FallbackCacheStore;
    let transitions: FallbackState[];
    let logLines: string[];

    beforeAll(async () => {
      redis = await startPrivateRedis();
    });
    afterAll(async () => {
      await redis.stop();
    });
    beforeEach(async () => {
      transitions = [];
      logLines = [];
      const logger = { info: (_: object, message: string) => logLines.push(message), warn: (_: object, message: string) => logLines.push(message) };
      store = (await openCacheStore({
        redisUrl: redis.url,
        timeoutMs,
        reconnectMinMs: 50,
        reconnectMaxMs: 300,
        logger,
        onStateChange: (state) => transitions.push(state),
      })) as FallbackCacheStore;
      expect(store.state).toBe('redis');
    });
    afterEach(async () => {
      await store.close();
    });

    it('survives the server being killed and restarted: no caller error, switch within the timeout, back on Redis after', async () => {
      const load = startLoad(store);
      await sleep(200);
      await redis.stop();
      const switchMs = await waitForState(store, 'memory', timeoutMs + 100);
      await sleep(300);
      await redis.start();
      const recoveryMs = await waitForState(store, 'redis', 5_000);
      await sleep(200);
      const result = await load.stop();
      console.info(`kill: switched in ${switchMs.toFixed(1)} ms, back ${recoveryMs.toFixed(0)} ms after restart, ${result.operations} operations, max latency ${result.maxLatencyMs.toFixed(1)} ms`);
      expect(result.errors).toEqual([]);
      expect(result.maxLatencyMs).toBeLessThan(timeoutMs + 200);
      expect(transitions).toEqual(['memory', 'redis']);
      expect(logLines).toHaveLength(2);
    });

    it('survives CLIENT PAUSE: commands time out, memory serves, Redis resumes after the pause', async () => {
      const load = startLoad(store);
      await sleep(200);
      const pausedAt = performance.now();
      await redis.cli('CLIENT', 'PAUSE', '1000', 'ALL');
      const switchMs = await waitForState(store, 'memory', timeoutMs + 200);
      const recoveryMs = await waitForState(store, 'redis', 5_000);
      await sleep(200);
      const result = await load.stop();
      console.info(`pause: switched in ${switchMs.toFixed(1)} ms, back ${(performance.now() - pausedAt).toFixed(0)} ms after the pause began (${recoveryMs.toFixed(0)} ms degraded), max latency ${result.maxLatencyMs.toFixed(1)} ms`);
      expect(result.errors).toEqual([]);
      expect(switchMs).toBeLessThanOrEqual(timeoutMs + 200);
      expect(result.maxLatencyMs).toBeLessThan(timeoutMs + 200);
      expect(transitions).toEqual(['memory', 'redis']);
    });

    it('survives CLIENT KILL of its connections: no caller error, and back on Redis', async () => {
      const load = startLoad(store);
      await sleep(200);
      await redis.cli('CLIENT', 'KILL', 'TYPE', 'normal');
      await sleep(500);
      await waitForState(store, 'redis', 5_000);
      const result = await load.stop();
      console.info(`kill connections: transitions ${transitions.join(' → ') || 'none'}, max latency ${result.maxLatencyMs.toFixed(1)} ms`);
      expect(result.errors).toEqual([]);
      expect(result.maxLatencyMs).toBeLessThan(timeoutMs + 200);
      expect(transitions.length % 2).toBe(0);
    });

    it('serves writes made during an outage from memory, then drops them and deletes their keys in Redis', async () => {
      await store.set('changed', 'before');
      await store.set('removed', 'before');
      await store.set('tagged', 'before', { tags: ['group'] });
      await store.set('untouched', 'before');
      await store.incr('counter');
      await redis.cli('CLIENT', 'PAUSE', '600', 'ALL');
      await store.get('untouched'); // times out: this read is served from memory (a miss)
      expect(store.state).toBe('memory');
      await store.set('changed', 'during');
      await store.delete('removed');
      await store.deleteByTag('group');
      expect(await store.get('changed')).toBe('during');
      expect(await store.incr('counter')).toBe(1); // a local counter, not Redis's
      await waitForState(store, 'redis', 5_000);
      expect(await store.get('changed')).toBeUndefined(); // neither the outage value nor the stale one
      expect(await store.get('removed')).toBeUndefined(); // the deletion was replayed
      expect(await store.get('tagged')).toBeUndefined();
      expect(await store.get('untouched')).toBe('before');
      expect(await store.incr('counter')).toBe(2); // Redis's counter resumes; the outage's count is not merged
    });
  });
}
