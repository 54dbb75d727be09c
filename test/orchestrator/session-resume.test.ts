import { afterEach, describe, expect, it } from 'vitest';
import { runAgentSession } from '../../src/orchestrator/agent/session.js';
import { createLogger } from '../../src/observability/logger.js';
import type { Runtime } from '../../src/runtime.js';
import { claimTask, sweepExpiredLeases } from '../../src/store/queue/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { createTestRuntime, simulatedModels } from '../helpers/runtime.js';

describe.each(databaseVariants())('resuming an interrupted agent session on $name', (variant) => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
  });

  it('continues from the last persisted step instead of starting over', async () => {
    runtime = await createTestRuntime(variant, {}, simulatedModels({ failureRate: 0, latencyMs: 30 }));
    const { db, models } = runtime;
    const logger = createLogger({ level: 'silent' });
    const run = await startTestRun(db);
    const first = (await claimTask(db, { workerId: 'doomed', leaseSeconds: 30 }))!;

    // The first worker is cut off after two persisted steps, as if it were killed.
    const cut = new AbortController();
    const watcher = setInterval(async () => {
      const steps = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM steps s JOIN agent_sessions a ON a.id = s.session_id WHERE a.task_id = $1', [first.id]);
      if (Number(steps.rows[0]!.count) >= 2) cut.abort(new Error('killed'));
    }, 5);
    const interrupted = await runAgentSession({ db, task: first, workerId: 'doomed', models, price: () => 0, logger, retryBaseMs: 10, signal: cut.signal });
    clearInterval(watcher);
    expect(interrupted.status).toBe('interrupted');

    await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [first.id]);
    await sweepExpiredLeases(db);
    const second = (await claimTask(db, { workerId: 'rescuer', leaseSeconds: 30 }))!;
    expect(second.id).toBe(first.id);
    expect(second.attempt).toBe(2);
    const resumed = await runAgentSession({ db, task: second, workerId: 'rescuer', models, price: () => 0, logger, retryBaseMs: 10, signal: new AbortController().signal });
    expect(resumed.status).toBe('completed');

    const sessions = await db.query<{ id: string; attempt: number; resumed_from: string | null; status: string }>('SELECT id, attempt, resumed_from, status FROM agent_sessions WHERE task_id = $1 ORDER BY attempt', [first.id]);
    expect(sessions.rows.map((s) => s.status)).toEqual(['interrupted', 'completed']);
    expect(sessions.rows[1]!.resumed_from).toBe(sessions.rows[0]!.id);
    const resumedEvent = await db.query<{ payload: { resumed_steps: number } }>("SELECT payload FROM events WHERE run_id = $1 AND type = 'session.resumed'", [run.id]);
    expect(resumedEvent.rows[0]!.payload.resumed_steps).toBeGreaterThanOrEqual(2);
    // The agent did not redo what it had done: one memory search and one save for this task.
    const searches = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM events WHERE task_id = $1 AND type IN ('memory.searched', 'memory.saved')", [first.id]);
    expect(Number(searches.rows[0]!.count)).toBe(2);
    const task = await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [first.id]);
    expect(task.rows[0]!.status).toBe('done');
  });
});
