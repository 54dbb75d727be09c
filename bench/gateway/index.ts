import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import autocannon from 'autocannon';
import { loadNote, machine, recordSection, table } from '../lib/report.js';

/**
 * The gateway's HTTP cost, everything in one run against one local zero-latency upstream
 * (upstream.ts): /v1/chat/completions through Anvil on a cache miss and a cache hit (ledger and
 * budgets on), the upstream called directly, a bare Fastify + undici pass-through proxy
 * (bare-proxy.ts, the practical limit for Node here) and the Portkey gateway (@portkey-ai/gateway,
 * run locally with its custom-host header; its npm build ships with caching off, so it is compared
 * on the miss path). Reports requests/s and p50/p99 at 100 and 500 connections, CPU time per
 * request of the server process, and Anvil's added latency at 10 connections.
 *
 *   npm run bench -- gateway [--seconds 10]
 */
const secondsIndex = process.argv.indexOf('--seconds');
const seconds = secondsIndex > 0 ? Number(process.argv[secondsIndex + 1]) : 10;
const children: ChildProcess[] = [];
const ansiColour = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** A port nobody listens on now (Portkey takes a fixed --port and prints only its URL). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a server in a child with the open-files limit raised to the hard limit; resolves its port. */
function start(command: string[], env: Record<string, string> = {}, portPattern = /^(\d+)$/m): Promise<{ port: number; pid: number }> {
  const child = spawn('sh', ['-c', 'ulimit -n "$(ulimit -Hn)"; exec "$@"', 'sh', ...command], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const match = portPattern.exec(output.replace(ansiColour, ''));
      if (match) resolve({ port: Number(match[1]), pid: child.pid! });
    });
    child.on('exit', (code) => reject(new Error(`${command.join(' ')} exited with ${code}: ${output}`)));
  });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  cpuMsPerRequest: number;
  errors: number;
}

let counter = 0;
async function load(port: number, pid: number, connections: number, { unique, headers = {} }: { unique: boolean; headers?: Record<string, string> }): Promise<Measurement> {
  const fixed = JSON.stringify({ model: 'openai-compatible/bench-model', messages: [{ role: 'user', content: 'Benchmark question that repeats' }] });
  const before = cpuSeconds(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', ...headers },
    body: fixed,
    requests: unique
      ? [{ setupRequest: (request: Record<string, unknown>) => ({ ...request, body: JSON.stringify({ model: 'openai-compatible/bench-model', messages: [{ role: 'user', content: `Benchmark question ${++counter}` }] }) }) }]
      : undefined,
  });
  const cpu = cpuSeconds(pid) - before;
  return {
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuMsPerRequest: (cpu * 1000) / Math.max(1, result.requests.total),
    errors: result.errors + result.non2xx,
  };
}

