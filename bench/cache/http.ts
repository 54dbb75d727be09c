/**
 * The HTTP part of the cache benchmark: expensive reads served with and without response caching
 * over a store of a million tasks and a million-row ledger, at 100 concurrent connections.
 * Two servers in this process share one PostgreSQL database and differ only in
 * `cache.httpResponses`; autocannon runs in a child process so it does not share their event loop.
 * Rounds alternate which variant goes first; each figure is the median of the rounds.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import pg from 'pg';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { appendEvent } from '../../src/store/events.js';
import { table } from '../lib/report.js';
import { generateWorkload, runIdSql, type WorkloadOptions } from '../indexes/workload.js';

export interface HttpBenchOptions {
  postgresUrl: string;
  redisUrl: string;
  quick: boolean;
  log: (line: string) => void;
}

const connections = 100;
const benchDatabase = 'anvil_bench_cache';
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const count = (n: number): string => Math.round(n).toLocaleString('en-US');
const ratioText = (cached: number, plain: number, seconds: number): string =>
  plain > 0 ? `${(cached / plain).toFixed(1)}×` : `— (not cached: no response completed within ${seconds} s)`;

interface Load {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

async function autocannon(url: string, seconds: number): Promise<Load> {
  const args = [autocannonBin, '-c', String(connections), '-d', String(seconds), '-t', '60', '-j', url];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 2 ** 20 });
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number; timeouts: number };
  return { requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts };
}

/**
 * Waits until neither server has database work left: autocannon stops at its deadline, but the
 * requests it abandoned keep their queries running and would weigh on the next measurement.
 */
