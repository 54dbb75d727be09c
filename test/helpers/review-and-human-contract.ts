import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestRun, threePhaseWorkflow } from './fixtures.js';
import type { DatabaseVariant } from './databases.js';
import { createTask } from '../../src/orchestrator/tasks.js';
import { approvePhase, approveTask } from '../../src/orchestrator/human/approvals.js';
import { answerQuestion, askHuman } from '../../src/orchestrator/human/questions.js';
import type { Database } from '../../src/store/database.js';
import { finishRunIfDone } from '../../src/store/runs.js';
import {
  claimTask,
  completeReviewedTask,
  extendLease,
  reclaimReview,
  returnTaskForWork,
  submitTaskForReview,
} from '../../src/store/queue/index.js';

/**
 * The queue statements of review loops, ask_human and approval gates, run against one database
 * variant: `review-and-human.test.ts` on PGlite, `review-and-human.postgres.test.ts` on PostgreSQL.
 */
export function defineReviewAndHumanContract(variant: DatabaseVariant): void {
  // Generous: the first test also builds the database template, slow on a loaded machine.
  describe(`review, ask_human and approval statements on ${variant.name}`, { timeout: 120_000 }, () => {
    let db: Database;
    beforeEach(async () => {
      db = await variant.open();
    });
    afterEach(async () => {
      await db.close();
    });

    const claim = (workerId = 'w1') => claimTask(db, { workerId, leaseSeconds: 30 });
    const statusOf = async (id: string) => (await db.query<{ status: string }>('SELECT status FROM tasks WHERE id = $1', [id])).rows[0]!.status;
    const eventTypes = async (runId: string) => (await db.query<{ type: string }>('SELECT type FROM events WHERE run_id = $1 ORDER BY seq', [runId])).rows.map((row) => row.type);

    it('moves a finished task to in_review under the same lease, and keeps the lease alive there', async () => {
      const run = await startTestRun(db);
      const task = (await claim())!;
      const holder = { taskId: task.id, attempt: 1, workerId: 'w1' };
      const inReview = await submitTaskForReview(db, holder, { summary: 'did it' });
      expect(inReview).toMatchObject({ status: 'in_review', review_round: 1, worker_id: 'w1' });
      expect(await extendLease(db, holder, 30)).toBe(true);
      // The run is not over while a task is in review.
      expect(await finishRunIfDone(db, run.id)).toBeUndefined();
      const done = await completeReviewedTask(db, holder);
      expect(done).toMatchObject({ status: 'done', result: { summary: 'did it' } });
      expect(await eventTypes(run.id)).toEqual(expect.arrayContaining(['task.review_requested', 'task.completed']));
    });

    it('fences review changes by attempt and worker', async () => {
      await startTestRun(db);
      const task = (await claim())!;
      await submitTaskForReview(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null);
      await expect(completeReviewedTask(db, { taskId: task.id, attempt: 1, workerId: 'w2' })).rejects.toMatchObject({ code: 'LEASE_LOST' });
      await expect(returnTaskForWork(db, { taskId: task.id, attempt: 2, workerId: 'w1' }, { feedback: 'x', lastRound: false })).rejects.toMatchObject({ code: 'LEASE_LOST' });
    });

    it('queues a task the reviewer returned with one more attempt allowed, and fails it on the last round', async () => {
      await startTestRun(db);
      const task = (await claim())!;
      await submitTaskForReview(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null);
      const returned = await returnTaskForWork(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, { feedback: 'add tests', lastRound: false });
      expect(returned).toMatchObject({ status: 'queued', lease_until: null, worker_id: null, max_attempts: 2 });
      const again = (await claim())!;
      expect(again).toMatchObject({ id: task.id, attempt: 2 });
      await submitTaskForReview(db, { taskId: task.id, attempt: 2, workerId: 'w1' }, null);
      const failed = await returnTaskForWork(db, { taskId: task.id, attempt: 2, workerId: 'w1' }, { feedback: 'still no tests', lastRound: true });
      expect(failed.status).toBe('failed');
      expect(failed.error).toContain('still no tests');
      expect(failed.review_round).toBe(2);
    });

    it('frees the phase slot when a task goes to review', async () => {
      const run = await startTestRun(db);
      await completeReviewedTaskAfterReview((await claim())!.id);
      await createTask(db, { runId: run.id, phase: 'implement', title: 'one', createdBy: 'test' });
      await createTask(db, { runId: run.id, phase: 'implement', title: 'two', createdBy: 'test' });
      const first = (await claim())!;
      expect(await claim()).toBeUndefined(); // implement allows one at a time
      await submitTaskForReview(db, { taskId: first.id, attempt: 1, workerId: 'w1' }, null);
      expect((await claim())!.phase).toBe('implement');
    });

    async function completeReviewedTaskAfterReview(taskId: string): Promise<void> {
      await submitTaskForReview(db, { taskId, attempt: 1, workerId: 'w1' }, null);
      await completeReviewedTask(db, { taskId, attempt: 1, workerId: 'w1' });
    }

    it('lets another worker take over a review whose lease lapsed, without counting an attempt', async () => {
      await startTestRun(db);
      const task = (await claim())!;
      await submitTaskForReview(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, null);
      expect(await reclaimReview(db, { workerId: 'w2', leaseSeconds: 30 })).toBeUndefined();
      await db.query("UPDATE tasks SET lease_until = now() - interval '1 second' WHERE id = $1", [task.id]);
      const taken = (await reclaimReview(db, { workerId: 'w2', leaseSeconds: 30 }))!;
      expect(taken).toMatchObject({ id: task.id, status: 'in_review', worker_id: 'w2', attempt: 1 });
      expect(await extendLease(db, { taskId: task.id, attempt: 1, workerId: 'w1' }, 30)).toBe(false);
      await completeReviewedTask(db, { taskId: task.id, attempt: 1, workerId: 'w2' });
      expect(await statusOf(task.id)).toBe('done');
    });

    it('parks a task that asked a person without using its attempt, and queues it again on the answer', async () => {
      const run = await startTestRun(db);
      const task = (await claim())!;
      const asked = await askHuman(db, { holder: { taskId: task.id, attempt: 1, workerId: 'w1' }, runId: run.id, question: 'Which database?' });
      expect(asked.status).toBe('waiting_for_answer');
      const waiting = await db.query<{ status: string; attempt: number; lease_until: Date | null }>('SELECT status, attempt, lease_until FROM tasks WHERE id = $1', [task.id]);
      expect(waiting.rows[0]).toMatchObject({ status: 'waiting_human', attempt: 0, lease_until: null });
      expect(await claim()).toBeUndefined();
      expect(await finishRunIfDone(db, run.id)).toBeUndefined();
      const { task: answered, question } = await answerQuestion(db, { taskId: task.id, answer: 'PostgreSQL', author: 'ada' });
      expect(answered.status).toBe('queued');
      expect(question).toMatchObject({ id: asked.question_id, answer: 'PostgreSQL', answered_by: 'ada' });
      expect((await claim())!).toMatchObject({ id: task.id, attempt: 1 });
      await expect(answerQuestion(db, { taskId: task.id, answer: 'again', author: 'ada' })).rejects.toMatchObject({ code: 'TASK_STATE_CONFLICT' });
      expect(await eventTypes(run.id)).toEqual(expect.arrayContaining(['task.waiting_human', 'task.question_answered']));
    });

    it('refuses an empty question or answer, naming the field', async () => {
      const run = await startTestRun(db);
      const task = (await claim())!;
      await expect(askHuman(db, { holder: { taskId: task.id, attempt: 1, workerId: 'w1' }, runId: run.id, question: '  ' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'question' } });
      await expect(answerQuestion(db, { taskId: task.id, answer: '', author: 'ada' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'answer' } });
      await expect(answerQuestion(db, { taskId: task.id, answer: 'yes', author: 'ada' })).rejects.toMatchObject({ code: 'TASK_STATE_CONFLICT' });
    });

    it('hands out no task of a gated phase until the phase or the task is approved', async () => {
      const workflow = threePhaseWorkflow({ phases: [{ key: 'analyze', name: 'Analyze' }, { key: 'implement', name: 'Implement', approval: 'required' }, { key: 'verify', name: 'Verify' }] });
      const run = await startTestRun(db, workflow);
      await completeReviewedTaskAfterReview((await claim())!.id);
      const { task: one } = await createTask(db, { runId: run.id, phase: 'implement', title: 'one', createdBy: 'test' });
      const { task: two } = await createTask(db, { runId: run.id, phase: 'implement', title: 'two', createdBy: 'test' });
      expect(await claim()).toBeUndefined();
      expect(await finishRunIfDone(db, run.id)).toBeUndefined();
      const approved = await approveTask(db, { taskId: two.id, author: 'ada' });
      expect(approved.approved_by).toBe('ada');
      expect((await claim())!.id).toBe(two.id);
      expect(await claim()).toBeUndefined();
      const gate = await approvePhase(db, { runId: run.id, phase: 'implement', author: 'grace' });
      expect(gate).toMatchObject({ phase: 'implement', approval_required: true, approved_by: 'grace' });
      expect((await claim())!.id).toBe(one.id);
      expect(await eventTypes(run.id)).toEqual(expect.arrayContaining(['task.approved', 'phase.approved']));
    });

    it('refuses to approve a phase without a gate or a phase the workflow lacks', async () => {
      const run = await startTestRun(db);
      await expect(approvePhase(db, { runId: run.id, phase: 'implement', author: 'ada' })).rejects.toMatchObject({ code: 'APPROVAL_NOT_REQUIRED' });
      await expect(approvePhase(db, { runId: run.id, phase: 'nope', author: 'ada' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'phase' } });
      const task = (await claim())!;
      await expect(approveTask(db, { taskId: task.id, author: 'ada' })).rejects.toMatchObject({ code: 'APPROVAL_NOT_REQUIRED' });
    });
  });
}
