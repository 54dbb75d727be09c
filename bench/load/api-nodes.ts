import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../test/faults/harness/free-port.js';

/**
 * API nodes (`anvil serve --no-workers`) for the load benchmarks, from the compiled server in
 * dist/ (`npm run build` first), with a raised open-files limit, logging warnings only (a line
 * per request would measure the logger), and rate limiting off (the load comes from one address).
 */
export interface ApiNode {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startApiNodes(count: number, env: NodeJS.ProcessEnv): Promise<ApiNode[]> {
  const nodes: ApiNode[] = [];
  for (let index = 0; index < count; index++) {
    const port = await freePort();
    // BENCH_CPU_PROF_DIR=DIR writes each node's CPU profile there when it stops (node --cpu-prof).
    const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
    const child = spawn('bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'anvil', process.execPath, ...profile, 'dist/cli/index.js', 'serve', '--no-workers', '--port', String(port)], {
      env: { ...process.env, ANVIL_LOG_LEVEL: 'warn', ANVIL_LOG_PRETTY: 'false', ANVIL_RATE_LIMIT: 'false', ANVIL_METRICS_PORT: '0', ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    nodes.push({
      url: `http://127.0.0.1:${port}`,
      process: child,
      async stop() {
        if (child.exitCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        await exited;
      },
    });
  }
  for (const node of nodes) {
    for (let attempt = 0; ; attempt++) {
      const ready = await fetch(`${node.url}/readyz`).then((response) => response.ok, () => false);
      if (ready) break;
      if (attempt > 300 || node.process.exitCode !== null) throw new Error(`API node ${node.url} did not become ready`);
      await sleep(200);
    }
  }
  return nodes;
}
