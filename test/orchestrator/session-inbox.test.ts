import type { LanguageModelV3Prompt } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSimulatedModel } from '../../src/llm/providers/simulated.js';
import { createLogger } from '../../src/observability/logger.js';
import { postSessionMessage, requestSessionStop } from '../../src/orchestrator/agent/inbox.js';
import { runAgentSession, type ModelSource } from '../../src/orchestrator/agent/session.js';
import type { Database } from '../../src/store/database.js';
import { claimTask, completeTask, sweepExpiredLeases } from '../../src/store/queue/index.js';
import type { TaskRow } from '../../src/store/rows.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';

/** The simulated agent, recording every prompt it is given; `onCall` runs before each answer. */
function recordingModels(onCall?: (callIndex: number) => Promise<void>) {
  const inner = createSimulatedModel({ failureRate: 0 });
  const prompts: LanguageModelV3Prompt[] = [];
  const model = new MockLanguageModelV3({
    provider: 'simulated',
    modelId: 'agent',
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      await onCall?.(prompts.length - 1);
      return inner.doGenerate(options);
    },
  });
  const models: ModelSource = { defaultModelName: () => 'simulated/agent', resolve: (name) => ({ model, name, simulated: true }) };
  return { models, prompts };
}

const userTexts = (prompt: LanguageModelV3Prompt) =>
  prompt.filter((message) => message.role === 'user').flatMap((message) => message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])));

