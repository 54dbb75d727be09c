import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { listen } from '../helpers/http.js';
import { connectAgent, inviteOverHttp, ToolCallError, type OutsideAgentClient } from '../helpers/mcp.js';
import { createTestRuntime, simulatedModels, waitForRun } from '../helpers/runtime.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * An outside agent's claim is a lease like a built-in worker's: every tool call renews it, and an
 * agent that stops calling loses it. The task goes to another holder, whose completion counts,
 * and the vanished agent's late completion is refused.
 */
describe.each(databaseVariants())('outside agents and leases on $name', (variant) => {
  const leaseSeconds = 2;
  let runtime: Runtime;
  let app: FastifyInstance;
  let baseUrl: string;
  let run: Awaited<ReturnType<typeof startTestRun>>;
  const clients: OutsideAgentClient[] = [];
  // Set up in the hook (its longer timeout): a runtime on a fresh database, served on a real socket.
  beforeEach(async () => {
    runtime = await createTestRuntime(variant, { mcp: { leaseSeconds } }, simulatedModels({ failureRate: 0 }));
    run = await startTestRun(runtime.db, undefined, 'lease');
    ({ app, baseUrl } = await listen(runtime));
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close().catch(() => {});
    await app.close();
    await runtime.close();
  });

  async function agent(name: string) {
    const invited = await inviteOverHttp(baseUrl, run.id, { name });
    const client = await connectAgent(baseUrl, invited.token);
    clients.push(client);
    return { client, workerId: invited.worker_id };
  }

  it('loses the claim of an agent that stops calling to another outside agent, and refuses its late completion', async () => {
    const vanishing = await agent('vanishing');
    const successor = await agent('successor');
    const first = await vanishing.client.call('claim_task');
    const taskId = (first.task as { id: string }).id;
    expect(first.attempt).toBe(1);

    // The vanishing agent makes no call for longer than its lease.
    await sleep(leaseSeconds * 1000 + 500);
    const second = await successor.client.call('claim_task');
    expect(second).toMatchObject({ claimed: true, attempt: 2, task: { id: taskId, held_by_you: true } });
    expect(await successor.client.call('complete_task', { task_id: taskId, attempt: 2, summary: 'done by the successor' })).toMatchObject({ task: { status: 'done' } });

    const late = await vanishing.client.call('complete_task', { task_id: taskId, attempt: 1, summary: 'late' }).then(() => undefined, (error: unknown) => error);
    expect(late).toBeInstanceOf(ToolCallError);
    expect((late as ToolCallError).code).toBe('LEASE_LOST');
    expect((late as ToolCallError).message).toContain('is done');
    const failLate = await vanishing.client.call('fail_task', { task_id: taskId, attempt: 1, reason: 'late' }).then(() => undefined, (error: unknown) => error);
    expect((failLate as ToolCallError).code).toBe('LEASE_LOST');

    const task = await runtime.db.query<{ status: string; attempt: number; result: { summary: string } }>('SELECT status, attempt, result FROM tasks WHERE id = $1', [taskId]);
    expect(task.rows[0]).toMatchObject({ status: 'done', attempt: 2, result: { summary: 'done by the successor' } });
    const events = await runtime.db.query<{ type: string; worker_id: string | null }>("SELECT type, payload->>'worker_id' AS worker_id FROM events WHERE task_id = $1 ORDER BY seq", [taskId]);
    expect(events.rows).toEqual([
      { type: 'task.created', worker_id: null },
      { type: 'task.claimed', worker_id: vanishing.workerId },
      { type: 'task.lease_expired', worker_id: null },
      { type: 'task.claimed', worker_id: successor.workerId },
      { type: 'task.completed', worker_id: successor.workerId },
    ]);
    expect((await runtime.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [run.id])).rows[0]!.status).toBe('succeeded');
  });

  it('keeps the claim of an agent that keeps calling, however long it works', async () => {
    const working = await agent('working');
    const waiting = await agent('waiting');
    const claimed = await working.client.call('claim_task');
    const taskId = (claimed.task as { id: string }).id;
    for (let call = 0; call < 5; call++) {
      await sleep(700);
      // Any tool call renews the lease, not only heartbeat.
      await working.client.call(call % 2 === 0 ? 'heartbeat' : 'get_task', { ...(call % 2 === 0 ? {} : { task_id: taskId }) });
      expect(await waiting.client.call('claim_task')).toMatchObject({ claimed: false });
    }
    expect(await working.client.call('complete_task', { task_id: taskId, attempt: 1, summary: 'worked past its lease time by renewing it' })).toMatchObject({ task: { status: 'done' } });
  });

  it('returns a vanished agent\'s task to the queue for the built-in agents, who finish the run', async () => {
    const vanishing = await agent('vanishing');
    const claimed = await vanishing.client.call('claim_task');
    const taskId = (claimed.task as { id: string }).id;
    runtime.startWorker({ concurrency: 2, workerId: 'built-in' });
    expect(await waitForRun(runtime, run.id, 20_000)).toBe('succeeded');
    const task = await runtime.db.query<{ attempt: number; status: string }>('SELECT attempt, status FROM tasks WHERE id = $1', [taskId]);
    expect(task.rows[0]).toEqual({ attempt: 2, status: 'done' });
    const completedBy = await runtime.db.query<{ worker_id: string }>("SELECT payload->>'worker_id' AS worker_id FROM events WHERE task_id = $1 AND type = 'task.completed'", [taskId]);
    expect(completedBy.rows).toEqual([{ worker_id: 'built-in' }]);
    const late = await vanishing.client.call('complete_task', { task_id: taskId, attempt: 1, summary: 'late' }).then(() => undefined, (error: unknown) => error);
    expect((late as ToolCallError).code).toBe('LEASE_LOST');
  });
});
