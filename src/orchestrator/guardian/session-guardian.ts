import type { Logger } from 'pino';
import type { Database } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import { guardianSpendOfRun, insertGuardianVerdict, type GuardianVerdictRow } from '../../store/guardian-verdicts.js';
import type { TaskRow } from '../../store/rows.js';
import type { StepRow } from '../../store/sessions.js';
import { postSessionMessage, requestSessionStop } from '../agent/inbox.js';
import type { ModelSource, PriceFunction } from '../agent/session.js';
import type { PhaseDefinition } from '../workflow/index.js';
import { reviewSession } from './review.js';
import type { GuardianSettings } from './settings.js';
import { transcriptFor, transcriptStep, type TranscriptStep } from './transcript.js';
import { actionFor, type GuardianJudgement } from './verdict.js';

/**
 * The guardian of one agent session. The session reports each persisted step; at the boundary
 * where `everySteps` steps have passed since the last review, or `everySeconds` seconds, the
 * guardian judges the transcript (review.ts), records the verdict and acts through the session
 * inbox: a steering message for a drifting session (delivered with the very next step), a stop
 * request for a stuck or violating one, or for one that drifted `driftingLimit` times.
 *
 * Reviews happen between steps and the session waits for them, so a verdict is acted on before
 * the agent takes another step; a review costs one cheap model call every few steps. A review
 * that fails (provider down, budget refused) is logged and skipped: the guardian never fails the
 * session it watches. Past its budget line (`budgetUsd` per run, read once per session and then
 * counted) it stops reviewing and says so once in a `guardian.budget_exhausted` event.
 */
export interface SessionGuardianOptions {
  db: Database;
  models: ModelSource;
  price: PriceFunction;
  logger: Logger;
  settings: GuardianSettings;
  task: TaskRow;
  phase: PhaseDefinition;
  /** Tools the session offers. */
  tools: string[];
  sessionId: string;
  /** Steps of the session this one resumes, so the guardian sees the whole attempt. */
  previousSteps?: StepRow[];
  signal?: AbortSignal;
  now?: () => number;
}

export class SessionGuardian {
  private readonly steps: TranscriptStep[];
  private stepsAtLastReview: number;
  private lastReviewAt: number;
  private drifted = 0;
  private spentUsd: number | undefined;
  private exhausted = false;
  private readonly now: () => number;
  readonly modelName: string;

  constructor(private readonly options: SessionGuardianOptions) {
    this.now = options.now ?? Date.now;
    this.lastReviewAt = this.now();
    this.steps = (options.previousSteps ?? []).map((step, index) => transcriptStep(index, step.payload, (step.payload.delivered ?? []).map(() => 'earlier message')));
    this.stepsAtLastReview = this.steps.length;
    const fallback = options.models.defaultModelName();
    this.modelName = options.settings.model ?? (fallback.startsWith('simulated/') ? 'simulated/guardian' : fallback);
  }

  /**
   * Records a persisted step and reviews the session when one is due. Returns true when it put
   * something in the session's inbox (the session then reads it before its next step).
   */
  async afterStep(payload: StepRow['payload'], inboxSenders: string[]): Promise<boolean> {
    this.steps.push(transcriptStep(this.steps.length, payload, inboxSenders));
    const { everySteps, everySeconds } = this.options.settings;
    const due = this.steps.length - this.stepsAtLastReview >= everySteps || this.now() - this.lastReviewAt >= everySeconds * 1000;
    if (!due || this.options.signal?.aborted) return false;
    this.stepsAtLastReview = this.steps.length;
    this.lastReviewAt = this.now();
    try {
      return await this.review();
    } catch (error) {
      this.options.logger.warn({ err: error, taskId: this.options.task.id }, 'guardian review failed; the session continues unreviewed');
      return false;
    }
  }

  private async review(): Promise<boolean> {
    const { db, task, settings } = this.options;
    this.spentUsd ??= (await guardianSpendOfRun(db, task.run_id)).cost_usd;
    if (this.spentUsd >= settings.budgetUsd) {
      if (!this.exhausted) {
        this.exhausted = true;
        await appendEvent(db, task.run_id, 'guardian.budget_exhausted', { session_id: this.options.sessionId, spent_usd: this.spentUsd, budget_usd: settings.budgetUsd }, task.id);
      }
      return false;
    }
    const transcript = transcriptFor({
      task: { title: task.title, description: task.description, phase: task.phase, attempt: task.attempt },
      phase: this.options.phase,
      tools: this.options.tools,
      steps: this.steps,
      transcriptSteps: settings.transcriptSteps,
    });
    const model = this.options.models.resolve(this.modelName);
    const review = await reviewSession({ model, price: this.options.price, transcript, runId: task.run_id, taskId: task.id, sessionId: this.options.sessionId, signal: this.options.signal });
    this.spentUsd += review.costUsd ?? 0;
    if (review.judgement.verdict === 'drifting') this.drifted += 1;
    const action = actionFor(review.judgement.verdict, this.drifted, settings.driftingLimit);
    const messageId = await this.act(action, review.judgement);
    await insertGuardianVerdict(db, {
      runId: task.run_id,
      taskId: task.id,
      sessionId: this.options.sessionId,
      stepsSeen: this.steps.length,
      verdict: review.judgement.verdict,
      score: review.judgement.score,
      reason: review.judgement.reason,
      action,
      messageId,
      model: model.name,
      inputTokens: review.inputTokens,
      outputTokens: review.outputTokens,
      costUsd: review.costUsd,
    });
    return messageId !== null;
  }

  private async act(action: GuardianVerdictRow['action'], judgement: GuardianJudgement): Promise<string | null> {
    const { db, task } = this.options;
    if (action === 'steer') {
      const body = `Your recent steps drifted from your task "${task.title}": ${judgement.reason} Return to the task now and work toward what it asks.`;
      return (await postSessionMessage(db, { runId: task.run_id, taskId: task.id, from: 'guardian', body })).id;
    }
    if (action === 'stop') {
      const reason = `${judgement.verdict.replace('_', ' ')} (score ${judgement.score.toFixed(2)}): ${judgement.reason}`;
      return (await requestSessionStop(db, { runId: task.run_id, taskId: task.id, from: 'guardian', reason })).id;
    }
    return null;
  }
}
