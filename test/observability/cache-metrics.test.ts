import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { valueOf } from '../helpers/metrics-text.js';
import { createTestRuntime } from '../helpers/runtime.js';
import { freePort } from '../helpers/prometheus-server.js';
import { redisUrl } from '../helpers/services.js';

const variant = { name: 'pglite' as const, open: openMigratedPglite };

describe('cache metrics', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('reports the memory fallback as active when Redis is unreachable at start', async () => {
    // A loopback port nobody listens on: the cache starts degraded, serving from memory.
    runtime = await createTestRuntime(variant, { redis: { url: `redis://127.0.0.1:${await freePort()}` }, cache: { redisTimeoutMs: 50, reconnectMinMs: 50, reconnectMaxMs: 200 } });
    expect(runtime.cacheState?.()).toBe('degraded');
    await runtime.cache.set('anvil-metrics-probe', 1);
    expect(await runtime.cache.get('anvil-metrics-probe')).toBe(1);
    const text = await runtime.metrics!.render();
    expect(valueOf(text, 'cache_fallback_active', { backend: 'redis' })).toBe(1);
    expect(valueOf(text, 'cache_operations_total', { backend: 'memory', operation: 'get', result: 'hit' })).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('counts memory cache operations and keeps the fallback gauge at zero without Redis', async () => {
    runtime = await createTestRuntime(variant);
    await runtime.cache.get('absent');
    await runtime.cache.set('present', 'value');
    await runtime.cache.get('present');
    const text = await runtime.metrics!.render();
    expect(valueOf(text, 'cache_fallback_active', { backend: 'redis' })).toBe(0);
    expect(valueOf(text, 'cache_operations_total', { backend: 'memory', operation: 'get', result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'cache_operations_total', { backend: 'memory', operation: 'set', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(valueOf(text, 'cache_operations_total', { backend: 'memory', operation: 'get', result: 'hit' })).toBeGreaterThanOrEqual(1);
  }, 120_000);

  const url = redisUrl();
  if (url) {
    it('counts Redis operations while Redis serves', async () => {
      runtime = await createTestRuntime(variant, { redis: { url }, cache: { keyPrefix: `anvil-metrics-test-${process.pid}:` } });
      expect(runtime.cacheState?.()).toBe('ok');
      await runtime.cache.set('present', 'value');
      await runtime.cache.get('present');
      const text = await runtime.metrics!.render();
      expect(valueOf(text, 'cache_fallback_active', { backend: 'redis' })).toBe(0);
      expect(valueOf(text, 'cache_operations_total', { backend: 'redis', operation: 'get', result: 'hit' })).toBeGreaterThanOrEqual(1);
      await runtime.cache.deleteByPattern('*');
    }, 120_000);
  }
});
