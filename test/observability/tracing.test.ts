import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import type { Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { createTestRuntime, waitForRun } from '../helpers/runtime.js';

interface ExportedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  attributes: { key: string; value: Record<string, unknown> }[];
}

/**
 * A stand-in collector: accepts OTLP/HTTP exports in JSON (what @opentelemetry/exporter-trace-otlp-http
 * sends) on /v1/traces and keeps the spans.
 */
async function startCollector(): Promise<{ url: string; spans: ExportedSpan[]; requests: { path: string; contentType: string }[]; close(): Promise<void> }> {
  const spans: ExportedSpan[] = [];
  const requests: { path: string; contentType: string }[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += String(chunk)));
    request.on('end', () => {
      requests.push({ path: request.url ?? '', contentType: String(request.headers['content-type']) });
      const payload = JSON.parse(body) as { resourceSpans: { resource: unknown; scopeSpans: { spans: ExportedSpan[] }[] }[] };
      for (const resourceSpans of payload.resourceSpans) for (const scope of resourceSpans.scopeSpans) spans.push(...scope.spans);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, spans, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

const variant = { name: 'pglite' as const, open: openMigratedPglite };
const attribute = (span: ExportedSpan, key: string) => span.attributes.find((entry) => entry.key === key)?.value;

describe('tracing over OTLP', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('is off without an endpoint: no tracer is built', async () => {
    runtime = await createTestRuntime(variant);
    expect(runtime.tracer).toBeUndefined();
    expect(runtime.telemetry.observed('agent.step')).toBe(false);
  }, 120_000);

  it('exports spans for HTTP requests, agent sessions and steps, and model calls nested under their session', async () => {
    const collector = await startCollector();
    try {
      runtime = await createTestRuntime(variant, { observability: { otlpEndpoint: collector.url, serviceName: 'anvil-test' } });
      expect(runtime.tracer).toBeDefined();
      const app = await buildServer({ runtime, dashboard: false });
      await registerWorkflow(runtime.db, parse(await readFile('examples/quickstart.yaml', 'utf8')));
      const run = await startRun(runtime.db, { workflow: 'quickstart', goal: 'add a streaming mode', simulated: true });
      runtime.startWorker({ concurrency: 2 });
      expect(await waitForRun(runtime, run.id, 120_000)).toBe('succeeded');
      expect((await app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}` })).statusCode).toBe(200);
      await app.close();
      await runtime.close();
      runtime = undefined;
    } finally {
      await collector.close();
    }

    expect(collector.requests.length).toBeGreaterThan(0);
    expect(collector.requests.every((request) => request.path === '/v1/traces' && request.contentType.includes('application/json'))).toBe(true);
    const names = new Set(collector.spans.map((span) => span.name));
    expect(names).toContain('GET /api/v1/runs/:id');
    expect(names).toContain('agent.session');
    expect(names).toContain('agent.step');
    expect(names).toContain('ai.generateText');
    expect(names).toContain('ai.generateText.doGenerate');

    const http = collector.spans.find((span) => span.name === 'GET /api/v1/runs/:id')!;
    expect(attribute(http, 'http.response.status_code')).toEqual({ intValue: 200 });
    // Model calls and steps sit in the trace of their session.
    const byId = new Map(collector.spans.map((span) => [span.spanId, span]));
    const sessionOf = (span: ExportedSpan): ExportedSpan | undefined => {
      let current: ExportedSpan | undefined = span;
      while (current && current.name !== 'agent.session') current = current.parentSpanId ? byId.get(current.parentSpanId) : undefined;
      return current;
    };
    const calls = collector.spans.filter((span) => span.name === 'ai.generateText.doGenerate');
    expect(calls.length).toBeGreaterThan(3);
    expect(calls.every((span) => sessionOf(span) !== undefined)).toBe(true);
    expect(collector.spans.filter((span) => span.name === 'agent.step').every((span) => sessionOf(span) !== undefined)).toBe(true);
    // Prompts and answers are not exported.
    const keys = new Set(collector.spans.flatMap((span) => span.attributes.map((entry) => entry.key)));
    expect([...keys].filter((key) => key.startsWith('ai.prompt') || key === 'ai.response.text')).toEqual([]);
  }, 180_000);
});
