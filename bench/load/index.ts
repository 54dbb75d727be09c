/**
 * Load benchmarks of a deployment on PostgreSQL: API nodes (`anvil serve --no-workers`, from
 * dist/) under autocannon, and one worker with a thousand agent sessions in flight.
 *
 *   npm run build && npm run bench -- load                 (all four; DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   npm run bench -- load --only http --seconds 60
 *   npm run bench -- load --only sessions,processes,pool
 *
 * http       1,000 concurrent clients, 80% reads (list runs, read one run), 20% writes (start a
 *            run), on one API node: each client thinking about a second between requests for
 *            --seconds (default 60; targets: 0 errors, p99 of reads < 100 ms), then without a pause
 *            for --scale-seconds (capacity, with autocannon).
 * sessions   1,000 agent sessions in flight in one worker, 2 s simulated model latency per call.
 *            Targets: RSS < 1 GB, event-loop delay p99 < 50 ms.
 * processes  the same mix with 200 clients on 1, 2 and 4 API nodes (--scale-seconds each).
 * pool       one node with database.poolMax 5, then 20, under the same write-heavy load with the
 *            HTTP response cache off, so every request needs a connection: measures what a
 *            bigger pool buys instead of asserting a "4× capacity".
 */
import { parseArgs } from 'node:util';
import { createPostgresDatabase } from '../../test/helpers/databases.js';
import { openPostgres } from '../../src/store/postgres.js';
import { loadNote, machine, recordSection, table } from '../lib/report.js';
import { startApiNodes } from './api-nodes.js';
import { runMixedLoad } from './http-load.js';
import { runSessionsLoad } from './sessions.js';
import { seed } from './workflow.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string', default: 'http,sessions,processes,pool' },
    seconds: { type: 'string', default: '60' },
    'scale-seconds': { type: 'string', default: '15' },
    clients: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '1000' },
  },
});
const only = new Set(values.only.split(','));
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(values.seconds);
const scaleSeconds = Number(values['scale-seconds']);
const clients = Number(values.clients);
const fixed = (value: number, digits = 0) => value.toFixed(digits);

/** A fresh database with seed runs, and the API nodes on it; always stopped afterwards. */
async function withNodes<T>(count: number, env: NodeJS.ProcessEnv, work: (urls: string[], runIds: string[]) => Promise<T>): Promise<T> {
  const url = await createPostgresDatabase(baseUrl);
  const db = await openPostgres({ url, poolMax: 2, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 600 });
  const runIds = await seed(db, 50);
  await db.close();
  const nodes = await startApiNodes(count, { DATABASE_URL: url, ...env });
  try {
    return await work(nodes.map((node) => node.url), runIds);
  } finally {
    await Promise.all(nodes.map((node) => node.stop()));
  }
}