async function drain(runtimes: Runtime[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  const busy = () => runtimes.some((runtime) => {
    const pool = runtime.db.poolStatus();
    return pool.waiting > 0 || pool.idle < pool.total;
  });
  while (busy() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

async function withAdmin(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function databaseUrl(base: string): string {
  const url = new URL(base);
  url.pathname = `/${benchDatabase}`;
  return url.toString();
}

/** How long a cached run summary keeps showing the old data after a change is committed. */
async function staleness(runtime: Runtime, baseUrl: string, runId: string, samples: number): Promise<{ single: number[]; burst: number[] }> {
  const done = async (): Promise<number> => ((await (await fetch(`${baseUrl}/api/v1/runs/${runId}`)).json()) as { tasks: { done?: number } }).tasks.done ?? 0;
  const completeOne = async (): Promise<void> => {
    await runtime.db.transaction(async (transaction) => {
      await transaction.query(`UPDATE tasks SET status = 'done' WHERE id = (SELECT id FROM tasks WHERE run_id = $1 AND status = 'queued' LIMIT 1)`, [runId]);
      await appendEvent(transaction, runId, 'task.completed', { bench: true });
    });
  };
  const visibleAfter = async (expected: number, since: number): Promise<number> => {
    while ((await done()) < expected) await new Promise((resolve) => setTimeout(resolve, 2));
    return performance.now() - since;
  };
  const single: number[] = [];
  const burst: number[] = [];
  for (let sample = 0; sample < samples; sample += 1) {
    await new Promise((resolve) => setTimeout(resolve, 400)); // let the tag's window close
    const before = await done();
    await done(); // cached now
    let since = performance.now();
    await completeOne();
    single.push(await visibleAfter(before + 1, since));
    // A second change 20 ms into the window: folded into the delete at the window's end.
    await new Promise((resolve) => setTimeout(resolve, 20));
    since = performance.now();
    await completeOne();
    burst.push(await visibleAfter(before + 2, since));
  }
  return { single, burst };
}

export async function measureHttp({ postgresUrl, redisUrl, quick, log }: HttpBenchOptions): Promise<string> {
  const workload: WorkloadOptions = quick
    ? { runs: 20, tasksPerRun: 5_000, callsPerRun: 5_000, eventsPerRun: 50 }
    : { runs: 100, tasksPerRun: 10_000, callsPerRun: 10_000, eventsPerRun: 100 };
  const seconds = quick ? 3 : 10;
  const rounds = quick ? 1 : 3;
  await withAdmin(postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`).then(() => client.query(`CREATE DATABASE ${benchDatabase}`)));
  const url = databaseUrl(postgresUrl);
  // One client makes every request: the per-IP rate limit would answer most of them with 429.
  const base = { database: { url, poolMax: 20 }, redis: { url: redisUrl }, cache: { keyPrefix: `anvil-bench-http:${Date.now()}:` }, security: { rateLimit: { enabled: false } } };
  const cachedRuntime = await createRuntime(testConfig(base));
  const plainRuntime = await createRuntime(testConfig({ ...base, cache: { ...base.cache, httpResponses: false } }), { migrate: false });
  const servers = [] as { close(): Promise<unknown> }[];
  try {
    log(`generating ${count(workload.runs)} runs × ${count(workload.tasksPerRun)} tasks, ${count(workload.runs * workload.callsPerRun)} llm_calls`);
    await generateWorkload(cachedRuntime.db, workload, (label, elapsed) => log(`  ${label}: ${elapsed.toFixed(1)} s`));
    const runId = (await cachedRuntime.db.query<{ id: string }>(`SELECT ${runIdSql('1')} AS id`)).rows[0]!.id;
    const bases: Record<'cached' | 'not cached', string> = { cached: '', 'not cached': '' };
    for (const [name, runtime] of [['cached', cachedRuntime], ['not cached', plainRuntime]] as const) {
      const app = await buildServer({ runtime });
      servers.push(app);
      bases[name] = await app.listen({ host: '127.0.0.1', port: 0 });
    }
    const endpoints = [
      { name: `GET /api/v1/runs/:id (a run of ${count(workload.tasksPerRun)} tasks)`, path: `/api/v1/runs/${runId}` },
      { name: 'GET /api/v1/runs (50 runs with their task counts)', path: '/api/v1/runs' },
      { name: 'GET /api/v1/system/status', path: '/api/v1/system/status' },
    ];
    const costs = servers[0] as unknown as { hasRoute(options: { method: string; url: string }): boolean };
    if (costs.hasRoute({ method: 'GET', url: '/api/v1/costs' })) endpoints.unshift({ name: `GET /api/v1/costs (${count(workload.runs * workload.callsPerRun)}-row ledger)`, path: '/api/v1/costs' });

    // One request at a time, not cached: what a single read costs before any queueing.
    const alone = new Map<string, number>();
    for (const endpoint of endpoints) {
      const times: number[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const started = performance.now();
        await (await fetch(bases['not cached'] + endpoint.path)).arrayBuffer();
        times.push(performance.now() - started);
      }
      alone.set(endpoint.name, median(times));
    }
    const results = new Map<string, Load[]>();
    const runtimes = [cachedRuntime, plainRuntime];
    for (const endpoint of endpoints) {
      for (const variant of Object.keys(bases)) {
        await autocannon(bases[variant as keyof typeof bases] + endpoint.path, 1); // warm-up
        await drain(runtimes);
      }
    }
    for (let round = 0; round < rounds; round += 1) {
      for (const endpoint of endpoints) {
        const order = round % 2 ? (['not cached', 'cached'] as const) : (['cached', 'not cached'] as const);
        for (const variant of order) {
          const load = await autocannon(bases[variant] + endpoint.path, seconds);
          await drain(runtimes);
          log(`  round ${round + 1} ${endpoint.path} ${variant}: ${count(load.requestsPerSecond)} req/s, p99 ${load.p99Ms} ms, errors ${load.errors}`);
          results.set(`${endpoint.name}|${variant}`, [...(results.get(`${endpoint.name}|${variant}`) ?? []), load]);
        }
      }
    }
    const rows = endpoints.flatMap((endpoint) => {
      const of = (variant: string) => results.get(`${endpoint.name}|${variant}`)!;
      const plain = median(of('not cached').map((load) => load.requestsPerSecond));
      return (['not cached', 'cached'] as const).map((variant) => {
        const loads = of(variant);
        const rate = median(loads.map((load) => load.requestsPerSecond));
        return [endpoint.name, variant, variant === 'not cached' ? alone.get(endpoint.name)!.toFixed(0) : '', count(rate), median(loads.map((load) => load.p50Ms)), median(loads.map((load) => load.p99Ms)), loads.reduce((sum, load) => sum + load.errors, 0), variant === 'cached' ? ratioText(rate, plain, seconds) : '—'];
      });
    });
    const text = table(['endpoint', 'response cache', 'one request alone, ms', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'req/s vs not cached'], rows);
    const stale = await staleness(cachedRuntime, bases.cached, runId, quick ? 3 : 10);
    const staleText = table(
      ['change', 'samples', 'median ms', 'max ms'],
      [
        ['one change, tag window closed', stale.single.length, median(stale.single).toFixed(1), Math.max(...stale.single).toFixed(1)],
        ['second change 20 ms into the window', stale.burst.length, median(stale.burst).toFixed(1), Math.max(...stale.burst).toFixed(1)],
      ],
    );
    const store = cachedRuntime.cache.backend === 'fallback' && cachedRuntime.cacheState?.() === 'ok' ? `Redis (${redisUrl.replace(/\/\/[^@]*@/, '//')}, same machine)` : 'memory (Redis not reachable)';
    return [
      '### HTTP response caching',
      '',
      'Command: `npm run bench -- cache` (PostgreSQL from `DATABASE_URL`, default `postgres://postgres@127.0.0.1:5432/postgres`; the database `anvil_bench_cache` is created and dropped).',
      `Workload: ${count(workload.runs)} runs × ${count(workload.tasksPerRun)} tasks (${count(workload.runs * workload.tasksPerRun)} task rows), ${count(workload.runs * workload.callsPerRun)} llm_calls rows, generated by \`bench/indexes/workload.ts\`; PostgreSQL pool 20 per server; cache store: ${store}. autocannon (child process) at ${connections} connections, ${seconds} s per measurement (request timeout 60 s) after a 1 s warm-up, waiting between measurements until both database pools are idle, rate limit off (one client), ${rounds} rounds alternating which variant goes first, medians. Both servers run in one Node process on the same machine as PostgreSQL, Redis and autocannon, so the ratio, not the absolute rate, is the finding. No event arrives during the load, so the cached variant answers from the cache after its first miss.`,
      endpoints.some((endpoint) => endpoint.path === '/api/v1/costs') ? '' : '`GET /api/v1/costs` does not exist yet (the LLM gateway adds it); the run summary, the run list and the system status stand in. The costs route opts in with one line and the benchmark measures it once it is registered.',
      '',
      text,
      '',
      'Staleness of a cached run summary after a committed change (a task set done with its event), measured by polling the summary every 2 ms; invalidation window `ANVIL_CACHE_HTTP_INVALIDATION_WINDOW_MS` = 250:',
      '',
      staleText,
    ]
      .filter((line, index, lines) => line !== '' || lines[index - 1] !== '')
      .join('\n');
  } finally {
    for (const server of servers) await server.close();
    await cachedRuntime.cache.deleteByPattern('*').catch(() => 0);
    await plainRuntime.close();
    await cachedRuntime.close();
    await withAdmin(postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${benchDatabase} WITH (FORCE)`));
  }
}
