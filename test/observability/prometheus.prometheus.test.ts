import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { dashboardQueries, metricNames, ruleQueries, withGrafanaVariables } from '../helpers/deploy-queries.js';
import { listenApi, runQuickstartOverHttp } from '../helpers/metrics-workload.js';
import { startPrometheus, type PrometheusServer } from '../helpers/prometheus-server.js';
import { createTestRuntime } from '../helpers/runtime.js';
import { prometheusBinary } from '../helpers/services.js';

const binary = prometheusBinary('prometheus');

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
    value = await read();
  }
  return value;
}

/** Metrics with no series after this workload: no budgeted run is active once it ends, and nothing was rejected. */
const quietAfterWorkload = new Set(['budget_remaining_usd', 'budget_limit_usd', 'inspector_rejections_total']);

const total = (results: { value: [number, string] }[]) => results.reduce((sum, result) => sum + Number(result.value[1]), 0);

if (binary) {
  describe('Prometheus scraping a test Anvil through the quick start', () => {
    let runtime: Runtime;
    let app: FastifyInstance;
    let prometheus: PrometheusServer;

    beforeAll(async () => {
      runtime = await createTestRuntime({ name: 'pglite', open: openMigratedPglite });
      runtime.startWorker({ concurrency: 4 });
      const server = await listenApi(runtime);
      app = server.app;
      prometheus = await startPrometheus(binary, { targets: [new URL(server.baseUrl).host] });
      const { status } = await runQuickstartOverHttp(server.baseUrl);
      expect(status).toBe('succeeded');
    }, 180_000);

    afterAll(async () => {
      await prometheus?.stop();
      await app?.close();
      await runtime?.close();
    });

    it('scrapes Anvil and sees non-zero llm_requests_total and tasks_total', async () => {
      const up = await eventually(() => prometheus.query('up{job="anvil"}'), (results) => total(results) === 1);
      expect(up).toHaveLength(1);
      const llm = await eventually(() => prometheus.query('sum(llm_requests_total)'), (results) => total(results) > 0);
      const tasks = await eventually(() => prometheus.query('sum(tasks_total{outcome="completed"})'), (results) => total(results) > 0);
      expect(total(llm)).toBeGreaterThan(0);
      expect(total(tasks)).toBeGreaterThan(0);
      // The same numbers Anvil itself reports.
      const own = await (await fetch(`${prometheus.url}/api/v1/query?query=sum(llm_cost_usd_total)`)).json() as { data: { result: { value: [number, string] }[] } };
      expect(Number(own.data.result[0]!.value[1])).toBeGreaterThan(0);
    }, 90_000);

    it('parses and answers every PromQL expression of the dashboards and alert rules', async () => {
      // Two scrapes at least, so that rate() has two points in the window.
      await eventually(() => prometheus.query('count_over_time(up{job="anvil"}[1m])'), (results) => total(results) >= 3);
      const failures: string[] = [];
      const empty: string[] = [];
      const queries = [...dashboardQueries(), ...ruleQueries()];
      for (const query of queries) {
        try {
          const results = await prometheus.query(withGrafanaVariables(query.expr));
          // Alert rules answer nothing while Anvil is healthy; panels should show data, except
          // those that only read state this workload leaves empty.
          const quiet = metricNames(query.expr).every((name) => quietAfterWorkload.has(name));
          if (results.length === 0 && !query.source.startsWith('prometheus/') && !quiet) empty.push(query.source);
        } catch (error) {
          failures.push(`${query.source}: ${(error as Error).message}`);
        }
      }
      expect(failures).toEqual([]);
      expect(empty).toEqual([]);
    }, 90_000);
  });
}
