import { spawn } from 'node:child_process';

export interface HttpLoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  /** Paced clients only: the warm-up left out of the figures above. */
  warmup?: { seconds: number; requests: number; p99Ms: number };
}

/**
 * Runs one load generator child (autocannon-child.ts) with the open-files limit raised as far as
 * the hard limit allows (1,000 sockets and more need it on a default 1,024).
 */
export function runHttpLoad({ thinkMs, ...options }: { urls: string[]; connections: number; seconds: number; kind: 'read' | 'write'; runIds: string[]; thinkMs?: number }): Promise<HttpLoadResult> {
  // With a think time, paced clients (paced-clients.ts); without, autocannon at full speed.
  const [script, argument] = thinkMs
    ? ['bench/load/paced-clients.ts', { urls: options.urls, clients: options.connections, seconds: options.seconds, thinkMs, kind: options.kind, runIds: options.runIds }]
    : ['bench/load/autocannon-child.ts', options];
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'load', process.execPath, '--import', 'tsx', script, JSON.stringify(argument)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as HttpLoadResult) : reject(new Error(`load generator exited with ${code}: ${output}`))));
  });
}

/**
 * Readers and writers at once, `clients` connections in all: the mixed workload. With `thinkMs`
 * each client waits a random think time of that mean before each request (people and polling
 * scripts); without it, it sends its next request as soon as the last is answered (capacity).
 */
export async function runMixedLoad(urls: string[], { clients, writeShare, seconds, runIds, thinkMs }: { clients: number; writeShare: number; seconds: number; runIds: string[]; thinkMs?: number }) {
  const writers = Math.max(1, Math.round(clients * writeShare));
  const [read, write] = await Promise.all([
    runHttpLoad({ urls, connections: clients - writers, seconds, kind: 'read', runIds, thinkMs }),
    runHttpLoad({ urls, connections: writers, seconds, kind: 'write', runIds, thinkMs }),
  ]);
  return { read, write };
}
