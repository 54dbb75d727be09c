import { AnvilError } from '../../errors.js';
import type { Database } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import { insertReview, resultReviewCount } from '../../store/reviews.js';
import type { TaskRow } from '../../store/rows.js';
import { findRun } from '../../store/runs.js';
import { cancelOtherActiveTasks } from '../../store/tasks.js';
import type { ModelSource, PriceFunction } from '../agent/session.js';
import { getWorkflow } from '../workflows.js';
import type { WorkflowLookup } from '../workflow-cache.js';
import { runReviewer } from './reviewer.js';

export interface SubmitResultOptions {
  db: Database;
  models: ModelSource;
  price: PriceFunction;
  /** The task whose agent submits (built-in or outside). */
  task: Pick<TaskRow, 'id' | 'run_id' | 'title'>;
  summary: string;
  result: unknown;
  signal?: AbortSignal;
  workflows?: WorkflowLookup;
}

export type SubmitResultOutcome =
  | { accepted: true; round: number | null; stopped_tasks: number }
  | { accepted: false; round: number; rounds_left: number; feedback: string };

/**
 * Submits the run's result, the answer to its goal. With `result.review` in the workflow a
 * reviewer checks it against the goal and the result's description first: a rejected result is
 * not stored, and the submitter gets the feedback to try again, up to `max_rounds` reviews per
 * run (then REVIEW_ROUNDS_EXHAUSTED). An accepted result is stored and marks the run as answered
 * (it succeeds even if a task failed); with `on_result: stop_all` every other unfinished task of
 * the run is cancelled, so the run ends as soon as the submitting task does.
 */
export async function submitResult(options: SubmitResultOptions): Promise<SubmitResultOutcome> {
  const { db, task } = options;
  const run = await findRun(db, task.run_id);
  if (!run) throw new AnvilError('RUN_NOT_FOUND', `run ${task.run_id} not found`, { id: task.run_id });
  if (!['running', 'paused'].includes(run.status)) {
    throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} is ${run.status}; it takes no result`, { id: run.id, status: run.status });
  }
  const { definition } = await (options.workflows ?? getWorkflow)(db, run.workflow_id);
  const spec = definition.result;
  const value = { summary: options.summary, result: options.result ?? null, task_id: task.id };
  let round: number | null = null;
  if (spec?.review) {
    const maxRounds = spec.review.max_rounds;
    const reviewed = await resultReviewCount(db, run.id);
    if (reviewed >= maxRounds) {
      throw new AnvilError('REVIEW_ROUNDS_EXHAUSTED', `the run's result was reviewed ${reviewed} times (result.review.max_rounds) without being accepted`, { rounds: reviewed, max_rounds: maxRounds });
    }
    round = reviewed + 1;
    const outcome = await runReviewer(
      { models: options.models, price: options.price, modelName: spec.review.model ?? definition.model ?? options.models.defaultModelName(), signal: options.signal },
      {
        subject: 'result',
        runId: run.id,
        taskId: task.id,
        round,
        maxRounds,
        criteria: [`The run's goal: ${run.goal}`, spec.description ? `What the result must be: ${spec.description}` : ''].filter(Boolean).join('\n'),
        asked: run.goal,
        delivered: { summary: options.summary, result: options.result ?? null },
        instructions: spec.review.instructions,
        title: task.title,
      },
    );
    await insertReview(db, { runId: run.id, taskId: task.id, subject: 'result', round, verdict: outcome.verdict, feedback: outcome.feedback, model: outcome.model, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens, costUsd: outcome.costUsd });
    if (outcome.verdict === 'needs_work') {
      await appendEvent(db, run.id, 'run.result_rejected', { round, max_rounds: maxRounds, feedback: outcome.feedback.slice(0, 2_000) }, task.id);
      return { accepted: false, round, rounds_left: maxRounds - round, feedback: outcome.feedback };
    }
  }
  const stopAll = spec?.on_result === 'stop_all';
  return db.transaction(async (transaction) => {
    const stored = await transaction.query(
      `UPDATE runs SET result = $2, result_accepted_at = now(), updated_at = now() WHERE id = $1 AND status IN ('running', 'paused') RETURNING id`,
      [run.id, JSON.stringify(value)],
    );
    if (stored.rowCount === 0) throw new AnvilError('RUN_STATE_CONFLICT', `run ${run.id} ended before its result was stored`, { id: run.id });
    await appendEvent(transaction, run.id, 'run.result_accepted', { summary: options.summary.slice(0, 500), round, reviewed: round !== null, on_result: spec?.on_result ?? 'continue' }, task.id);
    let stopped = 0;
    if (stopAll) {
      const reason = "the run's result was accepted (on_result: stop_all)";
      const cancelled = await cancelOtherActiveTasks(transaction, run.id, task.id, reason);
      stopped = cancelled.length;
      if (stopped > 0) await appendEvent(transaction, run.id, 'tasks.cancelled', { task_ids: cancelled.map((row) => row.id), reason });
    }
    return { accepted: true as const, round, stopped_tasks: stopped };
  });
}
