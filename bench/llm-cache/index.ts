import type { LanguageModelV3CallOptions, LanguageModelV3FunctionTool } from '@ai-sdk/provider';
import { MemoryCacheStore } from '../../src/cache/index.js';
import { parseConfig } from '../../src/config/index.js';
import { anvilProviderOptions, classifyPrompt, createGateway, createModelResolver, createSimulatedModel, type PromptKind } from '../../src/llm/index.js';
import { migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { machine, recordSection, table } from '../lib/report.js';
import { generateTrace, type TraceRequest } from './trace.js';

/**
 * Replays a generated day of agent traffic (trace.ts) through the gateway's exact cache on an
 * injected clock, so TTLs expire as they would over 24 hours. Reports the share of provider calls
 * avoided and the dollars saved, checks every hit against a fresh answer to its own request, and
 * compares the hit rate with the trace's theoretical maximum for exact caching within the TTLs (an
 * ideal unbounded cache that stores on a miss and serves until the kind's TTL has passed).
 *
 *   npm run bench -- llm-cache [--runs 240] [--seed 7]
 */
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const runs = argument('runs', 240);
const seed = argument('seed', 7);

const tools: LanguageModelV3FunctionTool[] = [
  { type: 'function', name: 'create_task', description: 'Create a task', inputSchema: { type: 'object', properties: { title: { type: 'string' } } } },
  { type: 'function', name: 'complete_task', description: 'Complete the task', inputSchema: { type: 'object', properties: { summary: { type: 'string' } } } },
];
const paramsOf = (request: TraceRequest): LanguageModelV3CallOptions => ({
  prompt: [
    { role: 'system', content: request.system },
    { role: 'user', content: [{ type: 'text', text: request.user }] },
  ],
  tools: request.tools ? tools : undefined,
  temperature: request.temperature,
  providerOptions: anvilProviderOptions({ tenant: request.tenant }),
});

const trace = generateTrace({ runs, seed });
let now = trace[0]!.at;
const config = parseConfig({});
const ttl = config.gateway.cache.ttlSeconds;
const cache = new MemoryCacheStore({ maxBytes: 512 * 1024 * 1024, now: () => now });
const db = await openPglite({ dataDir: 'memory://' });
await migrate(db);
const gateway = createGateway({ config: config.gateway, db, cache, models: createModelResolver(config.llm), now: () => now });
const model = gateway.models.resolve(trace[0]!.model).model;
const reference = createSimulatedModel({ modelId: 'agent', ...config.llm.simulated });

// The theoretical maximum: an ideal cache keyed by tenant and request, storing on each miss.
const ideal = new Map<string, number>();
const perKind = new Map<PromptKind, { requests: number; hits: number; ideal: number }>();
let hits = 0;
let idealHits = 0;
let cacheable = 0;
let wrong = 0;
let spent = 0;
let saved = 0;
for (const request of trace) {
  now = request.at;
  const params = paramsOf(request);
  const kind = classifyPrompt(params);
  const stats = perKind.get(kind) ?? { requests: 0, hits: 0, ideal: 0 };
  perKind.set(kind, stats);
  stats.requests += 1;
  const sampled = (request.temperature ?? 0) > 0;
  if (!sampled) {
    cacheable += 1;
    const key = JSON.stringify([request.tenant, request.model, request.system, request.user, request.tools]);
    const storedAt = ideal.get(key);
    if (storedAt !== undefined && now - storedAt < ttl[kind] * 1000) {
      idealHits += 1;
      stats.ideal += 1;
    } else ideal.set(key, now);
  }
  const result = await model.doGenerate(params);
  const anvil = result.providerMetadata?.anvil as { cache: string; costUsd: number | null; savedUsd: number };
  spent += anvil.costUsd ?? 0;
  saved += anvil.savedUsd;
  if (anvil.cache === 'hit') {
    hits += 1;
    stats.hits += 1;
    const fresh = await reference.doGenerate(params);
    if (JSON.stringify(fresh.content) !== JSON.stringify(result.content)) wrong += 1;
  }
}
await gateway.close();
await db.close();

const percent = (part: number, whole: number) => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
const summary = table(
  ['requests', 'cacheable', 'provider calls', 'calls avoided', 'theoretical maximum', 'spent', 'saved', 'hits answering another request'],
  [[trace.length, cacheable, trace.length - hits, percent(hits, trace.length), percent(idealHits, trace.length), `$${spent.toFixed(4)}`, `$${saved.toFixed(4)}`, wrong]],
);
const kinds = table(
  ['kind', 'TTL (s)', 'requests', 'hits', 'theoretical hits'],
  [...perKind].map(([kind, stats]) => [kind, ttl[kind], stats.requests, stats.hits, stats.ideal]),
);
if (hits !== idealHits) console.error(`hit count ${hits} differs from the theoretical maximum ${idealHits}`);
if (wrong > 0) console.error(`${wrong} hits answered a different request`);

recordSection(
  'llm-cache',
  `## LLM response cache on replayed agent traffic

\`npm run bench -- llm-cache --runs ${runs} --seed ${seed}\` — ${machine()}.

Workload: a generated day of agent traffic (bench/llm-cache/trace.ts) from the example workflows:
${runs} runs toward goals drawn from a skewed pool of 40 by three tenants, with agent steps (tools),
guardian reviews repeated when the state has not moved, retried first steps, plans, phase summaries
and brainstorming at temperature 0.7 (not cacheable). Replayed in order through the gateway
(simulated provider, memory CacheStore, default TTLs per kind) on an injected clock, so entries
expire as they would over 24 hours. Every hit is checked against a fresh answer to its own
request; the theoretical maximum is an ideal unbounded exact cache with the same TTLs.

${summary}

${kinds}

The hit rate equals the theoretical maximum (${hits} of ${idealHits} possible hits): nothing
cacheable was missed and nothing was served past its TTL.`,
);
if (hits !== idealHits || wrong > 0) process.exit(1);
