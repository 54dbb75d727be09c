import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A private Prometheus server for tests: Debian's binary on a free loopback port, with a temporary
 * storage folder and a scrape config of the test's choosing; stop() kills it and removes the folder.
 */
export interface PrometheusServer {
  readonly url: string;
  /** An instant query; throws unless Prometheus answers `success`. */
  query(expr: string): Promise<PrometheusResult[]>;
  stop(): Promise<void>;
}

export interface PrometheusResult {
  metric: Record<string, string>;
  value: [number, string];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(binary: string, { targets, scrapeIntervalSeconds = 1 }: { targets: string[]; scrapeIntervalSeconds?: number }): Promise<PrometheusServer> {
  const directory = await mkdtemp(join(tmpdir(), 'anvil-prometheus-'));
  const port = await freePort();
  const config = [
    'global:',
    `  scrape_interval: ${scrapeIntervalSeconds}s`,
    `  evaluation_interval: ${scrapeIntervalSeconds}s`,
    'scrape_configs:',
    '  - job_name: anvil',
    '    metrics_path: /metrics',
    '    static_configs:',
    `      - targets: [${targets.map((target) => `'${target}'`).join(', ')}]`,
    '',
  ].join('\n');
  await writeFile(join(directory, 'prometheus.yml'), config);
  let output = '';
  const child: ChildProcess = spawn(
    binary,
    [`--config.file=${join(directory, 'prometheus.yml')}`, `--storage.tsdb.path=${join(directory, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', (chunk) => (output += String(chunk)));
  child.stderr?.on('data', (chunk) => (output += String(chunk)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(directory, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
    }
    const ready = await fetch(`${url}/-/ready`).then((response) => response.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus did not become ready: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    async query(expr) {
      const response = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
      const body = (await response.json()) as { status: string; error?: string; data?: { resultType: string; result: PrometheusResult[] | [number, string] } };
      if (body.status !== 'success') throw new Error(`query failed: ${expr}: ${body.error}`);
      const result = body.data!.result;
      // A scalar answer is one value without labels.
      return body.data!.resultType === 'scalar' ? [{ metric: {}, value: result as [number, string] }] : (result as PrometheusResult[]);
    },
    stop,
  };
}
