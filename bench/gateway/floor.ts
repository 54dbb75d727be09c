// Where a gateway call's CPU goes, without HTTP in front: each layer of a /v1/chat/completions
// miss, called in-process against the same zero-latency upstream, 32 calls in flight. Prints one
// JSON object: CPU microseconds per call for each layer. Used by bench/gateway (index.ts).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { request } from 'undici';
import { MemoryCacheStore } from '../../src/cache/index.js';
import { parseConfig } from '../../src/config/index.js';
import { anvilProviderOptions, createGateway, createModelResolver } from '../../src/llm/index.js';
import { createPooledFetch } from '../../src/llm/providers/pooled-fetch.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { insertLlmCalls, type LlmCallRow } from '../../src/store/llm-calls.js';

const upstream = process.argv[2]!;
const calls = Number(process.argv[3] ?? 4_000);
const inFlight = 32;

/** CPU microseconds per call of `work`, run `calls` times with `inFlight` at once, after a warm-up. */
async function cpuPerCall(work: (index: number) => PromiseLike<unknown>): Promise<number> {
  let next = 0;
  const run = async (total: number) => {
    next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < total) await work(next++);
      }),
    );
  };
  await run(Math.min(1_000, calls));
  const before = process.cpuUsage();
  await run(calls);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

let question = 0;
const prompt = (): LanguageModelV3CallOptions => ({ prompt: [{ role: 'user', content: [{ type: 'text', text: `Benchmark question ${++question}` }] }] });
const body = () => JSON.stringify({ model: 'bench-model', messages: [{ role: 'user', content: `Benchmark question ${++question}` }] });

const pooled = createPooledFetch();
const compatible = (fetch?: typeof globalThis.fetch): LanguageModelV3 =>
  createOpenAICompatible({ name: 'openai-compatible', baseURL: `${upstream}/v1`, includeUsage: true, fetch }).chatModel('bench-model');
const viaGlobalFetch = compatible();
const viaPooledFetch = compatible(pooled.fetch);

const config = parseConfig({
  database: { dataDir: 'memory://' },
  llm: { openaiCompatibleBaseUrl: `${upstream}/v1`, defaultModel: 'openai-compatible/bench-model' },
  gateway: { budget: { tenantDailyUsd: 1_000_000 }, prices: { 'openai-compatible/bench-model': { input: 0.15, output: 0.6 } } },
});
const db = await openPglite({ dataDir: 'memory://' });
await migrate(db);
const gateway = createGateway({ config: config.gateway, db, cache: new MemoryCacheStore({ maxBytes: 256 * 1024 * 1024 }), models: createModelResolver(config.llm) });
const wrapped = gateway.models.resolve('openai-compatible/bench-model').model;
const context = { providerOptions: anvilProviderOptions({ tenant: 'bench' }) };
const fixed = { ...prompt(), ...context };

const row = (): LlmCallRow => ({
  run_id: null, task_id: null, session_id: null, tenant: 'bench', provider: 'openai-compatible', model: 'openai-compatible/bench-model', kind: 'chat',
  tokens_input: 24, tokens_output: 9, tokens_cache_read: 0, tokens_cache_write: 0, cost_usd: 0.000009, saved_usd: 0, cache_hit: false, cache_ttl_seconds: 3600, latency_ms: 1, error: null,
  created_at: new Date().toISOString(),
});
const ledgerBatch = 500;

const result = {
  'undici.request to the upstream (the bare proxy’s client)': await cpuPerCall(async () => {
    const answer = await request(`${upstream}/v1/chat/completions`, { method: 'POST', body: body(), headers: { 'content-type': 'application/json' } });
    await answer.body.text();
  }),
  'global fetch to the upstream': await cpuPerCall(async () => {
    const answer = await fetch(`${upstream}/v1/chat/completions`, { method: 'POST', body: body(), headers: { 'content-type': 'application/json' } });
    await answer.text();
  }),
  'AI SDK doGenerate, global fetch': await cpuPerCall(() => viaGlobalFetch.doGenerate(prompt())),
  'AI SDK doGenerate, pooled fetch (what Anvil uses)': await cpuPerCall(() => viaPooledFetch.doGenerate(prompt())),
  'gateway doGenerate, miss (cache, budget, ledger queue, pooled fetch)': await cpuPerCall(() => wrapped.doGenerate({ ...prompt(), ...context })),
  'gateway doGenerate, hit': await cpuPerCall(() => wrapped.doGenerate(fixed)),
  'ledger row written to PGlite (batches of 500)': await (async () => {
    const before = process.cpuUsage();
    for (let batch = 0; batch < 8; batch++) await insertLlmCalls(db, Array.from({ length: ledgerBatch }, row));
    const used = process.cpuUsage(before);
    return (used.user + used.system) / (8 * ledgerBatch);
  })(),
};
await gateway.close();
await db.close();
await pooled.close();
process.stdout.write(`${JSON.stringify(result)}\n`);
