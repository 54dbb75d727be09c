import { spawn } from 'node:child_process';

export interface HttpLoadResult {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
}

/**
 * Runs one load generator child (autocannon-child.ts) with the open-files limit raised as far as
 * the hard limit allows (1,000 sockets and more need it on a default 1,024).
 */
export function runHttpLoad(options: { urls: string[]; connections: number; seconds: number; kind: 'read' | 'write'; runIds: string[]; ratePerConnection?: number }): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'load', process.execPath, '--import', 'tsx', 'bench/load/autocannon-child.ts', JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as HttpLoadResult) : reject(new Error(`load generator exited with ${code}: ${output}`))));
  });
}

/**
 * Readers and writers at once, `clients` connections in all: the mixed workload. With
 * `ratePerClient` each client sends that many requests a second (a person's or a dashboard's
 * pace); without it, its next request as soon as the last is answered (the server's capacity).
 */
export async function runMixedLoad(urls: string[], { clients, writeShare, seconds, runIds, ratePerClient }: { clients: number; writeShare: number; seconds: number; runIds: string[]; ratePerClient?: number }) {
  const writers = Math.max(1, Math.round(clients * writeShare));
  const [read, write] = await Promise.all([
    runHttpLoad({ urls, connections: clients - writers, seconds, kind: 'read', runIds, ratePerConnection: ratePerClient }),
    runHttpLoad({ urls, connections: writers, seconds, kind: 'write', runIds, ratePerConnection: ratePerClient }),
  ]);
  return { read, write };
}
