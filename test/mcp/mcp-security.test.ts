import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Runtime } from '../../src/runtime.js';
import { createApiKey } from '../../src/security/keys/index.js';
import { insertMemory } from '../../src/store/memories.js';
import { claimTask } from '../../src/store/queue/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { listen } from '../helpers/http.js';
import { connectAgent, inviteOverHttp, ToolCallError, type OutsideAgentClient } from '../helpers/mcp.js';
import { createTestRuntime } from '../helpers/runtime.js';

/**
 * MCP security, through the official client over a real socket: a token is bound to one run and
 * no tool reaches another; revoked and expired tokens are refused; /mcp takes nothing but an
 * agent's token, and an agent's token opens nothing but /mcp.
 */
describe.each(databaseVariants())('MCP security on $name', (variant) => {
  let runtime: Runtime;
  let app: FastifyInstance;
  let baseUrl: string;
  const open: OutsideAgentClient[] = [];
  beforeAll(async () => {
    runtime = await createTestRuntime(variant);
    ({ app, baseUrl } = await listen(runtime));
  });
  afterAll(async () => {
    for (const client of open) await client.close().catch(() => {});
    await app.close();
    await runtime.close();
  });
  const connect = async (token?: string) => {
    const client = await connectAgent(baseUrl, token);
    open.push(client);
    return client;
  };
  const refusal = async (call: Promise<unknown>) => {
    const error = await call.then(() => undefined, (caught: unknown) => caught);
    expect(error, 'the call should have been refused').toBeInstanceOf(ToolCallError);
    return (error as ToolCallError).code;
  };
  const httpStatusOf = async (work: Promise<unknown>) => {
    const error = await work.then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    return { status: (error as StreamableHTTPError).code, message: (error as Error).message };
  };

  it('keeps a token to its own run: no tool sees or touches another run', async () => {
    const mine = await startTestRun(runtime.db, undefined, 'mine');
    const other = await startTestRun(runtime.db, undefined, 'other');
    // The other run's root task is held by a built-in worker; its memory holds a word only it knows.
    const otherTask = (await claimTask(runtime.db, { workerId: 'built-in-other', leaseSeconds: 60, runId: other.id }))!;
    await insertMemory(runtime.db, { runId: other.id, taskId: otherTask.id, kind: 'warning', text: 'zanzibar secret of the other run', tags: [] });
    const agent = await connect((await inviteOverHttp(baseUrl, mine.id)).token);

    const claimed = await agent.call('claim_task');
    expect((claimed.task as { id: string }).id).not.toBe(otherTask.id);
    const mineTask = claimed.task as { id: string };
    expect((await runtime.db.query<{ run_id: string }>('SELECT run_id FROM tasks WHERE id = $1', [mineTask.id])).rows[0]!.run_id).toBe(mine.id);
    // The other run has a queued task left; this run has none: nothing to claim.
    await runtime.db.query(`INSERT INTO tasks (run_id, phase, title, status, dedupe_key) VALUES ($1, 'analyze', 'queued elsewhere', 'queued', 'queued elsewhere')`, [other.id]);
    expect(await agent.call('claim_task')).toMatchObject({ claimed: false });
    expect(await agent.call('claim_task', { phase: 'analyze' })).toMatchObject({ claimed: false });

    const foreign = { task_id: otherTask.id, attempt: 1 };
    expect(await refusal(agent.call('get_task', { task_id: otherTask.id }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('complete_task', { ...foreign, summary: 'not mine' }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('fail_task', { ...foreign, reason: 'not mine' }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('create_task', { ...foreign, phase: 'verify', title: 'planted from outside' }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('create_task', { phase: 'verify', title: 'depends on the other run', depends_on: [otherTask.id] }))).toBe('VALIDATION_FAILED');
    expect(await refusal(agent.call('save_memory', { ...foreign, kind: 'warning', text: 'planted' }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('submit_result', { ...foreign, summary: 'the other run is done' }))).toBe('TASK_NOT_FOUND');
    expect(await refusal(agent.call('ask_human', { ...foreign, question: 'may I?' }))).toBe('TASK_NOT_FOUND');
    expect(await agent.call('search_memory', { query: 'zanzibar secret' })).toMatchObject({ memories: [] });
    const status = (await agent.call('get_run_status')) as { run: { id: string; goal: string }; you: { held: { task_id: string }[] } };
    expect(status.run).toMatchObject({ id: mine.id, goal: 'mine' });
    expect(status.you.held.map((held) => held.task_id)).toEqual([mineTask.id]);
    expect(((await agent.call('heartbeat')).held as { task_id: string }[]).map((held) => held.task_id)).toEqual([mineTask.id]);

    // The other run is as it was: its task still held by its worker on attempt 1, nothing added.
    const after = await runtime.db.query<{ status: string; worker_id: string; attempt: number }>('SELECT status, worker_id, attempt FROM tasks WHERE id = $1', [otherTask.id]);
    expect(after.rows[0]).toEqual({ status: 'running', worker_id: 'built-in-other', attempt: 1 });
    const counts = await runtime.db.query<{ tasks: number; memories: number; result: unknown }>(
      'SELECT (SELECT count(*)::int FROM tasks WHERE run_id = $1) AS tasks, (SELECT count(*)::int FROM memories WHERE run_id = $1) AS memories, (SELECT result FROM runs WHERE id = $1) AS result',
      [other.id],
    );
    expect(counts.rows[0]).toEqual({ tasks: 2, memories: 1, result: null });
  });

  it('refuses a token from its next request once it is revoked, even on a connected client', async () => {
    const run = await startTestRun(runtime.db, undefined, 'revocation');
    const invited = await inviteOverHttp(baseUrl, run.id, { name: 'to revoke' });
    const agent = await connect(invited.token);
    expect(await agent.call('get_run_status')).toMatchObject({ run: { id: run.id } });
    const revoked = await fetch(new URL(`/api/v1/agents/${invited.id}`, baseUrl), { method: 'DELETE' });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({ id: invited.id, state: 'revoked' });
    const refused = await httpStatusOf(agent.call('get_run_status'));
    expect(refused.status).toBe(401);
    expect(refused.message).toContain('revoked');
    expect((await httpStatusOf(connectAgent(baseUrl, invited.token))).status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const run = await startTestRun(runtime.db, undefined, 'expiry');
    const invited = await inviteOverHttp(baseUrl, run.id, { name: 'short-lived', ttl_seconds: 60 });
    const agent = await connect(invited.token);
    expect(await agent.call('heartbeat')).toEqual({ held: [] });
    // The minute passes (the database's clock is the judge).
    await runtime.db.query("UPDATE run_agents SET expires_at = now() - interval '1 second' WHERE id = $1", [invited.id]);
    const refused = await httpStatusOf(agent.call('heartbeat'));
    expect(refused).toMatchObject({ status: 401 });
    expect(refused.message).toContain('expired');
    const listed = (await (await fetch(new URL(`/api/v1/runs/${run.id}/agents`, baseUrl))).json()) as { agents: unknown[] };
    expect(listed.agents).toEqual([expect.objectContaining({ id: invited.id, state: 'expired' })]);
    expect(JSON.stringify(listed)).not.toContain(invited.token.replace(/^anvil_agent_[^_]+_/, ''));
  });

  it('answers 401 without a token or with one that is not valid, and names the header in WWW-Authenticate', async () => {
    expect((await httpStatusOf(connectAgent(baseUrl))).status).toBe(401);
    const run = await startTestRun(runtime.db, undefined, 'forged');
    const { token } = await inviteOverHttp(baseUrl, run.id);
    const forged = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expect((await httpStatusOf(connectAgent(baseUrl, forged))).status).toBe(401);
    const bare = await fetch(new URL('/mcp', baseUrl), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer realm="anvil-mcp"');
    expect(((await bare.json()) as { error: { code: string } }).error.code).toBe('UNAUTHORIZED');
    // The server keeps no MCP session: GET (a stream) and DELETE are not offered.
    const get = await fetch(new URL('/mcp', baseUrl), { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
  });

  it('takes only agent tokens on /mcp and opens nothing else with them', async () => {
    const run = await startTestRun(runtime.db, undefined, 'separation');
    const { token } = await inviteOverHttp(baseUrl, run.id);
    const onRest = await fetch(new URL(`/api/v1/runs/${run.id}`, baseUrl), { headers: { authorization: `Bearer ${token}` } });
    expect(onRest.status).toBe(403);
    expect(((await onRest.json()) as { error: { message: string } }).error.message).toContain('/mcp only');
    // An API key, even an admin one, is not an agent: it has no run to be bound to.
    const admin = (await createApiKey(runtime.db, { name: 'admin', scopes: ['admin'] })).key;
    const withKey = await httpStatusOf(connectAgent(baseUrl, admin));
    expect(withKey.status).toBe(403);
    expect(withKey.message).toContain("outside agent's token");
  });
});
