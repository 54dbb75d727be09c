/**
 * The input inspector's cost on a route that does real work: `POST /api/v1/runs/:id/tasks`
 * (schema validation, inspection of params, headers and a body with a title and a 1 KB
 * description, a dedupe-checked insert with its event). Two servers in this process share one
 * runtime and database and differ only in the inspector hook; autocannon runs in a child process
 * so it does not share their event loop. Rounds are interleaved and alternate which server goes
 * first; each figure is the median of the rounds. Target: on ≥ 90% of off.
 *
 *   npm run bench -- inspect-route [--rounds N] [--seconds S] [--connections C]
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { createRuntime } from '../../src/runtime.js';
import { machine, recordSection, table } from '../lib/report.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const rounds = Math.max(5, argument('rounds', 6));
const seconds = argument('seconds', 5);
const connections = argument('connections', 10);
const loadScript = fileURLToPath(new URL('./load.ts', import.meta.url));
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const workflow = {
  name: 'bench-inspect-route',
  first_task: { title: 'start' },
  phases: [{ key: 'work', name: 'Work' }],
  limits: { max_tasks: 100_000_000 },
};

interface Load {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function load(url: string): Promise<Load> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', loadScript, url, String(connections), String(seconds)], { maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(stdout) as Load;
}

const config = testConfig({ security: { rateLimit: { enabled: false } }, log: { level: 'silent' } });
const runtime = await createRuntime(config);
const servers: Record<'on' | 'off', FastifyInstance> = {
  on: await buildServer({ runtime, dashboard: false }),
  off: await buildServer({ runtime, dashboard: false, security: { inspect: false } }),
};
const registered = await servers.on.inject({ method: 'POST', url: '/api/v1/workflows', payload: workflow });
if (registered.statusCode >= 300) throw new Error(`workflow: ${registered.body}`);
const base = {
  on: `${await servers.on.listen({ port: 0, host: '127.0.0.1' })}/api/v1/runs`,
  off: `${await servers.off.listen({ port: 0, host: '127.0.0.1' })}/api/v1/runs`,
};
// Each measurement writes into a run of its own: task creation checks the run's task count, so
// a run that grew through earlier rounds would make later measurements slower than earlier ones.
async function freshRunUrl(variant: 'on' | 'off'): Promise<string> {
  const run = await servers.on.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: workflow.name, goal: 'measure the inspector on a route that writes' } });
  return `${base[variant]}/${(run.json() as { id: string }).id}/tasks`;
}

// Warm both (JIT, caches, the first pages of the tasks table) before measuring.
for (const variant of ['on', 'off'] as const) await load(await freshRunUrl(variant));
const results: Record<'on' | 'off', Load[]> = { on: [], off: [] };
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
  for (const variant of order) {
    const result = await load(await freshRunUrl(variant));
    results[variant].push(result);
    console.error(`round ${round + 1}/${rounds} inspector ${variant}: ${Math.round(result.requestsPerSecond)} req/s, p50 ${result.p50Ms} ms, errors ${result.errors}`);
  }
}
const tasks = await runtime.db.query<{ count: number }>('SELECT count(*)::int AS count FROM tasks');
await servers.on.close();
await servers.off.close();
await runtime.close();

const summary = (variant: 'on' | 'off') => ({
  rps: median(results[variant].map((result) => result.requestsPerSecond)),
  p50: median(results[variant].map((result) => result.p50Ms)),
  p99: median(results[variant].map((result) => result.p99Ms)),
  errors: results[variant].reduce((sum, result) => sum + result.errors, 0),
});
const on = summary('on');
const off = summary('off');
const ratio = on.rps / off.rps;
const rows = [
  ['off', Math.round(off.rps), off.p50, off.p99, off.errors, results.off.map((result) => Math.round(result.requestsPerSecond)).join(', ')],
  ['on', Math.round(on.rps), on.p50, on.p99, on.errors, results.on.map((result) => Math.round(result.requestsPerSecond)).join(', ')],
];
const markdown = [
  '## Input inspector on a route that writes',
  '',
  `Command: \`npm run bench -- inspect-route --rounds ${rounds} --seconds ${seconds} --connections ${connections}\`. Machine: ${machine()}.`,
  `Workload: \`POST /api/v1/runs/:id/tasks\` creating a task per request (title with a unique id, 1 KB description, priority) on the embedded`,
  `database (PGlite in memory), ${connections} connections, ${seconds} s per measurement, ${rounds} interleaved rounds alternating which`,
  `variant goes first, after one warm-up each; figures are medians of the rounds. Both servers share one runtime and differ only in the`,
  `inspector hook (rate limit off in both); each measurement writes into a fresh run. ${tasks.rows[0]?.count ?? 0} tasks were created in all.`,
  '',
  table(['inspector', 'requests/s (median)', 'p50 ms', 'p99 ms', 'errors', 'requests/s per round'], rows),
  '',
  `On / off: **${(ratio * 100).toFixed(1)}%** (target ≥ 90%: ${ratio >= 0.9 ? 'met' : 'NOT met'}). Load average when the run ended:`,
  `${loadavg().map((value) => value.toFixed(1)).join(', ')} on ${machine().split(',')[0]}; at a load far above the core count the rounds swing by a factor`,
  'of three and the ratio says more about the other work on the machine than about the inspector, whose own cost is a few tens of µs per request.',
].join('\n');
console.log(`\non/off = ${(ratio * 100).toFixed(1)}%`);
recordSection('inspect-route', markdown);