if (only.has('http')) {
  // Paced: each client thinks about a second (at random) between requests, the target's workload.
  // Then the same clients without a pause, which measures capacity (latency there is queueing).
  const paced = await withNodes(1, {}, (urls, runIds) => runMixedLoad(urls, { clients, writeShare: 0.2, seconds, runIds, thinkMs: 1_000 }));
  const saturated = await withNodes(1, {}, (urls, runIds) => runMixedLoad(urls, { clients, writeShare: 0.2, seconds: scaleSeconds, runIds }));
  const errorsOf = ({ read, write }: typeof paced) => read.errors + read.non2xx + write.errors + write.non2xx;
  const rowsOf = (pace: string, load: typeof paced) =>
    (['read', 'write'] as const).map((kind) => {
      const result = load[kind];
      return [pace, kind === 'read' ? 'reads (list runs, read a run)' : 'writes (start a run)', fixed(result.requestsPerSecond), result.p50Ms, result.p99Ms, result.maxMs, result.errors + result.non2xx];
    });
  const rows = [...rowsOf('after a think time (mean 1 s)', paced), ...rowsOf('no pause (capacity)', saturated)];
  const text = table(['clients send', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors'], rows);
  recordSection(
    'load-http',
    `## Load: ${clients.toLocaleString('en')} concurrent HTTP clients, mixed reads and writes\n\n${machine()}. One API node (\`anvil serve --no-workers\`, pool 20, HTTP response cache on) on PostgreSQL; ${clients} clients, 80% reading (list runs, read one run), 20% starting runs; the load generators run as separate processes on the same machine. First each client waits a random think time (exponential, mean 1 s) before each request, for ${seconds} s (about ${clients.toLocaleString('en')} requests/s offered; \`bench/load/paced-clients.ts\`, one keep-alive connection per client, latency from send to last byte), the workload the targets are for: 0 errors (measured: ${errorsOf(paced)}), p99 of reads < 100 ms (measured: ${paced.read.p99Ms} ms). The clients' first ${paced.read.warmup?.seconds ?? 0} s are left out of these figures: a thousand connections opening at once on a freshly started node (cold code, a cold pool) gave reads a p99 of ${paced.read.warmup?.p99Ms ?? '—'} ms over ${paced.read.warmup?.requests ?? 0} requests there. Then as many autocannon connections send each request as soon as the last is answered for ${scaleSeconds} s, which measures capacity: there every request waits behind the others, so latency is the number of clients over the throughput, not the server's speed (errors: ${errorsOf(saturated)}). Paced with autocannon's per-connection rate instead, every connection sends on the same tick: 800 connections at 1 request/s gave /healthz itself a p99 of 444 ms, a measure of the bursts, so the paced clients are written for this benchmark.\n\nCommand: \`npm run build && npm run bench -- load --only http\` (\`--seconds ${seconds}\`, \`--scale-seconds ${scaleSeconds}\`).\n\n${text}\n\n${loadNote()}`,
  );
}

if (only.has('sessions')) {
  const url = await createPostgresDatabase(baseUrl);
  const result = await runSessionsLoad({ url, sessions: Number(values.sessions), latencyMs: 2_000, poolMax: 20 });
  const text = table(
    ['sessions', 'peak in flight', 'peak RSS MB', 'loop delay p50 ms', 'loop delay p99 ms', 'loop delay max ms', 'all done in s', 'runs succeeded'],
    [[result.sessions, result.peakInFlight, result.peakRssMb, fixed(result.lagP50Ms, 1), fixed(result.lagP99Ms, 1), fixed(result.lagMaxMs, 1), fixed(result.seconds, 1), result.succeeded]],
  );
  recordSection(
    'load-sessions',
    `## Load: ${result.sessions.toLocaleString('en')} agent sessions in flight in one worker\n\n${machine()}. One worker (this process, concurrency ${result.sessions}, pool 20) on PostgreSQL; one single-task run per session, the simulated model answering each call after 2 s. Event-loop delay from \`perf_hooks.monitorEventLoopDelay\` (10 ms resolution) while the sessions run; RSS sampled every 250 ms. Targets: RSS < 1 GB, delay p99 < 50 ms.\n\nCommand: \`npm run bench -- load --only sessions\`.\n\n${text}\n\n${loadNote()}`,
  );
}

if (only.has('processes')) {
  const rows: (string | number)[][] = [];
  let single = 0;
  for (const count of [1, 2, 4]) {
    const { read, write } = await withNodes(count, {}, (urls, runIds) => runMixedLoad(urls, { clients: 200, writeShare: 0.2, seconds: scaleSeconds, runIds }));
    const total = read.requestsPerSecond + write.requestsPerSecond;
    if (count === 1) single = total;
    rows.push([count, fixed(total), `${fixed(total / single, 2)}×`, read.p99Ms, write.p99Ms, read.errors + read.non2xx + write.errors + write.non2xx]);
  }
  const text = table(['API processes', 'req/s', 'vs 1', 'read p99 ms', 'write p99 ms', 'errors'], rows);
  recordSection(
    'load-processes',
    `## Load: throughput with 1, 2 and 4 API processes\n\n${machine()}. The same 80/20 mix, 200 connections split evenly over the nodes (as a round-robin balancer would), ${scaleSeconds} s per configuration, one PostgreSQL. On two cores shared by the database, the load generators and the nodes, more processes mostly contend for the same CPU: the ratio says what a second core would have to give, not what more machines give.\n\nCommand: \`npm run build && npm run bench -- load --only processes\`.\n\n${text}\n\n${loadNote()}`,
  );
}

if (only.has('pool')) {
  const rows: (string | number)[][] = [];
  let small = 0;
  for (const poolMax of [5, 20]) {
    const { read, write } = await withNodes(1, { ANVIL_DB_POOL_MAX: String(poolMax), ANVIL_CACHE_HTTP_RESPONSES: 'false' }, (urls, runIds) =>
      runMixedLoad(urls, { clients: 400, writeShare: 0.5, seconds: scaleSeconds, runIds }),
    );
    const total = read.requestsPerSecond + write.requestsPerSecond;
    if (poolMax === 5) small = total;
    rows.push([poolMax, fixed(total), `${fixed(total / small, 2)}×`, read.p50Ms, read.p99Ms, write.p99Ms, read.errors + read.non2xx + write.errors + write.non2xx]);
  }
  const text = table(['pool', 'req/s', 'vs pool 5', 'read p50 ms', 'read p99 ms', 'write p99 ms', 'errors'], rows);
  recordSection(
    'load-pool',
    `## Load: the connection pool at 5 and at 20\n\n${machine()}. One API node, HTTP response cache off (every request reaches the database), 400 connections for ${scaleSeconds} s, half reading and half starting runs. The system this replaced claimed "4× concurrent capacity" from a pool 4× larger; this measures it. With a pool of 5, requests that wait longer than \`database.connectionTimeoutMs\` (5 s) for a connection are answered 503 \`DATABASE_UNAVAILABLE\` with Retry-After (the errors column): overload sheds load quickly instead of queueing without bound.\n\nCommand: \`npm run build && npm run bench -- load --only pool\`.\n\n${text}\n\n${loadNote()}`,
  );
}
