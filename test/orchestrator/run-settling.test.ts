import { afterEach, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config/index.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import type { Database } from '../../src/store/database.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { createTestRuntime, simulatedModels, waitForRun } from '../helpers/runtime.js';

/**
 * A worker settles a run after the task it completed, or leaves that to itself when its next claim
 * returns a task of the same run (that claim saw, after the completion, a task of the run still to
 * do). Either way a run ends as soon as its last task is done, without the sweep: here the sweep
 * never runs in the test's time.
 */
describe.each(databaseVariants())('runs settled by the workers that finish their tasks on $name', (variant) => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  const oneStepWorkflow = (name: string) => ({
    name,
    first_task: { title: 'Item 0 of {goal}' },
    phases: [{ key: 'work', name: 'Work', tools: [] }],
    limits: { max_tasks: 1_000, max_attempts: 2 },
  });
  const queueItems = (db: Database, runId: string, count: number, priority = 0) =>
    db.query(
      `INSERT INTO tasks (run_id, phase, title, status, priority, dedupe_key, max_attempts, created_by)
       SELECT $1, 'work', 'Item ' || i, 'queued', $3, 'item-' || i, 2, 'test' FROM generate_series(1, $2::int) AS i`,
      [runId, count, priority],
    );
  const settleStatements = (db: Database) => {
    let count = 0;
    const query: Database['query'] = (sql, params) => {
      if (/task\(s\) failed/.test(sql)) count += 1;
      return db.query(sql, params);
    };
    return { db: new Proxy(db, { get: (target, property, receiver) => (property === 'query' ? query : Reflect.get(target, property, receiver)) }), count: () => count };
  };

  it('ends a run when its last task is done, settling only when a claim leaves the run', async () => {
    const counted = settleStatements(await variant.open());
    runtime = await createRuntime(testConfig({ worker: { sweepIntervalMs: 600_000 } }), { database: counted.db, models: simulatedModels({ failureRate: 0, latencyMs: 0 }) });
    const run = await startTestRun(runtime.db, oneStepWorkflow('settle-one') as never);
    await queueItems(runtime.db, run.id, 30);
    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id, 60_000)).toBe('succeeded');
    const done = await runtime.db.query<{ count: number }>("SELECT count(*)::int AS count FROM tasks WHERE run_id = $1 AND status = 'done'", [run.id]);
    expect(Number(done.rows[0]!.count)).toBe(31);
    // One slot worked 31 tasks of one run: every claim but the last returned a task of the run.
    expect(counted.count()).toBeLessThanOrEqual(2);
  }, 120_000);

  it('ends every run when the slots move between runs', async () => {
    runtime = await createTestRuntime(variant, { worker: { sweepIntervalMs: 600_000 } }, simulatedModels({ failureRate: 0, latencyMs: 0 }));
    const first = await startTestRun(runtime.db, oneStepWorkflow('settle-a') as never, 'the first goal');
    const second = await startTestRun(runtime.db, oneStepWorkflow('settle-b') as never, 'the second goal');
    // Interleaved priorities make a slot's consecutive claims alternate between the runs.
    await queueItems(runtime.db, first.id, 10, 5);
    await queueItems(runtime.db, second.id, 10, 5);
    runtime.startWorker({ concurrency: 3 });
    expect(await waitForRun(runtime, first.id, 60_000)).toBe('succeeded');
    expect(await waitForRun(runtime, second.id, 60_000)).toBe('succeeded');
  }, 120_000);
});
