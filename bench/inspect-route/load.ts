/**
 * The load generator, run as a child process so it does not share the servers' event loop.
 * autocannon's `-I` id replacement leaves Content-Length at the template's length (the server
 * then waits for bytes that never come), so each request's body is built here instead, with a
 * counter that makes every title unique: every request creates a task, none is a duplicate.
 *
 *   node --import tsx bench/inspect-route/load.ts URL CONNECTIONS SECONDS
 */
import { createRequire } from 'node:module';

interface Request {
  method: string;
  headers: Record<string, string>;
  body?: string;
}
interface Result {
  requests: { average: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  timeouts: number;
}
// autocannon ships no types; this is the part of its API used here.
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (Request & { setupRequest: (request: Request) => Request })[];
}) => Promise<Result>;

const [url, connections, seconds] = process.argv.slice(2);
const description = 'Check that every endpoint named in the analysis answers with the documented status codes, including the error paths. '.repeat(8);
const prefix = Math.random().toString(36).slice(2, 8);
let counter = 0;

const result = await autocannon({
  url: url!,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => ({ ...request, body: JSON.stringify({ phase: 'work', title: `Verify endpoint ${prefix}-${++counter} answers as documented`, description, priority: 3 }) }),
    },
  ],
});
process.stdout.write(JSON.stringify({ requestsPerSecond: result.requests.average, p50Ms: result.latency.p50, p99Ms: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts }));
