import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { dashboardQueries, metricNames, ruleQueries } from '../helpers/deploy-queries.js';
import { declaredFamilies, parseExposition, valueOf, type Sample } from '../helpers/metrics-text.js';
import { listenApi, runQuickstartOverHttp, sendRejectedAndUnknownRequests, startRun } from '../helpers/metrics-workload.js';
import { createTestRuntime } from '../helpers/runtime.js';

/** Series Prometheus makes itself while scraping, which no exporter exposes. */
const generatedByPrometheus = new Set(['up']);
const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/** The family a sample name belongs to: a histogram's _bucket, _sum and _count belong to it. */
function familyOf(name: string, families: Map<string, string>): string | undefined {
  if (families.has(name)) return name;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return families.get(base) === 'histogram' || families.get(base) === 'summary' ? base : undefined;
}

describe.each(databaseVariants())('a live /metrics after the quick start on $name', (variant) => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    app = undefined;
    runtime = undefined;
  });

  it('exposes every metric the dashboards and alert rules name, each with samples, and only bounded labels', async () => {
    runtime = await createTestRuntime(variant);
    runtime.startWorker({ concurrency: 4 });
    const server = await listenApi(runtime);
    app = server.app;
    const base = server.baseUrl;

    const { status } = await runQuickstartOverHttp(base);
    expect(status).toBe('succeeded');
    expect(await sendRejectedAndUnknownRequests(base)).toEqual([400, 404]);
    // A second run left queued with no worker: the queue and the budget gauges have something to report.
    await runtime.worker!.stop();
    await startRun(base, 'a second goal that waits');

    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    const families = declaredFamilies(text);
    const samples = parseExposition(text);

    const referenced = new Map<string, string>();
    for (const query of [...dashboardQueries(), ...ruleQueries()]) for (const name of metricNames(query.expr)) referenced.set(name, query.source);
    expect(referenced.size).toBeGreaterThan(25);
    const missing: string[] = [];
    const withoutSamples: string[] = [];
    for (const [name, source] of referenced) {
      if (generatedByPrometheus.has(name)) continue;
      const family = familyOf(name, families);
      if (!family) missing.push(`${name} (${source})`);
      else if (!samples.some((sample) => sample.name === name)) withoutSamples.push(`${name} (${source})`);
    }
    expect(missing, 'metrics named in deploy/ that /metrics does not declare').toEqual([]);
    expect(withoutSamples, 'metrics named in deploy/ with no sample after the workload').toEqual([]);

    // What the workload must have moved.
    expect(sumOf(samples, 'llm_requests_total')).toBeGreaterThan(0);
    expect(sumOf(samples, 'llm_tokens_total')).toBeGreaterThan(0);
    expect(sumOf(samples, 'llm_cost_usd_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'tasks_total', { outcome: 'completed' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'tasks_total', { outcome: 'retried' })).toBeGreaterThan(0);
    expect(valueOf(samples, 'queue_depth')).toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, 'budget_limit_usd', { scope: 'run' })).toBe(5);
    expect(valueOf(samples, 'agents_active')).toBe(0);
    expect(sumOf(samples, 'db_query_duration_seconds_count')).toBeGreaterThan(100);
    expect(sumOf(samples, 'inspector_rejections_total')).toBeGreaterThan(0);
    expect(valueOf(samples, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(samples, 'http_requests_total', { method: 'POST', route: '/api/v1/runs', status: '201' })).toBe(2);
    const llmLabels = samples.filter((sample) => sample.name === 'llm_requests_total').map((sample) => sample.labels);
    // The quick start's model calls: agent steps, the guardian's reviews and memory embeddings, all
    // on the simulated provider, each labelled by its kind (never by a run or a raw model name).
    expect(llmLabels.every((labels) => labels.provider === 'simulated' && labels.model === 'simulated')).toBe(true);
    expect(new Set(llmLabels.map((labels) => labels.kind))).toEqual(new Set(['agent_step', 'guardian', 'embedding']));

    // Bounded labels: no run, task or session id anywhere, no raw URL.
    const values = samples.flatMap((sample) => Object.values(sample.labels));
    expect(values.filter((value) => uuid.test(value))).toEqual([]);
    expect(values.filter((value) => value.includes('no-such-route') || value.includes("'"))).toEqual([]);
  }, 180_000);
});

function sumOf(samples: Sample[], name: string): number {
  return samples.filter((sample) => sample.name === name).reduce((sum, sample) => sum + sample.value, 0);
}

describe('metrics switched off', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
  });

  it('builds no registry, serves no /metrics and still tags responses with a request id', async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { observability: { metrics: false } });
    expect(runtime.metrics).toBeUndefined();
    const server = await listenApi(runtime);
    app = server.app;
    const response = await fetch(`${server.baseUrl}/metrics`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-request-id')).toMatch(uuid);
    expect(runtime.telemetry.observed('http.request')).toBe(false);
    expect(runtime.telemetry.observed('db.query')).toBe(false);
  }, 120_000);
});
