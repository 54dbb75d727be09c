import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runAgentSession, type ModelSource } from '../../src/orchestrator/agent/session.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Database, Queryable } from '../../src/store/database.js';
import { claimTask } from '../../src/store/queue/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';

/**
 * What the agent session does when a write fails: a step that could not be persisted ends the
 * session (the AI SDK ignores errors thrown by onStepFinish, so the session must stop itself), and
 * a completion refused because the lease was lost leaves the task to its new holder.
 */
describe.each(databaseVariants())('agent session writes that fail on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  const logger = createLogger({ level: 'silent' });
  const usage = { inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 }, outputTokens: { total: 5, text: 5, reasoning: 0 } };
  /** A model that calls `toolName` on every step, counting its calls. */
  const scripted = (toolName: string, input: Record<string, unknown>) => {
    const calls: LanguageModelV3CallOptions[] = [];
    const model = new MockLanguageModelV3({
      doGenerate: async (options): Promise<LanguageModelV3GenerateResult> => {
        calls.push(options);
        return {
          content: [{ type: 'tool-call', toolCallId: `call-${calls.length}`, toolName, input: JSON.stringify(input) }],
          finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
          usage,
          warnings: [],
        };
      },
    });
    const models: ModelSource = { defaultModelName: () => 'scripted/agent', resolve: (name) => ({ model, name, simulated: true }) };
    return { calls, models };
  };
  /** The database, with statements matching `pattern` failing. */
  const failing = (pattern: RegExp): Database => {
    const query: Queryable['query'] = (sql, params) => (pattern.test(sql) ? Promise.reject(new Error('disk full')) : db.query(sql, params));
    return new Proxy(db, { get: (target, property, receiver) => (property === 'query' ? query : Reflect.get(target, property, receiver)) });
  };

  it('stops at a step that could not be persisted instead of taking the next one', async () => {
    await startTestRun(db);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    const { calls, models } = scripted('search_memory', { query: 'anything' });
    const result = await runAgentSession({ db: failing(/session_opened AS/), task, workerId: 'w1', models, price: () => 0, logger, retryBaseMs: 10, signal: new AbortController().signal });

    expect(calls).toHaveLength(1);
    expect(result).toMatchObject({ status: 'failed', taskFinal: false });
    const stored = await db.query<{ status: string; error: string }>('SELECT status, error FROM tasks WHERE id = $1', [task.id]);
    expect(stored.rows[0]!.status).toBe('queued');
    expect(stored.rows[0]!.error).toMatch(/step not persisted: disk full/);
    const sessions = await db.query<{ status: string; steps: number }>('SELECT status, steps FROM agent_sessions WHERE task_id = $1', [task.id]);
    expect(sessions.rows).toEqual([{ status: 'failed', steps: 0 }]);
  });

  it('leaves the task to its new holder when the lease was lost before complete_task was recorded', async () => {
    await startTestRun(db);
    const task = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
    // Another worker took the task over (the lease lapsed and it was claimed again).
    await db.query("UPDATE tasks SET status = 'queued', worker_id = NULL, lease_until = NULL WHERE id = $1", [task.id]);
    const holder = (await claimTask(db, { workerId: 'w2', leaseSeconds: 30 }))!;
    const { models } = scripted('complete_task', { summary: 'done, late' });
    const result = await runAgentSession({ db, task, workerId: 'w1', models, price: () => 0, logger, retryBaseMs: 10, signal: new AbortController().signal });

    expect(result).toEqual({ status: 'interrupted', taskFinal: false, taskFailed: false });
    const stored = await db.query<{ status: string; worker_id: string; attempt: number }>('SELECT status, worker_id, attempt FROM tasks WHERE id = $1', [task.id]);
    expect(stored.rows[0]).toEqual({ status: 'running', worker_id: 'w2', attempt: holder.attempt });
    const events = await db.query<{ type: string }>("SELECT type FROM events WHERE task_id = $1 AND type = 'task.completed'", [task.id]);
    expect(events.rows).toEqual([]);
    const sessions = await db.query<{ attempt: number; status: string; steps: number; error: string }>('SELECT attempt, status, steps, error FROM agent_sessions WHERE task_id = $1', [task.id]);
    expect(sessions.rows).toEqual([{ attempt: 1, status: 'interrupted', steps: 0, error: 'lease lost before the completion was recorded' }]);
  });
});
