import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../../test/helpers/databases.js';
import { startTestRun } from '../../test/helpers/fixtures.js';
import { createTask } from '../orchestrator/tasks.js';
import type { Database } from './database.js';
import { claimTask, type ClaimedTask } from './queue/index.js';
import { finishSession, recordCompletion, recordStep, type SessionIdentity, type StepRecord } from './session-writes.js';

describe.each(databaseVariants())('agent session writes on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  const identity = (task: ClaimedTask, overrides: Partial<SessionIdentity> = {}): SessionIdentity => ({
    id: randomUUID(),
    taskId: task.id,
    runId: task.run_id,
    attempt: task.attempt,
    workerId: task.worker_id!,
    model: 'simulated/agent',
    simulated: true,
    resumedFrom: null,
    resumedSteps: 0,
    opened: false,
    ...overrides,
  });
  const step = (index: number, toolName = 'search_memory'): StepRecord => ({
    index,
    kind: 'tool_calls',
    payload: { messages: [{ role: 'assistant', content: `step ${index}` }], toolCalls: [{ toolName, toolCallId: `call-${index}`, input: {} }] },
    usage: { inputTokens: 100, outputTokens: 10, costUsd: 0.001 },
  });
  const eventsOf = async (runId: string, afterSeq: number) =>
    (await db.query<{ seq: string; type: string; task_id: string | null; payload: Record<string, unknown> }>('SELECT seq, type, task_id, payload FROM events WHERE run_id = $1 AND seq > $2 ORDER BY seq', [runId, afterSeq])).rows;
  const lastSeq = async (runId: string) => Number((await db.query<{ event_seq: string }>('SELECT event_seq FROM runs WHERE id = $1', [runId])).rows[0]!.event_seq);
  const claim = async (workerId = 'w1') => (await claimTask(db, { workerId, leaseSeconds: 30 }))!;

  it('writes the session row with its first step, announcing it once, with consecutive seqs', async () => {
    await startTestRun(db);
    const task = await claim();
    const session = identity(task);
    const before = await lastSeq(task.run_id);
    expect(await recordStep(db, session, step(0))).toEqual({ sessionId: session.id, inboxWaiting: false });
    session.opened = true;
    await recordStep(db, session, step(1));

    const events = await eventsOf(task.run_id, before);
    expect(events.map((event) => event.type)).toEqual(['session.started', 'step.completed', 'step.completed']);
    expect(events.map((event) => Number(event.seq))).toEqual([before + 1, before + 2, before + 3]);
    expect(events.every((event) => event.task_id === task.id)).toBe(true);
    expect(events[1]!.payload).toMatchObject({ session_id: session.id, index: 0, tool_calls: ['search_memory'] });
    const rows = await db.query<{ status: string; worker_id: string }>('SELECT status, worker_id FROM agent_sessions WHERE task_id = $1', [task.id]);
    expect(rows.rows).toEqual([{ status: 'running', worker_id: 'w1' }]);
    const steps = await db.query<{ index: number }>('SELECT index FROM steps WHERE session_id = $1 ORDER BY index', [session.id]);
    expect(steps.rows.map((row) => row.index)).toEqual([0, 1]);
  });

  it('completes the task, persists the step and finishes the session in one statement', async () => {
    const run = await startTestRun(db);
    const task = await claim();
    const { task: dependent } = await createTask(db, { runId: run.id, phase: 'verify', title: 'check it', dependsOn: [task.id], createdBy: 'test' });
    const session = identity(task);
    await recordStep(db, session, step(0));
    session.opened = true;
    const before = await lastSeq(task.run_id);
    const totals = { steps: 2, inputTokens: 200, outputTokens: 20, costUsd: 0.002 };
    expect(await recordCompletion(db, session, step(1, 'complete_task'), totals, { summary: 'done' })).toBe(true);

    const events = await eventsOf(task.run_id, before);
    expect(events.map((event) => event.type)).toEqual(['step.completed', 'task.completed', 'session.finished']);
    expect(events.map((event) => Number(event.seq))).toEqual([before + 1, before + 2, before + 3]);
    expect(events[1]!.payload).toMatchObject({ attempt: 1, unblocked: [dependent.id] });
    expect(events[2]!.payload).toMatchObject({ session_id: session.id, status: 'completed', steps: 2, tokens: { input: 200, output: 20 } });
    const stored = await db.query<{ status: string; result: unknown; lease_until: Date | null }>('SELECT status, result, lease_until FROM tasks WHERE id = $1', [task.id]);
    expect(stored.rows[0]).toEqual({ status: 'done', result: { summary: 'done' }, lease_until: null });
    expect((await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [dependent.id])).rows[0]!.status).toBe('queued');
    const sessions = await db.query<{ status: string; steps: number; tokens_input: string; finished_at: Date | null }>('SELECT status, steps, tokens_input, finished_at FROM agent_sessions WHERE id = $1', [session.id]);
    expect(sessions.rows[0]).toMatchObject({ status: 'completed', steps: 2 });
    expect(Number(sessions.rows[0]!.tokens_input)).toBe(200);
    expect(sessions.rows[0]!.finished_at).not.toBeNull();
    const totalsOfRun = (await db.query<{ tokens_input: string; tokens_output: string; cost_usd: string }>('SELECT tokens_input, tokens_output, cost_usd FROM runs WHERE id = $1', [run.id])).rows[0]!;
    expect([Number(totalsOfRun.tokens_input), Number(totalsOfRun.tokens_output)]).toEqual([200, 20]);
    expect(Number(totalsOfRun.cost_usd)).toBeCloseTo(0.002);
  });

  it('opens, completes and finishes a one-step session in one statement', async () => {
    await startTestRun(db);
    const task = await claim();
    const session = identity(task);
    const before = await lastSeq(task.run_id);
    expect(await recordCompletion(db, session, step(0, 'complete_task'), { steps: 1, inputTokens: 100, outputTokens: 10, costUsd: 0 }, { summary: 'done' })).toBe(true);
    const events = await eventsOf(task.run_id, before);
    expect(events.map((event) => event.type)).toEqual(['session.started', 'step.completed', 'task.completed', 'session.finished']);
    expect(events.map((event) => Number(event.seq))).toEqual([before + 1, before + 2, before + 3, before + 4]);
  });

  it('writes nothing when the worker no longer holds the attempt', async () => {
    await startTestRun(db);
    const task = await claim();
    const session = identity(task);
    await recordStep(db, session, step(0));
    session.opened = true;
    // The lease lapsed and another worker claimed the task again.
    await db.query("UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL WHERE id = $1", [task.id]);
    const again = await claim('w2');
    expect(again).toMatchObject({ id: task.id, attempt: 2 });
    const before = await lastSeq(task.run_id);

    expect(await recordCompletion(db, session, step(1, 'complete_task'), { steps: 2, inputTokens: 1, outputTokens: 1, costUsd: 0 }, { summary: 'late' })).toBe(false);
    expect(await eventsOf(task.run_id, before)).toEqual([]);
    expect((await db.query<{ status: string; worker_id: string }>('SELECT status, worker_id FROM tasks WHERE id = $1', [task.id])).rows[0]).toEqual({ status: 'running', worker_id: 'w2' });
    expect((await db.query('SELECT 1 FROM steps WHERE session_id = $1', [session.id])).rows).toHaveLength(1);
    expect((await db.query<{ status: string }>('SELECT status FROM agent_sessions WHERE id = $1', [session.id])).rows[0]!.status).toBe('running');
  });

  it('finishes a session that persisted no step by writing its row, started and finished', async () => {
    const run = await startTestRun(db);
    const task = await claim();
    const session = identity(task);
    const before = await lastSeq(task.run_id);
    await finishSession(db, session, 'failed', { steps: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }, 'provider unavailable');
    const events = await eventsOf(task.run_id, before);
    expect(events.map((event) => event.type)).toEqual(['session.started', 'session.finished']);
    expect(events[1]!.payload).toMatchObject({ session_id: session.id, status: 'failed', error: 'provider unavailable' });
    const rows = await db.query<{ id: string; status: string }>('SELECT id, status FROM agent_sessions WHERE run_id = $1', [run.id]);
    expect(rows.rows).toEqual([{ id: session.id, status: 'failed' }]);
  });

  it('finishes an opened session in its row and adds its usage to the run', async () => {
    const run = await startTestRun(db);
    const task = await claim();
    const session = identity(task);
    await recordStep(db, session, step(0));
    session.opened = true;
    const before = await lastSeq(task.run_id);
    await finishSession(db, session, 'interrupted', { steps: 1, inputTokens: 100, outputTokens: 10, costUsd: 0.5 }, null);
    expect((await eventsOf(task.run_id, before)).map((event) => event.type)).toEqual(['session.finished']);
    const rows = await db.query<{ status: string; steps: number }>('SELECT status, steps FROM agent_sessions WHERE run_id = $1', [run.id]);
    expect(rows.rows).toEqual([{ status: 'interrupted', steps: 1 }]);
    expect(Number((await db.query<{ cost_usd: string }>('SELECT cost_usd FROM runs WHERE id = $1', [run.id])).rows[0]!.cost_usd)).toBeCloseTo(0.5);
  });

  it('continues in the row its attempt already has when the task was given back without using the attempt', async () => {
    await startTestRun(db);
    const task = await claim();
    const first = identity(task);
    await recordStep(db, first, step(0));
    // Released (budget pause): the attempt is taken back, so the next claim has the same number.
    await db.query("UPDATE tasks SET status = 'queued', attempt = attempt - 1, worker_id = NULL, lease_until = NULL WHERE id = $1", [task.id]);
    const again = await claim('w2');
    expect(again.attempt).toBe(task.attempt);
    const next = identity(again, { id: randomUUID() });
    expect((await recordStep(db, next, step(1))).sessionId).toBe(first.id);
    const rows = await db.query<{ id: string; worker_id: string }>('SELECT id, worker_id FROM agent_sessions WHERE task_id = $1', [task.id]);
    expect(rows.rows).toEqual([{ id: first.id, worker_id: 'w2' }]);
  });
});