describe.each(databaseVariants())('the session inbox on $name', (variant) => {
  let db: Database;
  const logger = createLogger({ level: 'silent' });
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  const queuedTaskId = async (runId: string) => (await db.query<{ id: string }>("SELECT id FROM tasks WHERE run_id = $1 AND status = 'queued'", [runId])).rows[0]!.id;
  const session = (task: TaskRow, models: ModelSource, signal = new AbortController().signal) =>
    runAgentSession({ db, task, workerId: task.worker_id ?? 'w1', models, price: () => 0, logger, retryBaseMs: 10, signal });

  it('persists a message with its event and refuses empty bodies, unknown tasks and finished tasks by name', async () => {
    const run = await startTestRun(db);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    const message = await postSessionMessage(db, { runId: run.id, taskId: task.id, from: 'human', author: 'ada', body: '  Please cite the spec.  ' });
    expect(message).toMatchObject({ kind: 'message', source: 'human', author: 'ada', body: 'Please cite the spec.', delivered_at: null });
    const events = await db.query<{ type: string; payload: Record<string, unknown> }>("SELECT type, payload FROM events WHERE run_id = $1 AND type LIKE 'session.%'", [run.id]);
    expect(events.rows).toEqual([{ type: 'session.message_posted', payload: expect.objectContaining({ message_id: message.id, source: 'human', author: 'ada' }) }]);

    await expect(postSessionMessage(db, { runId: run.id, taskId: task.id, from: 'human', body: '   ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'body' } });
    await expect(postSessionMessage(db, { runId: run.id, taskId: '00000000-0000-4000-8000-000000000000', from: 'human', body: 'hi' })).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    const other = await startTestRun(db);
    await expect(postSessionMessage(db, { runId: other.id, taskId: task.id, from: 'human', body: 'hi' })).rejects.toMatchObject({ code: 'TASK_NOT_FOUND' });
    await completeTask(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null);
    await expect(requestSessionStop(db, { runId: run.id, taskId: task.id, from: 'guardian', reason: 'late' })).rejects.toMatchObject({ code: 'TASK_STATE_CONFLICT' });
  });

  it('adds a waiting message to the next step as a labelled user message, once, and keeps it in place for later steps', async () => {
    const run = await startTestRun(db);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    let posted = '';
    const { models, prompts } = recordingModels(async (callIndex) => {
      // Posted while step 0 is under way: it belongs to step 1.
      if (callIndex === 0) posted = (await postSessionMessage(db, { runId: run.id, taskId: task.id, from: 'guardian', body: 'Stay on the parser.' })).id;
    });
    const result = await session(task, models);
    expect(result.status).toBe('completed');

    const label = '[Message from the guardian (Anvil reviewer watching this session)]\nStay on the parser.';
    expect(userTexts(prompts[0]!)).not.toContain(label);
    for (const prompt of prompts.slice(1)) expect(userTexts(prompt).filter((text) => text === label)).toHaveLength(1);
    // In place: right after step 0's tool result, before step 1's own turn.
    const second = prompts[1]!;
    expect(second.at(-1)).toMatchObject({ role: 'user' });
    expect(second.at(-2)).toMatchObject({ role: 'tool' });

    const delivered = await db.query<{ delivered_step: number; delivered_session_id: string }>('SELECT delivered_step, delivered_session_id FROM session_messages WHERE id = $1', [posted]);
    const sessionId = (await db.query<{ id: string }>('SELECT id FROM agent_sessions WHERE task_id = $1', [task.id])).rows[0]!.id;
    expect(delivered.rows[0]).toEqual({ delivered_step: 1, delivered_session_id: sessionId });
    const step = await db.query<{ payload: { delivered: string[]; messages: { role: string }[] } }>('SELECT payload FROM steps WHERE session_id = $1 AND index = 1', [sessionId]);
    expect(step.rows[0]!.payload.delivered).toEqual([posted]);
    expect(step.rows[0]!.payload.messages[0]).toMatchObject({ role: 'user' });
    const event = await db.query<{ payload: { delivered: string[] } }>("SELECT payload FROM events WHERE type = 'step.completed' AND payload ->> 'index' = '1' AND run_id = $1", [run.id]);
    expect(event.rows[0]!.payload.delivered).toEqual([posted]);
  });

  it('does not deliver a message twice when a session is resumed after a crash', async () => {
    const run = await startTestRun(db);
    // Posted while the task is queued: the claim says a message waits, so the first step takes it.
    await postSessionMessage(db, { runId: run.id, taskId: await queuedTaskId(run.id), from: 'human', author: 'ada', body: 'Mention the tokenizer.' });
    const task = (await claimTask(db, { workerId: 'doomed', leaseSeconds: 30 }))!;
    const cut = new AbortController();
    const first = recordingModels(async (callIndex) => {
      if (callIndex === 1) {
        cut.abort(new Error('killed'));
        throw new Error('killed');
      }
    });
    expect((await session(task, first.models, cut.signal)).status).toBe('interrupted');
    expect(userTexts(first.prompts[0]!).some((text) => text.includes('Mention the tokenizer.'))).toBe(true);

    await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
    await sweepExpiredLeases(db);
    const again = (await claimTask(db, { workerId: 'rescuer', leaseSeconds: 30 }))!;
    const second = recordingModels();
    expect((await session(again, second.models)).status).toBe('completed');
    for (const prompt of second.prompts) expect(userTexts(prompt).filter((text) => text.includes('Mention the tokenizer.'))).toHaveLength(1);
    const rows = await db.query<{ delivered_step: number }>('SELECT delivered_step FROM session_messages WHERE task_id = $1', [task.id]);
    expect(rows.rows).toEqual([{ delivered_step: 0 }]);
  });

  it('ends the session at the next step boundary on a stop request and requeues the task with the note for its next attempt', async () => {
    const run = await startTestRun(db);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    const { models, prompts } = recordingModels(async (callIndex) => {
      if (callIndex === 0) await requestSessionStop(db, { runId: run.id, taskId: task.id, from: 'guardian', reason: 'going in circles on memory searches' });
    });
    const result = await session(task, models);
    expect(result).toEqual({ status: 'stopped', taskFinal: false, taskFailed: false });
    expect(prompts).toHaveLength(1);

    const stopped = (await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [task.id])).rows[0]!;
    expect(stopped).toMatchObject({ status: 'queued', attempt: 1, worker_id: null, error: 'stopped by the guardian: going in circles on memory searches' });
    const sessionRow = await db.query<{ status: string; error: string }>('SELECT status, error FROM agent_sessions WHERE task_id = $1', [task.id]);
    expect(sessionRow.rows[0]).toEqual({ status: 'stopped', error: stopped.error });
    const events = await db.query<{ type: string; payload: Record<string, unknown> }>("SELECT type, payload FROM events WHERE task_id = $1 AND type = 'task.stopped'", [task.id]);
    expect(events.rows[0]!.payload).toMatchObject({ attempt: 1, requeued: true, note: stopped.error });
    const pending = await db.query('SELECT 1 FROM session_messages WHERE task_id = $1 AND delivered_at IS NULL', [task.id]);
    expect(pending.rows).toEqual([]);

    const next = (await claimTask(db, { workerId: 'w2', leaseSeconds: 30 }))!;
    expect(next).toMatchObject({ id: task.id, attempt: 2 });
    const retry = recordingModels();
    expect((await session(next, retry.models)).status).toBe('completed');
    expect(userTexts(retry.prompts[0]!)[0]).toContain('Note on the previous attempt of this task: stopped by the guardian: going in circles on memory searches');
  });

  it('fails the task when it is stopped on its last attempt', async () => {
    const run = await startTestRun(db);
    const queued = await queuedTaskId(run.id);
    await db.query('UPDATE tasks SET max_attempts = 1 WHERE id = $1', [queued]);
    // Requested while the task waited in the queue: its claim says so, and the session makes no model call at all.
    await requestSessionStop(db, { runId: run.id, taskId: queued, from: 'human', author: 'ada', reason: 'wrong approach' });
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    const { models, prompts } = recordingModels();
    const result = await session(task, models);
    expect(result).toEqual({ status: 'stopped', taskFinal: true, taskFailed: true });
    expect(prompts).toHaveLength(0);
    const failed = (await db.query<TaskRow>('SELECT * FROM tasks WHERE id = $1', [task.id])).rows[0]!;
    expect(failed).toMatchObject({ status: 'failed', error: 'stopped by ada: wrong approach' });
  });
});
