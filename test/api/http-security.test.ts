import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { createApiKey } from '../../src/security/keys/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

const outside = '203.0.113.9';

describe('HTTP security without keys', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!);
    app = await buildServer({ runtime, dashboard: false });
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('serves a loopback client as the local admin and refuses any other peer', async () => {
    const local = await app.inject({ method: 'GET', url: '/api/v1/runs', remoteAddress: '127.0.0.1' });
    expect(local.statusCode).toBe(200);
    const remote = await app.inject({ method: 'GET', url: '/api/v1/runs', remoteAddress: outside });
    expect(remote.statusCode).toBe(401);
    // A forwarded-for header claiming loopback changes nothing: the socket's peer decides.
    const spoofed = await app.inject({ method: 'GET', url: '/api/v1/runs', remoteAddress: outside, headers: { 'x-forwarded-for': '127.0.0.1' } });
    expect(spoofed.statusCode).toBe(401);
  });

  it('sends helmet security headers and no CORS header to an unlisted origin', async () => {
    const response = await app.inject({ method: 'GET', url: '/healthz', headers: { origin: 'https://evil.example' } });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('sends the security headers on a Server-Sent Events stream too', async () => {
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    const run = (await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'quickstart', goal: 'headers' } })).json();
    await app.inject({ method: 'POST', url: `/api/v1/runs/${run.id}/cancel` });
    const stream = await app.inject({ method: 'GET', url: `/api/v1/runs/${run.id}/events` });
    expect(stream.headers['content-type']).toContain('text/event-stream');
    expect(stream.headers['x-content-type-options']).toBe('nosniff');
    expect(stream.headers['content-security-policy']).toContain("default-src 'self'");
    expect(stream.body).toContain('event: end');
  });

  it('answers an inspector finding with 400 INPUT_REJECTED naming field and rule, never echoing the value', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/v1/runs?cursor=${encodeURIComponent("x' OR '1'='1")}` });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expect(body.error.code).toBe('INPUT_REJECTED');
    expect(body.error.details.field).toBe('query.cursor');
    expect(body.error.details.rule).toMatch(/^input\./);
    expect(response.body).not.toContain("OR '1'='1");
  });

  it('refuses a task title that carries a script, and a header that carries SQL', async () => {
    const title = await app.inject({ method: 'POST', url: '/api/v1/runs/00000000-0000-4000-8000-000000000000/tasks', payload: { phase: 'verify', title: '<script>alert(1)</script>' } });
    expect([title.statusCode, title.json().error.details]).toEqual([400, { field: 'body.title', rule: 'xss.script-tag' }]);
    const header = await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'user-agent': "x' UNION SELECT password FROM users --" } });
    expect(header.statusCode).toBe(400);
    expect(header.json().error.details.field).toBe('headers.user-agent');
  });

  it('lets a run goal (a prompt) carry SQL, shell and markup', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/v1/runs', payload: { workflow: 'none', goal: "Explain why `rm -rf /` and ' OR 1=1 -- and <script> are dangerous" } });
    expect(response.json().error.code).toBe('WORKFLOW_NOT_FOUND');
  });

  it('answers JSON nested past the depth limit with 400 INPUT_TOO_DEEP', async () => {
    const deep = `{"workflow":"q","goal":"g","params":{"a":${'['.repeat(40)}${']'.repeat(40)}}}`;
    const response = await app.inject({ method: 'POST', url: '/api/v1/runs', headers: { 'content-type': 'application/json' }, payload: deep });
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'INPUT_TOO_DEEP']);
  });

  it('answers too many query parameters with 400 QUERY_TOO_MANY_PARAMETERS', async () => {
    const query = Array.from({ length: 101 }, (_, index) => `p${index}=1`).join('&');
    const response = await app.inject({ method: 'GET', url: `/api/v1/runs?${query}` });
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'QUERY_TOO_MANY_PARAMETERS']);
  });
});

describe('HTTP security with keys', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let reader: { key: string; id: string };
  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { security: { rateLimit: { perKeyPerMinute: 5, perIpPerMinute: 3 }, corsOrigins: ['https://dashboard.example'], limits: { maxHeaderBytes: 2_048 } } });
    app = await buildServer({ runtime, dashboard: false });
    const created = await createApiKey(runtime.db, { name: 'reader', scopes: ['runs:read'] });
    reader = { key: created.key, id: created.view.id };
    await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('accepts a key in x-api-key or as a bearer token, and refuses a loopback client without one', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { authorization: `Bearer ${reader.key}` } })).statusCode).toBe(200);
    const none = await app.inject({ method: 'GET', url: '/api/v1/workflows' });
    expect([none.statusCode, none.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
    // Change the last character to a different one (replacing it by a fixed letter would leave
    // the key valid whenever it already ended in that letter).
    const last = reader.key.endsWith('A') ? 'B' : 'A';
    const mistyped = await app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { 'x-api-key': `${reader.key.slice(0, -1)}${last}` } });
    expect(mistyped.json().error.message).toContain('not valid');
  });

  it('counts requests per key with the standard headers and answers 429 with retry-after past the limit', async () => {
    const key = (await createApiKey(runtime.db, { name: 'limited', scopes: ['runs:read'], rateLimitPerMinute: 2 })).key;
    const first = await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': key } });
    expect(first.headers['x-ratelimit-limit']).toBe('2');
    expect(first.headers['x-ratelimit-remaining']).toBe('1');
    await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': key } });
    const third = await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': key } });
    expect([third.statusCode, third.json().error.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
    // Another key is counted on its own.
    expect((await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': reader.key } })).statusCode).toBe(200);
  });

  it('counts requests without a valid key per IP, failed ones included', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await app.inject({ method: 'GET', url: '/api/v1/runs', remoteAddress: '198.51.100.4' })).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await app.inject({ method: 'GET', url: '/healthz', remoteAddress: '198.51.100.4' })).statusCode).toBe(200);
  });

  it('stops accepting a revoked key at once in the process that revoked it', async () => {
    const admin = (await createApiKey(runtime.db, { name: 'admin', scopes: ['admin'] })).key;
    const doomed = await app.inject({ method: 'POST', url: '/api/v1/keys', headers: { 'x-api-key': admin }, payload: { name: 'doomed', scopes: ['runs:read'] } });
    expect(doomed.statusCode).toBe(201);
    const { key, id } = doomed.json() as { key: string; id: string };
    expect((await app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { 'x-api-key': key } })).statusCode).toBe(200);
    const listed = await app.inject({ method: 'GET', url: '/api/v1/keys', headers: { 'x-api-key': admin } });
    expect(listed.body).not.toContain(key.slice('anvil_0123456789ab_'.length));
    expect(listed.body).not.toContain('"hash"');
    expect((await app.inject({ method: 'DELETE', url: `/api/v1/keys/${id}`, headers: { 'x-api-key': admin } })).json().revoked_at).not.toBeNull();
    expect((await app.inject({ method: 'GET', url: '/api/v1/workflows', headers: { 'x-api-key': key } })).statusCode).toBe(401);
  });

  it('answers CORS preflight for a listed origin only', async () => {
    const allowed = await app.inject({ method: 'OPTIONS', url: '/api/v1/runs', headers: { origin: 'https://dashboard.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'x-api-key' } });
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe('https://dashboard.example');
    const other = await app.inject({ method: 'OPTIONS', url: '/api/v1/runs', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses headers larger than the limit with 431 on a real socket', async () => {
    const address = app.server.address() as { port: number };
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({ host: '127.0.0.1', port: address.port, path: '/healthz', headers: { 'x-padding': 'a'.repeat(4_096) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end();
    });
    expect(status).toBe(431);
  });
});
