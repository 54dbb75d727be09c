import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTask } from '../../src/orchestrator/tasks.js';
import type { Database } from '../../src/store/database.js';
import { claimTask, completeTask } from '../../src/store/queue/index.js';
import { recordCompletion } from '../../src/store/session-writes.js';
import { openPostgresClone } from '../helpers/databases.js';
import { startTestRun } from '../helpers/fixtures.js';
import { postgresUrl } from '../helpers/services.js';

/**
 * The races store/queue/unblock.ts closes, forced step by step on PostgreSQL (PGlite has one
 * backend, so its statements never interleave): a write to the run is held open in a transaction
 * while a completion starts, takes its snapshot and waits for the run's lock; then the held write
 * commits. Without the second look, the dependent task stays blocked for ever and its run never ends.
 */
const url = postgresUrl();

if (url) {
  describe('dependencies completing while another write to the run commits', () => {
    let db: Database;
    beforeEach(async () => {
      db = (await openPostgresClone(url)).database;
    });
    afterEach(async () => {
      await db.close();
    });

    /** Holds `write` open in a transaction until `whileHeld` has a statement waiting for a lock. */
    async function holdWhile<T>(write: (transaction: Parameters<Parameters<Database['transaction']>[0]>[0]) => Promise<unknown>, whileHeld: () => Promise<T>): Promise<T> {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      let written = false;
      const holding = db.transaction(async (transaction) => {
        await write(transaction);
        written = true;
        await released;
      });
      while (!written) await new Promise((resolve) => setTimeout(resolve, 5));
      const waiting = whileHeld();
      try {
        await waitForLockWaiter();
      } finally {
        release();
        await holding;
      }
      return waiting;
    }

    async function waitForLockWaiter(): Promise<void> {
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const waiters = await db.query<{ count: number }>("SELECT count(*)::int AS count FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        if (waiters.rows[0]!.count > 0) return;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      throw new Error('no statement came to wait for the run lock');
    }

    /** A run with two tasks in one phase, claimed by workers w1 and w2. */
    async function twoRunningTasks() {
      const run = await startTestRun(db);
      await createTask(db, { runId: run.id, phase: 'analyze', title: 'second task', createdBy: 'test' });
      const first = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
      const second = (await claimTask(db, { workerId: 'w2', leaseSeconds: 30 }))!;
      return { run, first, second };
    }

    const statusOf = async (taskId: string) => (await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [taskId])).rows[0]!.status;
    const unblockedEvents = async (taskId: string) =>
      (await db.query<{ count: number }>("SELECT count(*)::int AS count FROM events WHERE task_id = $1 AND type = 'task.unblocked'", [taskId])).rows[0]!.count;

    it('queues a task whose two dependencies complete at the same moment', async () => {
      const { run, first, second } = await twoRunningTasks();
      const { task: dependent } = await createTask(db, { runId: run.id, phase: 'verify', title: 'needs both', dependsOn: [first.id, second.id], createdBy: 'test' });
      expect(dependent.status).toBe('blocked');

      const secondCompleted = await holdWhile(
        (transaction) => completeTask(transaction, { taskId: first.id, attempt: 1, workerId: 'w1' }, 'first done'),
        () => completeTask(db, { taskId: second.id, attempt: 1, workerId: 'w2' }, 'second done'),
      );

      // The interleaving happened: the second completion's snapshot predates the first's commit.
      expect((secondCompleted as { recheck_dependents?: boolean }).recheck_dependents).toBe(true);
      expect(await statusOf(dependent.id)).toBe('queued');
      expect(await unblockedEvents(dependent.id)).toBe(1);
    });

    it('queues the dependent when the second completion is an agent\'s last step (one statement with its step and session)', async () => {
      const { run, first, second } = await twoRunningTasks();
      const { task: dependent } = await createTask(db, { runId: run.id, phase: 'verify', title: 'needs both', dependsOn: [first.id, second.id], createdBy: 'test' });
      const session = { id: randomUUID(), taskId: second.id, runId: run.id, attempt: 1, workerId: 'w2', model: 'simulated/agent', simulated: true, resumedFrom: null, resumedSteps: 0, opened: false };
      const lastStep = { index: 0, kind: 'tool_calls', payload: { messages: [], toolCalls: [{ toolName: 'complete_task', toolCallId: 'call-0', input: {} }] }, usage: { inputTokens: 10, outputTokens: 1, costUsd: 0 } };

      const completed = await holdWhile(
        (transaction) => completeTask(transaction, { taskId: first.id, attempt: 1, workerId: 'w1' }, 'first done'),
        () => recordCompletion(db, session, lastStep, { steps: 1, inputTokens: 10, outputTokens: 1, costUsd: 0 }, { summary: 'second done' }),
      );

      expect(completed).toBe(true);
      expect(await statusOf(dependent.id)).toBe('queued');
      // Queued by the second look, not by either completion's own statement.
      expect(await unblockedEvents(dependent.id)).toBe(1);
    });

    it('spends no second look on a run where no task waits on another', async () => {
      const { first, second } = await twoRunningTasks();
      const completed = await holdWhile(
        (transaction) => completeTask(transaction, { taskId: first.id, attempt: 1, workerId: 'w1' }, 'first done'),
        () => completeTask(db, { taskId: second.id, attempt: 1, workerId: 'w2' }, 'second done'),
      );
      expect(completed).toMatchObject({ status: 'done', recheck_dependents: false });
    });

    it('queues a task created blocked on a dependency that completes while it is inserted', async () => {
      const run = await startTestRun(db);
      const dependency = (await claimTask(db, { workerId: 'w1', leaseSeconds: 30 }))!;
      let dependentId = '';
      const completed = await holdWhile(
        async (transaction) => {
          const { task } = await createTask(transaction, { runId: run.id, phase: 'verify', title: 'needs the first', dependsOn: [dependency.id], createdBy: 'test' });
          expect(task.status).toBe('blocked');
          dependentId = task.id;
        },
        () => completeTask(db, { taskId: dependency.id, attempt: 1, workerId: 'w1' }, 'done'),
      );

      expect((completed as { recheck_dependents?: boolean }).recheck_dependents).toBe(true);
      expect(await statusOf(dependentId)).toBe('queued');
      expect(await unblockedEvents(dependentId)).toBe(1);
    });
  });
}
