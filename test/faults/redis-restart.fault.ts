import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { failed, secondsToFirstWrite, startLoad } from './harness/load.js';
import { awaitOutcome } from './harness/outcome.js';
import { startPrivateRedis, type PrivateRedis } from './harness/private-redis.js';
import { recordScenario } from './harness/report.js';
import { describeStack, scenarioResult, startStack, type Stack } from './harness/stack.js';

/**
 * Redis stopped (killed) and restarted under load. Redis holds only the cache (and the HTTP
 * response cache): every process falls back to memory while it is gone and goes back to Redis
 * when it answers again, so no request fails and no work is touched.
 */
describe('Redis stopped and restarted under load', () => {
  let stack: Stack | undefined;
  let redis: PrivateRedis | undefined;
  afterAll(async () => {
    await stack?.close();
    await redis?.stop();
  });

  it('serves every request from the memory fallback while Redis is gone, and loses nothing', async () => {
    redis = await startPrivateRedis();
    stack = await startStack({ apis: 1, workers: 1, env: { REDIS_URL: redis.url, ANVIL_SIMULATED_LATENCY_MS: '50' } });
    const api = stack.apis[0]!;
    const load = startLoad({ baseUrls: () => [api.baseUrl], clients: 8, writeShare: 0.3, workflow: 'fault-one-task' });
    await sleep(3_000);
    await redis.stop();
    const downAt = Date.now();
    await sleep(1_000);
    const degraded = (await (await fetch(`${api.baseUrl}/readyz`)).json()) as { status: string; cache: string };
    await sleep(2_000);
    await redis.start();
    const upAt = Date.now();
    // The cache reconnects with a doubling backoff capped at 5 s.
    let cacheState = 'degraded';
    while (cacheState !== 'ok' && Date.now() - upAt < 15_000) {
      await sleep(250);
      cacheState = ((await (await fetch(`${api.baseUrl}/readyz`)).json()) as { cache: string }).cache;
    }
    const recoverSeconds = (Date.now() - upAt) / 1000;
    await sleep(1_000);
    await load.stop();

    const outcome = await awaitOutcome(stack.db, load.acceptedRunIds);
    const during = load.records.filter((record) => record.at >= downAt && record.at < upAt);
    const result = scenarioResult('Redis stopped and restarted under load', load, outcome, recoverSeconds, `down 3 s (SIGKILL); ${during.length} requests while down, served from memory; back on Redis after ${recoverSeconds.toFixed(1)} s`);
    recordScenario(result);

    expect(degraded).toMatchObject({ status: 'ready', cache: 'degraded' });
    expect(cacheState).toBe('ok');
    expect(during.length).toBeGreaterThan(0);
    expect(load.records.filter(failed).slice(0, 5)).toEqual([]);
    expect(secondsToFirstWrite(load.records, upAt)).not.toBeNull();
    expect(outcome.unfinishedRuns, describeStack(stack)).toEqual([]);
    expect(outcome.tasksLost).toBe(0);
    expect(outcome.tasksCompletedTwice).toBe(0);
  });
});
