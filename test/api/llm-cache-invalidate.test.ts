import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import type { Runtime } from '../../src/runtime.js';
import { createApiKey } from '../../src/security/keys/index.js';
import { runCli } from '../helpers/cli.js';
import { databaseVariants } from '../helpers/databases.js';
import { createTestRuntime } from '../helpers/runtime.js';

/**
 * POST /api/v1/llm-cache/invalidate (admin) and `anvil cache invalidate`, which calls it: cached
 * answers of one tenant, one model or a key pattern go, and only those.
 */
describe('LLM cache invalidation over HTTP and from the CLI', () => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let url: string;
  const keys = { admin: '', alice: '', bob: '', aliceTenant: '' };

  beforeAll(async () => {
    runtime = await createTestRuntime(databaseVariants()[0]!, { security: { rateLimit: { enabled: false } } });
    app = await buildServer({ runtime, dashboard: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    keys.admin = (await createApiKey(runtime.db, { name: 'admin', scopes: ['admin'] })).key;
    const alice = await createApiKey(runtime.db, { name: 'alice', scopes: ['llm:invoke'] });
    keys.alice = alice.key;
    keys.aliceTenant = alice.view.id;
    keys.bob = (await createApiKey(runtime.db, { name: 'bob', scopes: ['llm:invoke'] })).key;
  });
  afterAll(async () => {
    await app.close();
    await runtime.close();
  });

  /** The x-anvil-cache outcome of one chat completion. */
  async function ask(key: string, model = 'simulated/chat', question = 'What is the capital of France?'): Promise<string> {
    const response = await app.inject({ method: 'POST', url: '/v1/chat/completions', headers: { 'x-api-key': key }, payload: { model, messages: [{ role: 'user', content: question }] } });
    expect(response.statusCode).toBe(200);
    return String(response.headers['x-anvil-cache']);
  }

  const invalidate = (payload: unknown) => app.inject({ method: 'POST', url: '/api/v1/llm-cache/invalidate', headers: { 'x-api-key': keys.admin }, payload: payload as Record<string, unknown> });

  it('removes one tenant’s answers and leaves another’s', async () => {
    expect([await ask(keys.alice), await ask(keys.bob)]).toEqual(['miss', 'miss']);
    expect([await ask(keys.alice), await ask(keys.bob)]).toEqual(['hit', 'hit']);
    const response = await invalidate({ tenant: keys.aliceTenant });
    expect([response.statusCode, response.json()]).toEqual([200, { removed: 1 }]);
    expect([await ask(keys.alice), await ask(keys.bob)]).toEqual(['miss', 'hit']);
  });

  it('removes one model’s answers across tenants, and answers matching a pattern', async () => {
    await ask(keys.alice, 'simulated/agent', 'Plan the work');
    await ask(keys.bob, 'simulated/agent', 'Plan the work');
    expect(await ask(keys.alice)).toBe('hit');
    expect((await invalidate({ model: 'simulated/agent' })).json()).toEqual({ removed: 2 });
    expect([await ask(keys.alice, 'simulated/agent', 'Plan the work'), await ask(keys.alice)]).toEqual(['miss', 'hit']);
    expect((await invalidate({ pattern: `${keys.aliceTenant}:simulated/chat:*` })).json()).toEqual({ removed: 1 });
    expect([await ask(keys.alice), await ask(keys.alice, 'simulated/agent', 'Plan the work')]).toEqual(['miss', 'hit']);
  });

  it('refuses an empty request, a pattern beside a tenant, and glob characters in a tenant, naming the field', async () => {
    const empty = await invalidate({});
    expect(empty.statusCode).toBe(400);
    const both = await invalidate({ tenant: 'local', pattern: '*' });
    expect([both.statusCode, both.json().error.details.field]).toEqual([400, 'body.pattern']);
    const glob = await invalidate({ tenant: 'local*' });
    expect([glob.statusCode, glob.json().error.details.field]).toEqual([400, 'body.tenant']);
    const unknown = await invalidate({ tenant: 'local', everything: true });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('everything');
  });

  it('is reached by `anvil cache invalidate` with the admin key from ANVIL_API_KEY', async () => {
    await ask(keys.bob, 'simulated/chat', 'A question for the CLI');
    expect(await ask(keys.bob, 'simulated/chat', 'A question for the CLI')).toBe('hit');
    const done = await runCli(['cache', 'invalidate', '--model', 'simulated/chat', '--url', url], { ANVIL_API_KEY: keys.admin });
    expect(done.stderr).toBe('');
    expect([done.code, done.stdout]).toEqual([0, expect.stringMatching(/^removed [1-9]\d* cached answers?\n$/)]);
    expect(await ask(keys.bob, 'simulated/chat', 'A question for the CLI')).toBe('miss');

    const json = await runCli(['cache', 'invalidate', '--tenant', 'nobody', '--json', '--url', url], { ANVIL_API_KEY: keys.admin });
    expect([json.code, JSON.parse(json.stdout)]).toEqual([0, { removed: 0 }]);
    const refused = await runCli(['cache', 'invalidate', '--model', 'simulated/chat', '--url', url], { ANVIL_API_KEY: keys.alice.replace(/.$/, (last) => (last === 'a' ? 'b' : 'a')) });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('not valid');
    const nothing = await runCli(['cache', 'invalidate', '--url', url], { ANVIL_API_KEY: keys.admin });
    expect([nothing.code, nothing.stderr]).toEqual([2, expect.stringContaining('--tenant, --model and/or --pattern')]);
  }, 120_000);
});
