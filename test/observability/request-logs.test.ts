import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { simulatedModels } from '../helpers/runtime.js';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('request logs', () => {
  let runtime: Runtime | undefined;
  let app: FastifyInstance | undefined;
  const lines: Record<string, unknown>[] = [];
  afterEach(async () => {
    await app?.close();
    await runtime?.close();
    lines.length = 0;
  });

  async function start(): Promise<FastifyInstance> {
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    runtime = await createRuntime(testConfig({ log: { level: 'info' } }), { database: await openMigratedPglite(), models: simulatedModels(), logger: createLogger({ level: 'info', destination }) });
    app = await buildServer({ runtime, dashboard: false });
    return app;
  }

  it('keeps a caller’s short request id, answers with it and logs every line of the request under it', async () => {
    const server = await start();
    const response = await server.inject({ method: 'GET', url: '/api/v1/runs/00000000-0000-4000-8000-000000000000', headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-request-id']).toBe('lb-7f3a.42');
    const requestLines = lines.filter((line) => line.requestId === 'lb-7f3a.42');
    expect(requestLines.map((line) => line.msg)).toEqual(expect.arrayContaining(['incoming request', 'request completed']));
    expect(lines.filter((line) => line.msg === 'incoming request').every((line) => line.requestId === 'lb-7f3a.42')).toBe(true);
  }, 120_000);

  it('replaces a request id that is too long or carries control characters with a UUID', async () => {
    const server = await start();
    for (const given of ['x'.repeat(200), 'two words', 'line\u0007break']) {
      const response = await server.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': given } });
      expect(response.headers['x-request-id']).toMatch(uuid);
    }
    const ids = lines.filter((line) => line.msg === 'incoming request').map((line) => line.requestId);
    expect(ids).toHaveLength(3);
    expect(ids.every((id) => typeof id === 'string' && uuid.test(id))).toBe(true);
  }, 120_000);

  it('never logs the credentials a request carries', async () => {
    const server = await start();
    const secret = 'anvil_sk_5b1e0c9d7a2f4e6b8c3d';
    await server.inject({ method: 'GET', url: '/api/v1/workflows', headers: { authorization: `Bearer ${secret}`, 'x-api-key': secret, cookie: `session=${secret}` } });
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.stringify(lines)).not.toContain(secret);
  }, 120_000);
});
