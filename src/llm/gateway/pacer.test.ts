import { describe, expect, it } from 'vitest';
import { Pacer } from './pacer.js';
import { retryAfter, retryDelayMs } from './retry.js';

describe('the pacer', () => {
  it('holds calls beyond the concurrency limit until one finishes, first come first served', async () => {
    const pacer = new Pacer({ concurrency: 2, requestsPerMinute: 0, tokensPerMinute: 0 });
    const first = await pacer.acquire(1);
    await pacer.acquire(1);
    const order: number[] = [];
    const third = pacer.acquire(1).then((release) => (order.push(3), release));
    const fourth = pacer.acquire(1).then((release) => (order.push(4), release));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    first();
    (await third)();
    await fourth;
    expect(order).toEqual([3, 4]);
  });

  it('spaces requests to the requests-per-minute bucket', async () => {
    let now = 0;
    const pacer = new Pacer({ concurrency: 100, requestsPerMinute: 60, tokensPerMinute: 0 }, () => now);
    for (let index = 0; index < 60; index++) (await pacer.acquire(1))();
    let started = false;
    const next = pacer.acquire(1).then(() => (started = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(started).toBe(false);
    now += 1_000; // one request's worth refills in a second
    await next;
    expect(started).toBe(true);
  });

  it('lets a call larger than a minute of tokens through once the bucket is full', async () => {
    const pacer = new Pacer({ concurrency: 10, requestsPerMinute: 0, tokensPerMinute: 100 });
    const release = await pacer.acquire(5_000);
    release();
  });
});

describe('retry timing', () => {
  const policy = { maxRetries: 3, baseMs: 100, maxMs: 1_000, maxRetryAfterMs: 5_000 };
  it('reads retry-after in seconds, as a date, and retry-after-ms', () => {
    expect(retryAfter({ 'retry-after': '2' })).toBe(2_000);
    expect(retryAfter({ 'retry-after-ms': '150' })).toBe(150);
    expect(retryAfter({ 'retry-after': new Date(10_000).toUTCString() }, 4_000)).toBe(6_000);
  });
  it('backs off exponentially with jitter over the upper half, and stops after maxRetries', () => {
    const verdict = { retryable: true, providerFault: true };
    expect(retryDelayMs(policy, 1, verdict, () => 0)).toBe(50);
    expect(retryDelayMs(policy, 3, verdict, () => 1)).toBe(400);
    expect(retryDelayMs(policy, 5, { ...verdict }, () => 1)).toBeUndefined();
    expect(retryDelayMs({ ...policy, maxRetries: 10 }, 8, verdict, () => 1)).toBe(1_000);
  });
  it('waits at least the retry-after, and gives up on one longer than allowed', () => {
    expect(retryDelayMs(policy, 1, { retryable: true, providerFault: true, retryAfterMs: 2_000 }, () => 0)).toBe(2_000);
    expect(retryDelayMs(policy, 1, { retryable: true, providerFault: true, retryAfterMs: 9_000 })).toBeUndefined();
    expect(retryDelayMs(policy, 1, { retryable: false, providerFault: false })).toBeUndefined();
  });
});