try {
  const upstream = await start([process.execPath, '--import', 'tsx', 'bench/gateway/upstream.ts']);
  const upstreamUrl = `http://127.0.0.1:${upstream.port}`;
  const bare = await start([process.execPath, '--import', 'tsx', 'bench/gateway/bare-proxy.ts', upstreamUrl]);
  const anvil = await start([process.execPath, '--import', 'tsx', 'bench/gateway/anvil-server.ts', upstreamUrl]);
  let portkeyNote = '';
  const portkeyPort = await freePort();
  const portkey = await start([process.execPath, 'node_modules/@portkey-ai/gateway/build/start-server.js', '--headless', `--port=${portkeyPort}`], { NODE_ENV: 'production' }, /localhost:(\d+)/).catch(
    (error: Error) => {
      portkeyNote = `Portkey could not be run here: ${error.message.split('\n')[0]}`;
      return undefined;
    },
  );
  const portkeyHeaders = { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': `${upstreamUrl}/v1`, authorization: 'Bearer bench' };

  // Warm up every path (JIT, connection pools; Anvil's cache entry for the hit path).
  type Server = { port: number; pid: number };
  type LoadOptions = { unique: boolean; headers?: Record<string, string> };
  const warmUps: [Server, LoadOptions][] = [
    [upstream, { unique: true }],
    [bare, { unique: true }],
    [anvil, { unique: true }],
    [anvil, { unique: false }],
  ];
  if (portkey) warmUps.push([portkey, { unique: true, headers: portkeyHeaders }]);
  for (const [server, options] of warmUps) {
    // Each path must answer 200 before it is measured: a fast error is not a fast gateway.
    const probe = await fetch(`http://127.0.0.1:${server.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify({ model: 'openai-compatible/bench-model', messages: [{ role: 'user', content: 'probe' }] }),
    });
    if (probe.status !== 200) throw new Error(`port ${server.port} answered ${probe.status}: ${await probe.text()}`);
    await load(server.port, server.pid, 50, options);
  }

  const rows: (string | number)[][] = [];
  const results = new Map<string, Measurement>();
  for (const connections of [100, 500]) {
    const cases: [string, Server, LoadOptions][] = [
      ['upstream, direct', upstream, { unique: true }],
      ['bare Fastify + undici proxy', bare, { unique: true }],
      ['Anvil, cache miss', anvil, { unique: true }],
      ['Anvil, cache hit', anvil, { unique: false }],
    ];
    if (portkey) cases.push(['Portkey gateway (miss path)', portkey, { unique: true, headers: portkeyHeaders }]);
    for (const [name, server, options] of cases) {
      const measured = await load(server.port, server.pid, connections, options);
      results.set(`${name}@${connections}`, measured);
      rows.push([name, connections, measured.requestsPerSecond, measured.p50, measured.p99, measured.cpuMsPerRequest.toFixed(3), measured.errors]);
    }
  }
  const overheadDirect = await load(upstream.port, upstream.pid, 10, { unique: true });
  const overheadMiss = await load(anvil.port, anvil.pid, 10, { unique: true });
  const overheadHit = await load(anvil.port, anvil.pid, 10, { unique: false });

  // The floor: each layer of a miss called in-process against the same upstream (floor.ts).
  const floorOutput = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/gateway/floor.ts', upstreamUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`floor.ts exited with ${code}`))));
  });
  const floor = JSON.parse(floorOutput) as Record<string, number>;
  const clientFloor = Object.values(floor)[0]!;

  const main = table(['path', 'connections', 'requests/s', 'p50 ms', 'p99 ms', 'server CPU ms/request', 'errors'], rows);
  const at = (name: string, connections = 100) => results.get(`${name}@${connections}`)!;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const bareCpu = at('bare Fastify + undici proxy').cpuMsPerRequest;
  const ratios = table(
    ['check (100 connections)', 'measured', 'target'],
    [
      ['Anvil miss throughput ÷ Portkey', portkey ? `${ratio(at('Anvil, cache miss').requestsPerSecond, at('Portkey gateway (miss path)').requestsPerSecond)}×` : 'Portkey not run', '≥ 3×'],
      ['Anvil miss CPU/request ÷ bare proxy', `${ratio(at('Anvil, cache miss').cpuMsPerRequest, bareCpu)}×`, '≤ 4×'],
      ['Anvil hit CPU/request ÷ bare proxy', `${ratio(at('Anvil, cache hit').cpuMsPerRequest, bareCpu)}×`, '≤ 1.5×'],
      ['Anvil added latency at 10 connections, miss (p50 / p99 ms)', `${(overheadMiss.p50 - overheadDirect.p50).toFixed(2)} / ${(overheadMiss.p99 - overheadDirect.p99).toFixed(2)}`, '≤ 1 / ≤ 5'],
      ['Anvil added latency at 10 connections, hit (p50 / p99 ms)', `${(overheadHit.p50 - overheadDirect.p50).toFixed(2)} / ${(overheadHit.p99 - overheadDirect.p99).toFixed(2)}`, '≤ 1 / ≤ 5'],
    ],
  );
  const floorTable = table(
    ['layer (in-process, 32 calls in flight)', 'CPU µs per call', '÷ undici.request'],
    Object.entries(floor).map(([layer, micros]) => [layer, micros.toFixed(1), `${(micros / clientFloor).toFixed(2)}×`]),
  );
  const missRatio = at('Anvil, cache miss').cpuMsPerRequest / bareCpu;
  const hitRatio = at('Anvil, cache hit').cpuMsPerRequest / bareCpu;
  const throughputRatio = portkey ? at('Anvil, cache miss').requestsPerSecond / at('Portkey gateway (miss path)').requestsPerSecond : undefined;
  const verdicts = [
    throughputRatio === undefined ? 'miss throughput against Portkey: not measured' : `miss throughput ${throughputRatio.toFixed(2)}× Portkey's (target ≥ 3×: ${throughputRatio >= 3 ? 'met' : 'not met'})`,
    `miss CPU ${missRatio.toFixed(2)}× the bare proxy's (target ≤ 4×: ${missRatio <= 4 ? 'met' : 'not met'})`,
    `hit CPU ${hitRatio.toFixed(2)}× (target ≤ 1.5×: ${hitRatio <= 1.5 ? 'met' : 'not met'})`,
  ];
  recordSection(
    'gateway',
    `## LLM gateway over HTTP

\`npm run bench -- gateway --seconds ${seconds}\` — ${machine()}. ${loadNote()} Compare the ratios, which were measured in the same run, rather than the absolute numbers.

Workload: autocannon POSTs a one-message chat completion for ${seconds} s per row (after a warm-up of every path), all against one zero-latency local upstream that answers OpenAI's format. Anvil runs \`anvil serve\`'s HTTP stack (security hooks with IP rate limiting off, the input inspector, telemetry) with the ledger writing batches to the embedded PGlite database and a tenant daily budget reserving and settling on every call, memory cache; a miss sends a new question each request, a hit repeats one. Server CPU is the server process's user + system time over the requests it served (from /proc). Added latency is Anvil's p50/p99 minus the direct upstream's at 10 connections (client side, so it includes the extra local hop).${portkeyNote ? `\n\n${portkeyNote}.` : ''}

${main}

${ratios}

In this run: ${verdicts.join('; ')}.

Where a miss's CPU goes (\`bench/gateway/floor.ts\`, the same layers called in-process, no HTTP server in front; the first row is what the bare proxy spends on its upstream call):

${floorTable}

What changed since the first measurement (0.88× Portkey, 12.1× and 4.65× the bare proxy's CPU): providers send through \`undici.request\` on a keep-alive Agent instead of the global \`fetch\` (compare the AI SDK rows above); helmet's headers are computed once instead of per request; the ledger's runless batches skip the join and read \`json\` rather than \`jsonb\`; a cached answer no longer makes an AbortController and a close listener; the metrics keep label-bound children; canonical JSON is built in one pass. What remains on a miss beyond the client floor: the AI SDK's request building and zod parsing of the answer, the ledger row's insert into PGlite (WebAssembly on the event loop; PostgreSQL takes it off the process), the budget reservation, the cache key and the stored entry; on every request, Fastify's hooks (key identification, the input inspector over every prompt string and header, telemetry).`,
  );
} finally {
  for (const child of children) child.kill('SIGTERM');
}
