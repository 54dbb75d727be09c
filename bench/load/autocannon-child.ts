/**
 * One load generator, run as a child process so it does not share a server's event loop (and is
 * started with a raised open-files limit): `read` clients list runs and read single runs, `write`
 * clients start runs, each with a unique goal built per request (autocannon's id replacement
 * would leave Content-Length at the template's length).
 *
 *   node --import tsx bench/load/autocannon-child.ts '{"urls":[...],"connections":800,"seconds":60,"kind":"read","runIds":[...]}'
 */
import { createRequire } from 'node:module';
import { loadRequests } from './requests.js';

interface Request {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}
interface Result {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  timeout: number;
  requests: (Partial<Request> & { setupRequest: (request: Request) => Request })[];
}) => Promise<Result>;

const { urls, connections, seconds, kind, runIds } = JSON.parse(process.argv[2]!) as { urls: string[]; connections: number; seconds: number; kind: 'read' | 'write'; runIds: string[] };
const nextRequest = loadRequests(kind, runIds);
// One request template whose setup builds each request afresh (a body of the right length each time).
const requests: (Partial<Request> & { setupRequest: (request: Request) => Request })[] = [{ setupRequest: (request) => ({ ...request, ...nextRequest() }) }];

// Connections split evenly over the nodes (what a round-robin balancer does), one autocannon each.
const perNode = urls.map((url, index) => autocannon({ url, connections: Math.floor(connections / urls.length) + (index < connections % urls.length ? 1 : 0), duration: seconds, timeout: 10, requests }));
const results = await Promise.all(perNode);
const total = results.reduce((sum, result) => sum + result.requests.total, 0);
process.stdout.write(
  JSON.stringify({
    requests: total,
    requestsPerSecond: total / seconds,
    // The worst node's percentile: a client of that node saw it.
    p50Ms: Math.max(...results.map((result) => result.latency.p50)),
    p99Ms: Math.max(...results.map((result) => result.latency.p99)),
    maxMs: Math.max(...results.map((result) => result.latency.max)),
    errors: results.reduce((sum, result) => sum + result.errors + result.timeouts, 0),
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
  }),
);
