/**
 * Paced clients, run as a child process like autocannon-child.ts: `clients` HTTP clients, each
 * on its own keep-alive connection, each waiting a random think time (exponential, mean
 * `thinkMs`) before every request, as people at dashboards and scripts polling do. Clients do not
 * fire together (autocannon's per-connection rate sends every connection's request on the same
 * tick, so it measures its own bursts), and a slow answer delays only that client's next request.
 * Latency is timed from the request's send to its last byte. The first `warmupSeconds` (default
 * 5: a thousand connections opening at once, the server's first requests on cold code and a
 * cold pool) are reported apart and left out of the percentiles.
 *
 *   node --import tsx bench/load/paced-clients.ts '{"urls":["http://127.0.0.1:8080"],"clients":800,"seconds":60,"thinkMs":1000,"kind":"read","runIds":[...]}'
 */
import { Client } from 'undici';
import { loadRequests } from './requests.js';

interface Options {
  /** API nodes; client i talks to urls[i % urls.length], as a round-robin balancer would spread them. */
  urls: string[];
  clients: number;
  seconds: number;
  thinkMs: number;
  kind: 'read' | 'write';
  runIds: string[];
  warmupSeconds?: number;
}

const { urls, clients, seconds, thinkMs, kind, runIds, warmupSeconds = 5 } = JSON.parse(process.argv[2]!) as Options;
const nextRequest = loadRequests(kind, runIds);
const latencies: number[] = [];
const warmup: number[] = [];
let errors = 0;
let non2xx = 0;
const measureFrom = performance.now() + warmupSeconds * 1000;
const deadline = measureFrom + seconds * 1000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const thinkTime = () => -Math.log(1 - Math.random()) * thinkMs;

async function client(index: number): Promise<void> {
  const connection = new Client(urls[index % urls.length]!, { keepAliveTimeout: 60_000, pipelining: 1 });
  try {
    while (true) {
      await sleep(thinkTime());
      if (performance.now() >= deadline) return;
      const started = performance.now();
      try {
        const response = await connection.request({ ...nextRequest(), headersTimeout: 10_000, bodyTimeout: 10_000 });
        await response.body.dump();
        const measured = started >= measureFrom;
        (measured ? latencies : warmup).push(performance.now() - started);
        if (measured && (response.statusCode < 200 || response.statusCode >= 300)) non2xx += 1;
      } catch {
        if (started >= measureFrom) errors += 1;
      }
    }
  } finally {
    await connection.close().catch(() => {});
  }
}

await Promise.all(Array.from({ length: clients }, (_, index) => client(index)));
const percentile = (values: number[], share: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : Number(sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!.toFixed(1));
};
process.stdout.write(
  JSON.stringify({
    requests: latencies.length,
    requestsPerSecond: latencies.length / seconds,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: percentile(latencies, 1),
    errors,
    non2xx,
    warmup: { seconds: warmupSeconds, requests: warmup.length, p99Ms: percentile(warmup, 0.99) },
  }),
);
