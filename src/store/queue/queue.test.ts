import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseVariants } from '../../../test/helpers/databases.js';
import { startTestRun } from '../../../test/helpers/fixtures.js';
import { createTask } from '../../orchestrator/tasks.js';
import type { Database } from '../database.js';
import { claimTask, completeTask, extendLease, failTask, retryDelaySeconds, sweepExpiredLeases } from './index.js';

describe.each(databaseVariants())('queue semantics on $name', (variant) => {
  let db: Database;
  beforeEach(async () => {
    db = await variant.open();
  });
  afterEach(async () => {
    await db.close();
  });

  const claim = (workerId = 'w1', leaseSeconds = 30) => claimTask(db, { workerId, leaseSeconds });

  it('claims the highest-priority queued task first, counting the attempt at claim time', async () => {
    const run = await startTestRun(db);
    const first = (await claim())!;
    await completeTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, null);
    await createTask(db, { runId: run.id, phase: 'verify', title: 'low', priority: -5, createdBy: 'test' });
    await createTask(db, { runId: run.id, phase: 'verify', title: 'high', priority: 50, createdBy: 'test' });
    const next = (await claim())!;
    expect(next.title).toBe('high');
    expect(next.attempt).toBe(1);
    expect(next.status).toBe('running');
    expect(next.worker_id).toBe('w1');
  });

  it('returns nothing when no task is claimable', async () => {
    await startTestRun(db);
    expect(await claim()).toBeDefined();
    expect(await claim()).toBeUndefined();
  });

  it('fences completion: a worker whose attempt was superseded cannot complete the task', async () => {
    await startTestRun(db);
    const task = (await claim('w1', 1))!;
    await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
    const swept = await sweepExpiredLeases(db);
    expect(swept.map((row) => row.id)).toEqual([task.id]);
    const again = (await claim('w2'))!;
    expect(again.id).toBe(task.id);
    expect(again.attempt).toBe(2);
    await expect(completeTask(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(await extendLease(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, 30)).toBe(false);
    expect(await extendLease(db, { taskId: task.id, attempt: 2, workerId: 'w2' }, 30)).toBe(true);
    const done = await completeTask(db, { taskId: task.id, attempt: 2, workerId: 'w2' }, { ok: true });
    expect(done.status).toBe('done');
    await expect(completeTask(db, { taskId: task.id, attempt: 2, workerId: 'w2' }, null)).rejects.toMatchObject({ code: 'LEASE_LOST' });
  });

  it('fails a task for good when its lease lapses on the last attempt', async () => {
    await startTestRun(db);
    const task = (await claim())!;
    await db.query("UPDATE tasks SET attempt = max_attempts, lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
    const [swept] = await sweepExpiredLeases(db);
    expect(swept!.status).toBe('failed');
    expect(swept!.error).toContain('lease expired');
  });

  it('schedules a retry with backoff after a retryable failure, and fails for good after max attempts', async () => {
    await startTestRun(db);
    const task = (await claim())!;
    const retried = await failTask(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, { reason: 'flaky', retryable: true, retryDelaySeconds: 60 });
    expect(retried.status).toBe('queued');
    expect(new Date(retried.available_at).getTime()).toBeGreaterThan(Date.now() + 50_000);
    expect(await claim()).toBeUndefined(); // not before available_at
    await db.query('UPDATE tasks SET available_at = now() WHERE id = $1', [task.id]);
    const second = (await claim())!;
    expect(second.attempt).toBe(2);
    const failed = await failTask(db, { taskId: task.id, attempt: 2, workerId: 'w1' }, { reason: 'still flaky', retryable: true, retryDelaySeconds: 0 });
    expect(failed.status).toBe('failed');
  });

  it('does not retry a failure marked not retryable', async () => {
    await startTestRun(db);
    const task = (await claim())!;
    const failed = await failTask(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, { reason: 'impossible', retryable: false, retryDelaySeconds: 0 });
    expect(failed.status).toBe('failed');
  });

  it('keeps a dependent task blocked until its dependency is done, then queues it', async () => {
    const run = await startTestRun(db);
    const root = (await claim())!;
    const { task: build } = await createTask(db, { runId: run.id, phase: 'analyze', title: 'build', createdBy: 'test' });
    const { task: check } = await createTask(db, { runId: run.id, phase: 'verify', title: 'check', dependsOn: [build.id], createdBy: 'test' });
    expect(check.status).toBe('blocked');
    const claimed = (await claim())!;
    expect(claimed.id).toBe(build.id);
    expect(await claim()).toBeUndefined();
    await completeTask(db, { taskId: build.id, attempt: 1, workerId: 'w1' }, null);
    const next = (await claim())!;
    expect(next.id).toBe(check.id);
    expect(root.id).not.toBe(check.id);
  });

  it("holds a phase to its max_concurrency and frees the slot when a task leaves 'running'", async () => {
    const run = await startTestRun(db);
    await completeTask(db, { taskId: (await claim())!.id, attempt: 1, workerId: 'w1' }, null);
    await createTask(db, { runId: run.id, phase: 'implement', title: 'one', createdBy: 'test' });
    await createTask(db, { runId: run.id, phase: 'implement', title: 'two', createdBy: 'test' });
    const first = (await claim())!;
    expect(first.phase).toBe('implement');
    expect(await claim()).toBeUndefined(); // implement allows one at a time
    await failTask(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, { reason: 'x', retryable: false, retryDelaySeconds: 0 });
    expect((await claim())!.phase).toBe('implement');
  });

  it('does not hand out tasks of a run that is not running', async () => {
    const run = await startTestRun(db);
    await db.query("UPDATE runs SET status = 'paused' WHERE id = $1", [run.id]);
    expect(await claim()).toBeUndefined();
  });

  it('returns the existing task for a duplicate title in the same run and phase', async () => {
    const run = await startTestRun(db);
    const first = await createTask(db, { runId: run.id, phase: 'verify', title: 'Verify the Parser!', createdBy: 'test' });
    const second = await createTask(db, { runId: run.id, phase: 'verify', title: 'verify parser', createdBy: 'test' });
    const other = await createTask(db, { runId: run.id, phase: 'implement', title: 'verify parser', createdBy: 'test' });
    expect(first.duplicate).toBe(false);
    expect(second).toMatchObject({ duplicate: true, task: { id: first.task.id } });
    expect(other.duplicate).toBe(false);
  });

  it('appends one event per state change with gap-free sequence numbers', async () => {
    await startTestRun(db);
    const task = (await claim())!;
    await completeTask(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null);
    const events = await db.query<{ seq: number; type: string }>('SELECT seq, type FROM events WHERE run_id = $1 ORDER BY seq', [task.run_id]);
    expect(events.rows.map((e) => e.type)).toEqual(['run.started', 'task.created', 'task.claimed', 'task.completed']);
    expect(events.rows.map((e) => Number(e.seq))).toEqual([1, 2, 3, 4]);
  });
});

describe('retry backoff', () => {
  it('grows exponentially with full jitter and is capped', () => {
    expect(retryDelaySeconds(1, 1000, 60_000, () => 0)).toBe(0.5);
    expect(retryDelaySeconds(1, 1000, 60_000, () => 1)).toBe(1);
    expect(retryDelaySeconds(3, 1000, 60_000, () => 1)).toBe(4);
    expect(retryDelaySeconds(20, 1000, 60_000, () => 1)).toBe(60);
  });
});
