import { describe, expect, it } from 'vitest';
import { reconnectDelay } from './client.js';
import { cacheStrategies, jitterTtl, resolveStrategy } from './strategies.js';

describe('cache strategies', () => {
  it('orders the named profiles from short to static', () => {
    const ttls = (['short', 'medium', 'long', 'static'] as const).map((name) => cacheStrategies[name].ttlSeconds);
    expect([...ttls].sort((a, b) => a - b)).toEqual(ttls);
  });

  it('defaults to medium and lets a TTL or partial strategy override it', () => {
    expect(resolveStrategy()).toEqual(cacheStrategies.medium);
    expect(resolveStrategy('short', 5).ttlSeconds).toBe(5);
    expect(resolveStrategy({ staleSeconds: 0 })).toEqual({ ...cacheStrategies.medium, staleSeconds: 0 });
  });

  it('rejects an unknown name and an impossible jitter', () => {
    expect(() => resolveStrategy('forever' as 'short')).toThrow(/unknown cache strategy/);
    expect(() => resolveStrategy({ jitterRatio: 1 })).toThrow(/invalid cache strategy/);
  });

  it('jitters TTLs downwards only, across the whole ratio', () => {
    expect(jitterTtl(100, 0.1, () => 0)).toBe(100);
    expect(jitterTtl(100, 0.1, () => 1)).toBeCloseTo(90);
    const samples = Array.from({ length: 1_000 }, () => jitterTtl(100, 0.1));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(90);
    expect(Math.max(...samples)).toBeLessThanOrEqual(100);
    expect(new Set(samples.map(Math.round)).size).toBeGreaterThan(5);
  });

  it('spreads reconnect delays over the upper half of a doubling, capped backoff', () => {
    expect(reconnectDelay(1, 100, 5_000, () => 0)).toBe(50);
    expect(reconnectDelay(1, 100, 5_000, () => 1)).toBe(100);
    expect(reconnectDelay(4, 100, 5_000, () => 1)).toBe(800);
    expect(reconnectDelay(30, 100, 5_000, () => 1)).toBe(5_000);
  });
});
