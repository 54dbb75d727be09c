import type { Logger } from 'pino';
import { isBudgetExceeded } from '../../llm/index.js';
import type { Database } from '../../store/database.js';
import { completeReviewedTask, dropReviewLease, returnTaskForWork, type LeaseHolder } from '../../store/queue/index.js';
import { insertReview } from '../../store/reviews.js';
import type { TaskRow } from '../../store/rows.js';
import { findRun } from '../../store/runs.js';
import type { ModelSource, PriceFunction } from '../agent/session.js';
import { pauseRun } from '../runs.js';
import { getWorkflow } from '../workflows.js';
import type { WorkflowLookup } from '../workflow-cache.js';
import { phaseReview } from '../workflow/index.js';
import { runReviewer } from './reviewer.js';

export interface TaskReviewOptions {
  db: Database;
  /** The task in `in_review`, held by this worker (attempt and worker_id fence every change). */
  task: TaskRow;
  workerId: string;
  models: ModelSource;
  price: PriceFunction;
  logger: Logger;
  signal?: AbortSignal;
  workflows?: WorkflowLookup;
}

export interface TaskReviewResult {
  verdict?: 'accepted' | 'needs_work';
  /** The task reached a final state: done, or failed after the last round. */
  taskFinal: boolean;
  taskFailed: boolean;
}

/**
 * Reviews a task its agent says is done, in a phase with `review`: the reviewer's verdict is
 * stored, then the task is done (accepted), queued again for another attempt that reads the
 * feedback (needs_work with rounds left), or failed (needs_work on the last round: the last
 * verdict stands). A reviewer that cannot be reached leaves the task in review and lets its lease
 * lapse, so a worker's sweep tries again; a budget refusal pauses the run, as for agents.
 */
export async function reviewTask(options: TaskReviewOptions): Promise<TaskReviewResult> {
  const { db, task, workerId, logger } = options;
  const holder: LeaseHolder = { taskId: task.id, attempt: task.attempt, workerId };
  const run = (await findRun(db, task.run_id))!;
  const { definition: workflow } = await (options.workflows ?? getWorkflow)(db, run.workflow_id);
  const phase = workflow.phases.find((candidate) => candidate.key === task.phase)!;
  const review = phaseReview(phase) ?? { max_rounds: 1, instructions: '', model: undefined };
  const delivered = (task.result ?? {}) as { summary?: string; result?: unknown };
  let outcome;
  try {
    outcome = await runReviewer(
      { models: options.models, price: options.price, modelName: review.model ?? phase.model ?? workflow.model ?? options.models.defaultModelName(), signal: options.signal },
      {
        subject: 'task',
        runId: task.run_id,
        taskId: task.id,
        round: task.review_round,
        maxRounds: review.max_rounds,
        criteria: phase.done_definition,
        asked: `${task.title}\n\n${task.description}`.trim(),
        delivered: { summary: delivered.summary ?? '', result: delivered.result ?? null },
        instructions: review.instructions,
        title: task.title,
      },
    );
  } catch (error) {
    if (isBudgetExceeded(error)) await pauseRun(db, task.run_id, error.message).catch(() => {});
    logger.warn({ taskId: task.id, err: error }, 'review could not be run; it will be tried again');
    await dropReviewLease(db, holder);
    return { taskFinal: false, taskFailed: false };
  }
  await insertReview(db, {
    runId: task.run_id,
    taskId: task.id,
    subject: 'task',
    round: task.review_round,
    verdict: outcome.verdict,
    feedback: outcome.feedback,
    model: outcome.model,
    inputTokens: outcome.inputTokens,
    outputTokens: outcome.outputTokens,
    costUsd: outcome.costUsd,
  });
  if (outcome.verdict === 'accepted') {
    await completeReviewedTask(db, holder);
    return { verdict: 'accepted', taskFinal: true, taskFailed: false };
  }
  const lastRound = task.review_round >= review.max_rounds;
  await returnTaskForWork(db, holder, { feedback: outcome.feedback, lastRound });
  return { verdict: 'needs_work', taskFinal: lastRound, taskFailed: lastRound };
}
