/**
 * Cache benchmark: ops/s and latency percentiles of get (hit) and set on the memory, Redis and
 * fallback stores, beside raw ioredis and raw lru-cache measured in the same run. Rounds alternate
 * the variants so machine noise hits them alike; each figure is the median of the rounds.
 *
 *   npm run bench -- cache            (REDIS_URL, default redis://127.0.0.1:6379)
 *   npm run bench -- cache --quick    (fewer operations, for a smoke run)
 *   npm run bench -- cache --only http (or store: one part only; the section then keeps the other part's last text)
 *
 * The HTTP part (http.ts) needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { createCacheRedisClient, FallbackCacheStore, MemoryCacheStore, RedisCacheStore } from '../../src/cache/index.js';
import { readFileSync } from 'node:fs';
import { machine, recordSection, table } from '../lib/report.js';
import { measureHttp } from './http.js';

const quick = process.argv.includes('--quick');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
const postgresUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const httpHeading = '### HTTP response caching';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const rounds = quick ? 1 : 5;
const keys = 1_000;
const modes = [
  { name: 'sequential', concurrency: 1, operations: quick ? 2_000 : 10_000 },
  { name: '64 in flight', concurrency: 64, operations: quick ? 10_000 : 50_000 },
];
// A typical cached read: a small JSON object with a date (≈ 200 bytes encoded).
const value = { id: 'run_01HZX', status: 'running', phase: 'implement', tasks: { queued: 12, running: 4, done: 31 }, cost: 1.2345, updatedAt: new Date('2024-05-06T07:08:09Z') };

interface Operations {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<unknown>;
}

interface Measurement {
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(operations: Operations, operation: 'get' | 'set', concurrency: number, total: number): Promise<Measurement> {
  const latencies = new Float64Array(total);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const key = `bench:${index % keys}`;
        const before = performance.now();
        if (operation === 'get') await operations.get(key);
        else await operations.set(key, value);
        latencies[index] = performance.now() - before;
      }
    }),
  );
  const elapsed = performance.now() - started;
  latencies.sort();
  return { opsPerSecond: (total / elapsed) * 1000, p50Ms: latencies[Math.floor(total * 0.5)]!, p99Ms: latencies[Math.floor(total * 0.99)]! };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** This section's text as last recorded, split into the store part and the HTTP part. */
function recordedParts(): { store: string; http: string } {
  const match = /<!-- bench:cache -->\n([\s\S]*?)\n<!-- \/bench:cache -->/.exec(readFileSync('docs/benchmarks.md', 'utf8'));
  const text = match?.[1] ?? '';
  const at = text.indexOf(httpHeading);
  return at < 0 ? { store: text, http: '' } : { store: text.slice(0, at).trimEnd(), http: text.slice(at) };
}

async function httpPart(): Promise<string> {
  try {
    return await measureHttp({ postgresUrl, redisUrl, quick, log: (line) => console.error(line) });
  } catch (error) {
    console.warn(`HTTP part not measured: ${(error as Error).message}`);
    return `${httpHeading}\n\nNot measured in the last run: PostgreSQL at ${postgresUrl.replace(/\/\/[^@]*@/, '//')} was not reachable (${(error as Error).message}).`;
  }
}

async function main(): Promise<void> {
  const previous = recordedParts();
  // The line the store part used to end with, before the HTTP part existed.
  const storeText = only === 'http' ? previous.store.replace(/\n*Not measured here: `GET \/api\/v1\/costs`[^\n]*/, '') : await storePart();
  const httpText = only === 'store' ? previous.http : await httpPart();
  recordSection('cache', [storeText, httpText].filter(Boolean).join('\n\n'));
}

