import { afterEach, describe, expect, it } from 'vitest';
import { createTask } from '../../src/orchestrator/tasks.js';
import type { Runtime } from '../../src/runtime.js';
import { claimTask, completeTask, failTask } from '../../src/store/queue/index.js';
import { databaseVariants } from '../helpers/databases.js';
import { startTestRun, threePhaseWorkflow } from '../helpers/fixtures.js';
import { createTestRuntime, waitForRun } from '../helpers/runtime.js';

/**
 * A worker settles a run (ends it once nothing is left to do) after its task reached a final
 * state, in a statement of its own. A worker killed between the two leaves a run that is
 * 'running' with nothing to run; the sweeper of any other worker must end it.
 */
describe.each(databaseVariants())('a run left unsettled by a dead worker on $name', (variant) => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('is ended by another worker when its last task was completed but the run never settled', async () => {
    runtime = await createTestRuntime(variant, { worker: { sweepIntervalMs: 50 } });
    const run = await startTestRun(runtime.db);
    const task = (await claimTask(runtime.db, { workerId: 'killed', leaseSeconds: 30 }))!;
    await completeTask(runtime.db, { taskId: task.id, attempt: task.attempt, workerId: 'killed' }, { summary: 'done before the kill' });

    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id, 10_000)).toBe('succeeded');
  });

  it('fails the run when its last task failed for good and the run never settled', async () => {
    runtime = await createTestRuntime(variant, { worker: { sweepIntervalMs: 50 } });
    const run = await startTestRun(runtime.db, threePhaseWorkflow({ on_task_failure: 'fail_run' }));
    const task = (await claimTask(runtime.db, { workerId: 'killed', leaseSeconds: 30 }))!;
    await failTask(runtime.db, { taskId: task.id, attempt: task.attempt, workerId: 'killed' }, { reason: 'impossible', retryable: false, retryDelaySeconds: 0 });

    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id, 10_000)).toBe('failed');
  });

  it('queues a blocked task whose dependencies are all done, which a write missed, and the run finishes', async () => {
    runtime = await createTestRuntime(variant, { worker: { sweepIntervalMs: 50 } });
    const run = await startTestRun(runtime.db);
    const task = (await claimTask(runtime.db, { workerId: 'w', leaseSeconds: 30 }))!;
    const { task: dependent } = await createTask(runtime.db, { runId: run.id, phase: 'verify', title: 'check it', dependsOn: [task.id], createdBy: 'test' });
    await completeTask(runtime.db, { taskId: task.id, attempt: task.attempt, workerId: 'w' }, { summary: 'done' });
    // What a missed check would leave behind: the dependency done, the dependent still blocked.
    await runtime.db.query("UPDATE tasks SET status = 'blocked' WHERE id = $1", [dependent.id]);

    runtime.startWorker({ concurrency: 1 });
    expect(await waitForRun(runtime, run.id, 10_000)).toBe('succeeded');
    const unblocked = await runtime.db.query<{ type: string }>("SELECT type FROM events WHERE task_id = $1 AND type = 'task.unblocked'", [dependent.id]);
    expect(unblocked.rows).toHaveLength(1);
  });
});
