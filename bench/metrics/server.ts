/**
 * One side of the metrics benchmark, in its own process so that process-wide costs (default
 * process metrics, the GC observer) stay with the side that pays them: an API server on an
 * embedded database with one run, metrics on or off (`observability.metrics`). Prints
 * `{"url":…,"runId":…}` once listening; answers each `cpu` line on stdin with the CPU time it
 * has used so far (µs), so the benchmark can count CPU per request whatever else the machine runs;
 * exits on SIGTERM.
 */
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { createRuntime } from '../../src/runtime.js';

const metrics = process.argv[2] === 'on';
const runtime = await createRuntime(
  testConfig({
    observability: { metrics },
    // Every request reads the database: no response cache, no rate limit in the way of the load.
    cache: { httpResponses: false },
    security: { rateLimit: { enabled: false } },
  }),
);
await registerWorkflow(runtime.db, parse(await readFile('examples/quickstart.yaml', 'utf8')));
const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'add a streaming mode', simulated: true });
const app = await buildServer({ runtime, dashboard: false });
const url = await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ url, runId: run.id })}\n`);
createInterface({ input: process.stdin }).on('line', () => {
  const usage = process.cpuUsage();
  process.stdout.write(`${usage.user + usage.system}\n`);
});
process.on('SIGTERM', () => {
  void app
    .close()
    .then(() => runtime.close())
    .finally(() => process.exit(0));
});
