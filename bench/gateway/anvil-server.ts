// Anvil's HTTP server for bench/gateway: /v1/chat/completions through the gateway to the upstream,
// with the ledger and budgets on (a tenant daily budget far above what the run spends). Rate
// limiting by IP is off: one load generator on one address would hit it at once. Prints its port.
import { buildServer } from '../../src/api/index.js';
import { parseConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';

const upstream = process.argv[2]!;
const config = parseConfig({
  database: { dataDir: 'memory://' },
  log: { level: 'silent' },
  server: { workers: false },
  llm: { openaiCompatibleBaseUrl: `${upstream}/v1`, defaultModel: 'openai-compatible/bench-model' },
  gateway: { budget: { tenantDailyUsd: 1_000_000 }, prices: { 'openai-compatible/bench-model': { input: 0.15, output: 0.6 } } },
  security: { rateLimit: { enabled: false } },
});
const runtime = await createRuntime(config, { role: 'serve' });
const app = await buildServer({ runtime, dashboard: false });
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${(app.server.address() as { port: number }).port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => runtime.close()).then(() => process.exit(0));
});
