import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startCli, temporaryFolder } from '../helpers/cli.js';
import { freePort } from '../helpers/prometheus-server.js';

async function eventually(url: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await fetch(url).catch(() => undefined);
    if (response) return response;
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('anvil worker --metrics-port', () => {
  it('serves the worker’s own /metrics and /healthz on the metrics port, and stops on SIGTERM', async () => {
    const dataDir = temporaryFolder();
    const port = await freePort();
    const { child, done } = startCli(['worker', '--metrics-port', String(port), '--concurrency', '1'], { ANVIL_DATA_DIR: dataDir });
    try {
      const scrape = await eventually(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toContain('# TYPE tasks_total counter');
      expect(text).toMatch(/^queue_depth 0$/m);
      expect(text).toContain('process_resident_memory_bytes');
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      const result = await done;
      expect(result.code).toBe(0);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
