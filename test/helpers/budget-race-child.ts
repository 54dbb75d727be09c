// One process of the budget race (test/llm/budget-race.redis.test.ts): a gateway sharing Redis with the
// other process fires CALLS concurrent calls for one tenant and prints how many were answered.
import { openCacheStore } from '../../src/cache/index.js';
import { anvilProviderOptions } from '../../src/llm/index.js';
import { createTestGateway } from './gateway.js';

const calls = Number(process.env.CALLS);
const cache = await openCacheStore({ redisUrl: process.env.REDIS_URL, keyPrefix: process.env.KEY_PREFIX });
const test = await createTestGateway(
  { llm: { openaiApiKey: 'sk-test', openaiBaseUrl: process.env.UPSTREAM_URL }, gateway: { budget: { tenantDailyUsd: Number(process.env.BUDGET_USD) }, retry: { maxRetries: 0 } } },
  { cache },
);
const model = test.gateway.models.resolve('openai/gpt-4o-mini').model;
// Say so, then wait for the starting signal, so both processes fire together.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
const outcomes = await Promise.allSettled(
  Array.from({ length: calls }, (_, index) =>
    model.doGenerate({
      prompt: [{ role: 'user', content: [{ type: 'text', text: `race question ${process.pid} ${String(index).padStart(6, '0')}` }] }],
      maxOutputTokens: 100,
      providerOptions: anvilProviderOptions({ tenant: 'race' }),
    }),
  ),
);
const refused = outcomes.filter((outcome) => outcome.status === 'rejected' && (outcome.reason as { code?: string }).code === 'BUDGET_EXCEEDED').length;
const succeeded = outcomes.filter((outcome) => outcome.status === 'fulfilled').length;
process.stdout.write(`${JSON.stringify({ succeeded, refused, other: calls - succeeded - refused })}\n`);
await test.close();
await cache.close();