async function storePart(): Promise<string> {
  const prefix = `anvil-bench:${randomUUID()}:`;
  const variants: { name: string; baseline?: string; operations: Operations }[] = [];
  const lru = new LRUCache<string, string>({ maxSize: 64 * 2 ** 20, sizeCalculation: (entry, key) => (entry.length + key.length) * 2 + 64 });
  variants.push({ name: 'raw lru-cache (JSON)', operations: { get: async (key) => JSON.parse(lru.get(key) ?? 'null'), set: async (key, entry) => lru.set(key, JSON.stringify(entry)) } });
  const memory = new MemoryCacheStore();
  variants.push({ name: 'memory store', baseline: 'raw lru-cache (JSON)', operations: memory });

  const closers: (() => Promise<unknown>)[] = [() => memory.close()];
  let redisNote = '';
  const raw = createCacheRedisClient({ url: redisUrl, commandTimeoutMs: 2_000 });
  try {
    await raw.connect();
    // Under the stores' value namespace, so the clean-up below (SCAN, never KEYS) removes it too.
    const rawPrefix = `${prefix}k:raw:`;
    variants.push({
      name: 'raw ioredis (JSON)',
      operations: {
        get: async (key) => JSON.parse((await raw.get(rawPrefix + key)) ?? 'null'),
        set: (key, entry) => raw.set(rawPrefix + key, JSON.stringify(entry)),
      },
    });
    const open = async (): Promise<RedisCacheStore> => {
      const client = createCacheRedisClient({ url: redisUrl, commandTimeoutMs: 2_000 });
      await client.connect();
      return new RedisCacheStore({ client, keyPrefix: prefix });
    };
    const redis = await open();
    const fallback = new FallbackCacheStore({ redis: await open(), memory: new MemoryCacheStore() });
    variants.push({ name: 'redis store', baseline: 'raw ioredis (JSON)', operations: redis });
    variants.push({ name: 'fallback store (Redis up)', baseline: 'raw ioredis (JSON)', operations: fallback });
    closers.push(async () => {
      await redis.deleteByPattern('*');
      await raw.quit();
    });
    closers.push(() => redis.close(), () => fallback.close());
  } catch (error) {
    raw.disconnect();
    redisNote = `Redis at ${redisUrl} was not reachable (${(error as Error).message}); only memory was measured.`;
    console.warn(redisNote);
  }

  // Fill every key once so gets are hits, and warm up the JIT.
  for (const variant of variants) await measure(variant.operations, 'set', 16, keys * 2);

  const results = new Map<string, Measurement[]>();
  for (let round = 0; round < rounds; round += 1) {
    for (const mode of modes) {
      for (const operation of ['get', 'set'] as const) {
        for (const variant of round % 2 ? [...variants].reverse() : variants) {
          const id = `${variant.name}|${mode.name}|${operation}`;
          const list = results.get(id) ?? [];
          list.push(await measure(variant.operations, operation, mode.concurrency, mode.operations));
          results.set(id, list);
        }
      }
    }
  }

  const rows: (string | number)[][] = [];
  for (const mode of modes) {
    for (const operation of ['get', 'set'] as const) {
      for (const variant of variants) {
        const list = results.get(`${variant.name}|${mode.name}|${operation}`)!;
        const ops = median(list.map((entry) => entry.opsPerSecond));
        const p50 = median(list.map((entry) => entry.p50Ms));
        const p99 = median(list.map((entry) => entry.p99Ms));
        let ratio = '—';
        if (variant.baseline) {
          const base = results.get(`${variant.baseline}|${mode.name}|${operation}`)!;
          ratio = `${(median(base.map((entry) => entry.opsPerSecond)) / ops).toFixed(2)}× time, p99 ${(p99 / median(base.map((entry) => entry.p99Ms))).toFixed(2)}×`;
        }
        rows.push([mode.name, operation, variant.name, Math.round(ops).toLocaleString('en-US'), (p50 * 1000).toFixed(0), (p99 * 1000).toFixed(0), ratio]);
      }
    }
  }
  for (const close of closers) await close(); // in order: the clean-up needs the Redis store still open

  const text = table(['mode', 'op', 'variant', 'ops/s', 'p50 µs', 'p99 µs', 'vs raw (same run)'], rows);
  return [
      '## Cache (`bench/cache`)',
      '',
      'Command: `npm run bench -- cache` (Redis from `REDIS_URL`, default `redis://127.0.0.1:6379`).',
      `Machine: ${machine()}. Redis: ${redisNote ? 'not measured' : redisUrl.replace(/\/\/[^@]*@/, '//')} on the same machine.`,
      `Workload: get (hit) and set of a ≈200-byte object with a Date over ${keys.toLocaleString('en-US')} keys; ${modes.map((mode) => `${mode.name}: ${mode.operations.toLocaleString('en-US')} operations`).join(', ')}; median of ${rounds} alternating rounds. Raw baselines do the JSON work any caller would (stringify on set, parse on get); the stores also encode the Date. "vs raw" divides the baseline's ops/s by the variant's (the time cost per operation) and the variant's p99 by the baseline's.`,
      redisNote,
      '',
      text,
    ]
      .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
      .join('\n');
}

await main();
