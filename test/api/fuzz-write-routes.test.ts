import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { createApiKey } from '../../src/security/keys/index.js';
import { matrixRoutes } from '../helpers/authorisation-matrix.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

/**
 * Random and malformed bodies against every write route: random JSON, text that is not JSON,
 * numbers past double range, nesting far past the depth limit, invalid UTF-8. Never a 5xx, and
 * the server keeps answering.
 */
const hugeNumbers = ['1e999999', '-1e309', '123456789012345678901234567890123456789', '{"priority": 1e400}', '{"priority": -0.0000000000000000001}', '{"goal": 1e308, "workflow": 9007199254740993}'];

const bodies = fc.oneof(
  fc.jsonValue({ maxDepth: 6 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(...hugeNumbers),
  fc.integer({ min: 30, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 30, max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"goal":"'), Buffer.from(bytes.map((byte) => byte | 0x80)), Buffer.from('","workflow":"quickstart","title":"t","phase":"verify"}')])),
  fc.record({ workflow: fc.string(), goal: fc.string(), title: fc.string(), phase: fc.string(), priority: fc.double(), name: fc.string(), scopes: fc.array(fc.string()) }, { requiredKeys: [] }).map((value) => JSON.stringify(value)),
);

describe('fuzzing every write route', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let admin: string;
  const ids = { run: '', task: '', key: '' };

  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { security: { rateLimit: { enabled: false } } });
    app = await buildServer({ runtime, dashboard: false });
    admin = (await createApiKey(runtime.db, { name: 'fuzz', scopes: ['admin'] })).key;
    ids.key = (await createApiKey(runtime.db, { name: 'target', scopes: ['runs:read'] })).view.id;
    const headers = { 'x-api-key': admin };
    await app.inject({ method: 'POST', url: '/api/v1/workflows', headers: { ...headers, 'content-type': 'application/yaml' }, payload: await readFile('examples/quickstart.yaml', 'utf8') });
    ids.run = (await app.inject({ method: 'POST', url: '/api/v1/runs', headers, payload: { workflow: 'quickstart', goal: 'fuzz' } })).json().id;
    ids.task = (await app.inject({ method: 'POST', url: `/api/v1/runs/${ids.run}/tasks`, headers, payload: { phase: 'verify', title: 'fuzz' } })).json().id;
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  it('never answers 5xx to random or malformed bodies, and keeps serving', { timeout: 300_000 }, async () => {
    const writeRoutes = matrixRoutes(app.declaredRoutes).filter((route) => ['POST', 'PATCH', 'PUT', 'DELETE'].includes(route.method));
    expect(writeRoutes.length).toBeGreaterThanOrEqual(10);
    const seen = new Map<string, Set<number>>();
    for (const route of writeRoutes) {
      const url = route.url.replace('/runs/:id', `/runs/${ids.run}`).replace('/tasks/:id', `/tasks/${ids.task}`).replace('/keys/:id', `/keys/${ids.key}`);
      const statuses = new Set<number>();
      seen.set(`${route.method} ${route.url}`, statuses);
      await fc.assert(
        fc.asyncProperty(bodies, fc.constantFrom('application/json', 'application/yaml'), async (payload, contentType) => {
          const response = await app.inject({ method: route.method as 'POST', url, headers: { 'x-api-key': admin, 'content-type': contentType }, payload });
          statuses.add(response.statusCode);
          expect(response.statusCode, `${route.method} ${url}: ${response.body.slice(0, 300)}`).toBeLessThan(500);
        }),
        { numRuns: 60, seed: 20_260_101 },
      );
    }
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/api/v1/runs', headers: { 'x-api-key': admin } })).statusCode).toBe(200);
    // Every route saw refusals (4xx), not only successes: the bodies reached their checks.
    for (const [name, statuses] of seen) expect([...statuses].some((status) => status >= 400), name).toBe(true);
  });
});
