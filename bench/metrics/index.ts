/**
 * What metrics cost an API route: `npm run bench -- metrics [--rounds N] [--seconds S]`.
 * Two API servers, each in its own process on its own embedded database holding one run, differ
 * only in `observability.metrics`. autocannon (a third process) loads GET /api/v1/runs/:id, which
 * reads the run and its per-phase task counts from the database on every request (the response
 * cache is off), so each request pays the HTTP hook and the timing of several statements. Rounds
 * interleave the two sides, alternating which goes first; the figures are medians of the rounds.
 * Target: requests/s with metrics on ≥ 95% of off. On a busy machine requests/s swing with
 * whatever else runs, so the server's own CPU time per request is measured beside it (each server
 * reports its CPU time; the difference over a load run divided by the requests served).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { machine, recordSection, table } from '../lib/report.js';

const argument = (name: string, fallback: number): number => {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
};
const rounds = argument('rounds', 7);
const seconds = argument('seconds', 5);
const connections = 10;
const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface Side {
  name: 'on' | 'off';
  child: ChildProcess;
  url: string;
  /** The server's CPU time so far, in µs. */
  cpu(): Promise<number>;
}

async function startSide(name: 'on' | 'off'): Promise<Side> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/metrics/server.ts', name], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const nextLine = () => new Promise<string>((resolve) => lines.once('line', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    void nextLine().then(resolve);
    child.once('exit', (code) => reject(new Error(`metrics ${name} server exited with ${code}`)));
  });
  const { url, runId } = JSON.parse(line) as { url: string; runId: string };
  const cpu = async () => {
    const answer = nextLine();
    child.stdin!.write('cpu\n');
    return Number(await answer);
  };
  return { name, child, url: `${url}/api/v1/runs/${runId}`, cpu };
}

interface Load {
  requestsPerSecond: number;
  requests: number;
  p99Ms: number;
  failures: number;
  /** Server CPU time per request served, µs (filled in by the caller). */
  cpuPerRequestUs: number;
}

async function load(url: string, duration: number): Promise<Load> {
  const args = [autocannonBin, '-c', String(connections), '-d', String(duration), '-j', url];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 16 * 2 ** 20 });
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; latency: { p99: number }; errors: number; non2xx: number; timeouts: number };
  return { requestsPerSecond: result.requests.average, requests: result.requests.total, p99Ms: result.latency.p99, failures: result.errors + result.non2xx + result.timeouts, cpuPerRequestUs: 0 };
}

const sides = [await startSide('on'), await startSide('off')];
try {
  const scrape = await fetch(sides[0]!.url.replace(/\/api\/v1\/runs\/.*$/, '/metrics'));
  if (scrape.status !== 200) throw new Error(`metrics on: /metrics answered ${scrape.status}`);
  const off = await fetch(sides[1]!.url.replace(/\/api\/v1\/runs\/.*$/, '/metrics'));
  if (off.status !== 404) throw new Error(`metrics off: /metrics answered ${off.status}`);
  for (const side of sides) await load(side.url, 2); // warm-up: JIT, connection setup, PGlite caches

  const results: Record<'on' | 'off', Load[]> = { on: [], off: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? sides : [...sides].reverse();
    for (const side of order) {
      const cpuBefore = await side.cpu();
      const result = await load(side.url, seconds);
      // Requests autocannon abandoned at its deadline finish within milliseconds; let them.
      await new Promise((resolve) => setTimeout(resolve, 200));
      result.cpuPerRequestUs = (await side.cpu() - cpuBefore) / result.requests;
      if (result.failures > 0) throw new Error(`metrics ${side.name}: ${result.failures} failed requests`);
      results[side.name].push(result);
      console.error(`round ${round + 1}/${rounds} metrics ${side.name}: ${Math.round(result.requestsPerSecond)} req/s, ${Math.round(result.cpuPerRequestUs)} µs CPU per request`);
    }
  }

  const onMedian = median(results.on.map((result) => result.requestsPerSecond));
  const offMedian = median(results.off.map((result) => result.requestsPerSecond));
  const ratio = onMedian / offMedian;
  const onCpu = median(results.on.map((result) => result.cpuPerRequestUs));
  const offCpu = median(results.off.map((result) => result.cpuPerRequestUs));
  // Throughput a CPU-bound server would reach, relative: off's CPU per request over on's.
  const cpuRatio = offCpu / onCpu;
  const rows = [
    ['metrics off (baseline)', Math.round(offMedian), '1.000', median(results.off.map((result) => result.p99Ms)), Math.round(offCpu), '1.000', results.off.map((result) => Math.round(result.requestsPerSecond)).join(', ')],
    ['metrics on', Math.round(onMedian), ratio.toFixed(3), median(results.on.map((result) => result.p99Ms)), Math.round(onCpu), cpuRatio.toFixed(3), results.on.map((result) => Math.round(result.requestsPerSecond)).join(', ')],
  ];
  const markdown = [
    '## Metrics overhead',
    '',
    `Machine: ${machine()}. Command: \`npm run bench -- metrics\` (${rounds} rounds of ${seconds} s per side, ${connections} connections).`,
    'Workload: GET /api/v1/runs/:id on an embedded database (PGlite) holding one quick-start run; response cache and rate limit off, so every request reads the run and its per-phase counts.',
    'Each side is its own process; autocannon runs in a third. Rounds alternate which side goes first; figures are medians of the rounds.',
    `Target: metrics on ≥ 95% of off. Result: requests/s ${(ratio * 100).toFixed(1)}% ${ratio >= 0.95 ? '(met)' : '(missed)'}; by server CPU per request, ${(cpuRatio * 100).toFixed(1)}% ${cpuRatio >= 0.95 ? '(met)' : '(missed)'}.`,
    `Load average when the run ended: ${loadavg().map((value) => value.toFixed(1)).join(', ')} (requests/s swing with other work on the machine; CPU per request much less).`,
    '',
    table(['configuration', 'median req/s', 'req/s ratio to off', 'median p99 ms', 'median CPU µs/request', 'CPU ratio (off/on)', 'req/s per round'], rows),
  ].join('\n');
  recordSection('metrics', markdown);
} finally {
  for (const side of sides) side.child.kill('SIGTERM');
}
