import { afterEach, describe, expect, it } from 'vitest';
import { createLabelPolicy } from './labels.js';
import { createMetrics } from './metrics.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { createTelemetry } from './telemetry.js';

describe('the worker metrics server', () => {
  let server: MetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  const metrics = () =>
    createMetrics({ telemetry: createTelemetry(), labels: createLabelPolicy({ providers: [], models: [], kinds: [], ruleFamilies: [] }), processMetrics: false });

  it('serves /metrics in the exposition format and /healthz, and nothing else', async () => {
    server = await startMetricsServer({ metrics: metrics(), port: 0 });
    const scrape = await fetch(`${server.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await scrape.text()).toContain('# TYPE tasks_total counter');
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/api/v1/runs`)).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('answers 500 when collection fails, and says so', async () => {
    const failing = metrics();
    failing.render = async () => {
      throw new Error('registry broke');
    };
    const errors: string[] = [];
    server = await startMetricsServer({ metrics: failing, port: 0, onError: (error) => errors.push((error as Error).message) });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(500);
    expect(errors).toEqual(['registry broke']);
  });

  it('refuses to start on a port that is taken', async () => {
    server = await startMetricsServer({ metrics: metrics(), port: 0 });
    const port = Number(new URL(server.url).port);
    await expect(startMetricsServer({ metrics: metrics(), port })).rejects.toThrow(/EADDRINUSE/);
  });
});
