import { readFile } from 'node:fs/promises';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { inviteAgent } from '../../src/security/agents/index.js';
import { apiScopes, createApiKey, type ApiScope } from '../../src/security/keys/index.js';
import { authorisationMatrixTable, matrixRoutes } from '../helpers/authorisation-matrix.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

/**
 * Every route × (no key, a key without its scope, a key with it) gives 401, 403 or success as the
 * route declares. A route that declares no scope fails here, and is denied at runtime.
 */
describe('authorisation matrix', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  const keys = {} as Record<ApiScope, string>;
  const ids = { run: '', finishedRun: '', task: '', key: '', agent: '' };
  let agentToken = '';
  let workflowYaml = '';

  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { security: { rateLimit: { enabled: false } } });
    app = await buildServer({ runtime, dashboard: false });
    for (const scope of apiScopes) keys[scope] = (await createApiKey(runtime.db, { name: `only ${scope}`, scopes: [scope] })).key;
    const admin = { 'x-api-key': keys.admin };
    workflowYaml = await readFile('examples/quickstart.yaml', 'utf8');
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { ...admin, 'content-type': 'application/yaml' }, payload: workflowYaml });
    ids.run = (await app.inject({ method: 'POST', url: '/api/v1/runs', headers: admin, payload: { workflow: 'quickstart', goal: 'matrix' } })).json().id;
    ids.finishedRun = (await app.inject({ method: 'POST', url: '/api/v1/runs', headers: admin, payload: { workflow: 'quickstart', goal: 'finished' } })).json().id;
    await app.inject({ method: 'POST', url: `/api/v1/runs/${ids.finishedRun}/cancel`, headers: admin });
    ids.task = (await app.inject({ method: 'POST', url: `/api/v1/runs/${ids.run}/tasks`, headers: admin, payload: { phase: 'verify', title: 'matrix task' } })).json().id;
    ids.key = (await createApiKey(runtime.db, { name: 'to revoke', scopes: ['runs:read'] })).view.id;
    agentToken = (await inviteAgent(runtime.db, { runId: ids.run, name: 'matrix agent', ttlSeconds: 3_600 })).token;
    ids.agent = (await inviteAgent(runtime.db, { runId: ids.run, name: 'to revoke', ttlSeconds: 3_600 })).view.id;
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  /** A request that succeeds for a caller with the right scope. */
  function requestFor(method: string, url: string): InjectOptions & { url: string; headers?: Record<string, string> } {
    const runId = url.includes('/events') ? ids.finishedRun : ids.run;
    const path = url
      .replace('/runs/:id', `/runs/${runId}`)
      .replace('/tasks/:id', `/tasks/${ids.task}`)
      .replace('/workflows/:id', '/workflows/quickstart')
      .replace('/keys/:id', `/keys/${ids.key}`)
      .replace('/agents/:id', `/agents/${ids.agent}`);
    const bodies: Record<string, unknown> = {
      'POST /api/v1/runs': { workflow: 'quickstart', goal: 'another' },
      'POST /api/v1/runs/:id/tasks': { phase: 'verify', title: 'one more' },
      'PATCH /api/v1/tasks/:id': { priority: 5 },
      'POST /api/v1/keys': { name: 'made in the matrix', scopes: ['runs:read'] },
      'POST /api/v1/runs/:id/agents': { name: 'made in the matrix' },
      'POST /api/v1/workflows/validate': { name: 'x' },
      'POST /v1/chat/completions': { model: 'simulated/agent', messages: [{ role: 'user', content: 'Say hello.' }] },
      'POST /api/v1/llm-cache/invalidate': { model: 'simulated/agent' },
    };
    if (url === '/api/v1/memories/search') return { method: 'GET', url: `${path}?run_id=${ids.run}&q=matrix` };
    // Registering the same workflow again is idempotent (200).
    if (method === 'POST' && url === '/api/v1/workflows') return { method: 'POST', url: path, payload: workflowYaml, headers: { 'content-type': 'application/yaml' } };
    // MCP's Streamable HTTP asks the client to accept both JSON and an event stream.
    if (url === '/mcp') {
      const payload = method === 'POST' ? { jsonrpc: '2.0', id: 1, method: 'tools/list' } : undefined;
      return { method: method as InjectOptions['method'], url: path, payload, headers: { accept: 'application/json, text/event-stream' } };
    }
    return { method: method as InjectOptions['method'], url: path, payload: bodies[`${method} ${url}`] as InjectOptions['payload'] };
  }

  it('finds a scope declared on every route', () => {
    const undeclared = matrixRoutes(app.declaredRoutes).filter((route) => route.scope === undefined).map((route) => `${route.method} ${route.url}`);
    expect(undeclared).toEqual([]);
    expect(matrixRoutes(app.declaredRoutes).length).toBeGreaterThan(15);
  });

  it('finds inspector field kinds for every request part a route schema describes', () => {
    const missing = matrixRoutes(app.declaredRoutes).flatMap((route) =>
      Object.entries(route.parts)
        .filter(([, part]) => part.schema && !part.kinds)
        .map(([name]) => `${route.method} ${route.url} ${name}`),
    );
    expect(missing).toEqual([]);
  });

  it('answers every route as declared without a key, with a key lacking the scope, and with the scope', async () => {
    const outcomes: string[] = [];
    for (const route of matrixRoutes(app.declaredRoutes)) {
      const request = requestFor(route.method, route.url);
      const name = `${route.method} ${route.url}`;
      const inject = (key?: string) => app.inject({ ...request, headers: { ...request.headers, ...(key ? { 'x-api-key': key } : {}) }, remoteAddress: '203.0.113.7' });
      const without = await inject();
      const wrongScope = apiScopes.find((scope) => scope !== 'admin' && scope !== route.scope)!;
      const wrong = await inject(keys[wrongScope]);
      const admin = await inject(keys.admin);
      if (route.scope === 'agent') {
        // Only an outside agent's token opens /mcp; no API key does, the admin's included.
        const right = await app.inject({ ...request, headers: { ...request.headers, authorization: `Bearer ${agentToken}` }, remoteAddress: '203.0.113.7' });
        expect([without.statusCode, wrong.statusCode, admin.statusCode], name).toEqual([401, 403, 403]);
        expect(right.statusCode, `${name} with an agent token: ${right.body.slice(0, 200)}`).toBe(route.method === 'POST' ? 200 : 405);
        outcomes.push(name);
        continue;
      }
      const right = await inject(route.scope === 'public' ? undefined : keys[route.scope as ApiScope]);
      if (route.scope === 'public') {
        outcomes.push(`${name} ${without.statusCode < 400} ${wrong.statusCode < 400}`);
        expect(without.statusCode, name).toBeLessThan(400);
        expect(wrong.statusCode, name).toBeLessThan(400);
        continue;
      }
      // Under /v1/ errors take OpenAI's shape, whose codes are lower case.
      const code = (response: typeof without) => String(response.json().error.code).toUpperCase();
      expect([without.statusCode, code(without)], name).toEqual([401, 'UNAUTHORIZED']);
      expect([wrong.statusCode, code(wrong)], `${name} with ${wrongScope}`).toEqual([403, 'FORBIDDEN']);
      // Past authorisation the handler answers: reads succeed; a state change may meet its own 409
      // (the matrix cancels a run before it tries to resume it).
      expect(right.statusCode, `${name} with ${route.scope}: ${right.body.slice(0, 200)}`).not.toBeOneOf([401, 403, 429]);
      expect(right.statusCode, `${name} with ${route.scope}: ${right.body.slice(0, 200)}`).toBeLessThan(route.method === 'GET' ? 300 : 500);
      expect(admin.statusCode, `${name} as admin`).not.toBeOneOf([401, 403]);
      expect(admin.statusCode, `${name} as admin`).toBeLessThan(500);
      outcomes.push(name);
    }
    expect(outcomes.length).toBe(matrixRoutes(app.declaredRoutes).length);
  });

  it('denies a route that declares no scope to every key, the admin included', async () => {
    const runtime2 = await createTestRuntime(databaseVariants()[0]!);
    const app2 = await buildServer({ runtime: runtime2, dashboard: false });
    app2.get('/api/v1/forgotten', async () => ({ reachable: true }));
    const admin = (await createApiKey(runtime2.db, { name: 'admin', scopes: ['admin'] })).key;
    const response = await app2.inject({ method: 'GET', url: '/api/v1/forgotten', headers: { 'x-api-key': admin } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.message).toContain('declares no scope');
    expect(app2.declaredRoutes.find((route) => route.url === '/api/v1/forgotten')?.scope).toBeUndefined();
    await app2.close();
    await runtime2.close();
  });

  it('matches the authorisation matrix documented in docs/security.md', async () => {
    const docs = await readFile('docs/security.md', 'utf8');
    const table = authorisationMatrixTable(app.declaredRoutes);
    expect(docs, `docs/security.md should hold, between <!-- generated:authorisation-matrix --> markers:\n${table}`).toContain(`<!-- generated:authorisation-matrix -->\n${table}\n<!-- /generated:authorisation-matrix -->`);
  });
});
