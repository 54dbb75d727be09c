import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { AnvilError } from '../../errors.js';
import { createInspector } from './inspector.js';
import { inspectionHook, type Rejection } from './fastify-hook.js';

let app: FastifyInstance | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function build(mode: 'block' | 'detect' = 'block', limits = {}) {
  const rejections: Rejection[] = [];
  const logged: unknown[] = [];
  app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => logged.push(JSON.parse(line)) } } });
  app.setErrorHandler((error: Error, _request, reply) => {
    const status = error instanceof AnvilError ? error.statusCode : 500;
    void reply.status(status).send({ error: { code: error instanceof AnvilError ? error.code : 'INTERNAL', message: error.message, details: error instanceof AnvilError ? error.details : undefined } });
  });
  const hook = inspectionHook({ inspector: createInspector({ mode, limits }), onRejection: (rejection) => rejections.push(rejection) });
  app.post('/runs/:id', { preValidation: hook, config: { inspect: { params: { id: 'identifier' }, query: { q: 'query' }, body: { goal: 'prompt', title: 'title', 'tags[]': 'identifier' } } } }, async () => ({ ok: true }));
  await app.ready();
  return { app, rejections, logged };
}

describe('inspectionHook', () => {
  it('lets a clean request through, prompts included', async () => {
    const { app } = await build();
    const response = await app.inject({ method: 'POST', url: '/runs/run_1?q=union%20station', payload: { goal: 'Run `rm -rf build/`; SELECT 1', title: 'R&D <3', tags: ['a', 'b'] } });
    expect(response.statusCode).toBe(200);
  });

  it('answers 400 INPUT_REJECTED naming the field and rule, without echoing the value', async () => {
    const { app, rejections, logged } = await build();
    const response = await app.inject({ method: 'POST', url: '/runs/run_1', payload: { goal: 'x', title: '<img src=x onerror=alert(1)>', tags: ['ok'] } });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toEqual({ error: { code: 'INPUT_REJECTED', message: 'body.title was rejected by rule xss.event-handler', details: { field: 'body.title', rule: 'xss.event-handler' } } });
    expect(rejections).toEqual([{ route: 'POST /runs/:id', field: 'body.title', rule: 'xss.event-handler', detectOnly: false }]);
    expect(JSON.stringify(logged)).not.toContain('onerror');
    expect(JSON.stringify(logged)).toContain('valueSha256');
  });

  it('checks path parameters and query values by their kinds', async () => {
    const { app } = await build();
    expect((await app.inject({ method: 'POST', url: "/runs/1'%20or%201=1", payload: {} })).json().error.details).toEqual({ field: 'params.id', rule: 'input.identifier-charset' });
    expect((await app.inject({ method: 'POST', url: '/runs/r1?q=1%20UNION%20SELECT%20password%20FROM%20users', payload: {} })).json().error.details).toEqual({ field: 'query.q', rule: 'sql.union-select' });
  });

  it('in detect mode reports the finding and lets the request through', async () => {
    const { app, rejections } = await build('detect');
    const response = await app.inject({ method: 'POST', url: '/runs/r1', payload: { title: '<script>x</script>' } });
    expect(response.statusCode).toBe(200);
    expect(rejections).toEqual([{ route: 'POST /runs/:id', field: 'body.title', rule: 'xss.script-tag', detectOnly: true }]);
  });

  it('answers each limit with its own 4xx code', async () => {
    const { app } = await build('block', { maxDepth: 2, maxQueryParameters: 2 });
    const deep = await app.inject({ method: 'POST', url: '/runs/r1', payload: { a: { b: { c: 1 } } } });
    expect(deep.statusCode).toBe(400);
    expect(deep.json().error).toMatchObject({ code: 'INPUT_TOO_DEEP', details: { field: 'body.a.b', limit: 2 } });
    const wide = await app.inject({ method: 'POST', url: '/runs/r1?a=1&b=2&c=3', payload: {} });
    expect(wide.json().error.code).toBe('QUERY_TOO_MANY_PARAMETERS');
  });
});
