import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TaskOutcome, Telemetry } from '../observability/telemetry.js';
import { inSpan } from '../observability/tracing.js';
import type { Database } from '../store/database.js';
import { claimTask, extendLease, reclaimReview, releaseTask, type ClaimedTask } from '../store/queue/index.js';
import { isDatabaseUnavailable } from '../store/unavailable.js';
import type { TaskRow } from '../store/rows.js';
import { findTask } from '../store/tasks.js';
import type { EventBus } from './event-bus.js';
import type { GuardianConfig } from '../config/agents-schema.js';
import type { Conductor } from './conductor/conductor.js';
import { runAgentSession, type AgentSessionResult, type ModelSource, type PriceFunction } from './agent/session.js';
import { reviewTask } from './review/task-review.js';
import { settleRun } from './runs.js';
import { sweepLeases } from './lease-sweep.js';
import { createWorkflowCache } from './workflow-cache.js';
import type { MemoryService } from './memory.js';
import type { WorkspaceConfig } from '../config/workspace-schema.js';

export interface WorkerOptions {
  db: Database;
  bus: EventBus;
  models: ModelSource;
  price: PriceFunction;
  logger: Logger;
  /** Sessions and task outcomes are reported here (metrics subscribe). */
  telemetry?: Telemetry;
  /** A span per agent session when tracing is on. */
  tracer?: Tracer;
  /** Sessions run at once. */
  concurrency: number;
  leaseSeconds: number;
  heartbeatSeconds: number;
  pollIntervalMs: number;
  sweepIntervalMs: number;
  retryBaseMs: number;
  workerId?: string;
  /** Memory search and saving for agents; default full text alone. */
  memory?: MemoryService;
  /** Tokens of memories injected into each agent's system prompt. */
  memoryBudgetTokens?: number;
  /** Workspace tools' settings; without them, phases get no workspace tools. */
  workspace?: WorkspaceConfig;
  /** The guardian's server settings; unset runs sessions unwatched. */
  guardian?: GuardianConfig;
  /** The conductor: near-duplicates of agents' tasks, and stalled runs found by the sweep. */
  conductor?: Conductor;
}

/**
 * A worker: `concurrency` slots, each claiming a task, running its agent session with a lease
 * renewed by heartbeat, and settling the run. Idle slots poll (jittered) and wake early on any
 * event signal. A sweeper returns tasks with lapsed leases to the queue. stop() stops claiming
 * and waits for running sessions up to a deadline, then aborts them and gives their tasks back
 * to the queue (the attempt is not used up), so another worker resumes them from their last
 * persisted step at once instead of after the lease. A process killed outright leaves the leases
 * to lapse instead. While the database is unreachable, each slot backs off (doubling, jittered,
 * capped) and retries; it logs the outage once and the recovery once.
 */
export class Worker {
  readonly id: string;
  private running = false;
  private readonly abort = new AbortController();
  private readonly slots: Promise<void>[] = [];
  /** Reviews taken over by the sweep, awaited by stop() like the slots. */
  private readonly reviews = new Set<Promise<unknown>>();
  private sweeper: NodeJS.Timeout | undefined;
  private readonly wake = new Set<() => void>();
  private unsubscribe: (() => void) | undefined;
  readonly active = new Map<string, TaskRow>();
  /** Workflow versions never change: each session reads its run's from here, not the database. */
  private readonly workflows = createWorkflowCache();

  constructor(private readonly options: WorkerOptions) {
    // Every running session listens for the stop: a worker with a thousand of them is not leaking.
    setMaxListeners(0, this.abort.signal);
    this.id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.unsubscribe = this.options.bus.subscribe(() => this.wakeAll());
    for (let slot = 0; slot < this.options.concurrency; slot++) this.slots.push(this.slotLoop());
    this.scheduleSweep();
  }

  /** Stops claiming; waits for running sessions up to `deadlineMs`, then aborts them. */
  async stop(deadlineMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.unsubscribe?.();
    clearTimeout(this.sweeper);
    this.wakeAll();
    const timer = setTimeout(() => this.abort.abort(new Error('worker stopping')), deadlineMs);
    await Promise.allSettled([...this.slots, ...this.reviews]);
    clearTimeout(timer);
  }

  /**
   * Claims and works tasks until stopped. After a task its agent completed, the run must be
   * settled (ended when nothing is left to run) by a statement that sees the completion committed.
   * When the slot's next claim returns a task of the same run, that claim has seen, after the
   * completion, a task of the run not yet final, which this slot settles after in turn: the settle
   * is skipped, a round trip per task while a run has queued work. Otherwise it is made before the
   * next task (or when the worker stops); a worker killed in between leaves it to the sweep.
   */
  private async slotLoop(): Promise<void> {
    let failures = 0;
    let unsettledRunId: string | undefined;
    while (this.running) {
      let task: ClaimedTask | undefined;
      try {
        task = await claimTask(this.options.db, { workerId: this.id, leaseSeconds: this.options.leaseSeconds });
      } catch (error) {
        failures += 1;
        if (failures === 1) {
          const unreachable = isDatabaseUnavailable(error);
          this.options.logger[unreachable ? 'warn' : 'error']({ err: error }, unreachable ? 'database unreachable; claiming backs off until it answers' : 'claim failed; backing off');
        }
        await this.idle(claimBackoffMs(this.options.pollIntervalMs, failures));
        continue;
      }
      if (failures > 0) {
        this.options.logger.info({ failedClaims: failures }, 'claiming again: the database answers');
        failures = 0;
      }
      if (unsettledRunId !== undefined && task?.run_id !== unsettledRunId) await this.settle(unsettledRunId);
      unsettledRunId = undefined;
      if (!task) {
        await this.idle(this.options.pollIntervalMs);
        continue;
      }
      if (await this.work(task)) unsettledRunId = task.run_id;
    }
    if (unsettledRunId !== undefined) await this.settle(unsettledRunId);
  }

  /** Settles a run after its task was completed; a failure is left to the sweep, which settles runs with nothing left to run. */
  private async settle(runId: string): Promise<void> {
    try {
      await settleRun(this.options.db, runId);
    } catch (error) {
      this.options.logger.warn({ err: error, runId }, 'could not settle the run; the sweep will');
    }
  }

  /**
   * Runs a claimed task: its agent session and, in a reviewed phase, the review that follows
   * under the same lease; or (`reviewOnly`) only the review of a task whose reviewer's worker died.
   * True when the agent completed the task and the run is left for the caller to settle.
   */
  private async work(task: TaskRow, { reviewOnly = false }: { reviewOnly?: boolean } = {}): Promise<boolean> {
    const { db, telemetry, tracer } = this.options;
    const logger = this.options.logger.child({ runId: task.run_id, taskId: task.id });
    const started = performance.now();
    let outcome: TaskOutcome = 'crashed';
    telemetry?.emit('session.started', { phase: task.phase });
    const lease = new AbortController();
    const onStop = () => lease.abort(new Error('worker stopping'));
    this.abort.signal.addEventListener('abort', onStop);
    this.active.set(task.id, task);
    const heartbeat = setInterval(
      () => {
        extendLease(db, { taskId: task.id, attempt: task.attempt, workerId: this.id }, this.options.leaseSeconds)
          .then((held) => {
            if (!held) lease.abort(new Error('lease lost'));
          })
          .catch((error) => logger.warn({ err: error }, 'heartbeat failed'));
      },
      jitter(this.options.heartbeatSeconds * 1000),
    );
    try {
      const attributes = { 'anvil.run_id': task.run_id, 'anvil.task_id': task.id, 'anvil.phase': task.phase, 'anvil.attempt': task.attempt };
      const reviewAndSettle = async (inReview: TaskRow) => {
        const reviewed = await inSpan(tracer, 'agent.review', attributes, () =>
          reviewTask({ db, task: inReview, workerId: this.id, models: this.options.models, price: this.options.price, logger, signal: lease.signal, workflows: this.workflows }),
        );
        outcome = reviewed.verdict === 'accepted' ? 'completed' : reviewed.taskFinal ? 'failed' : 'retried';
        if (reviewed.taskFinal) await settleRun(db, task.run_id, { taskFailed: reviewed.taskFailed });
      };
      if (reviewOnly) {
        await reviewAndSettle(task);
        return false;
      }
      const result = await inSpan(tracer, 'agent.session', attributes, () => runAgentSession({
        db,
        task,
        workerId: this.id,
        models: this.options.models,
        price: this.options.price,
        logger,
        retryBaseMs: this.options.retryBaseMs,
        signal: lease.signal,
        workflows: this.workflows,
        telemetry,
        tracer,
        memory: this.options.memory,
        memoryBudgetTokens: this.options.memoryBudgetTokens,
        workspace: this.options.workspace,
        guardian: this.options.guardian,
        conductor: this.options.conductor?.services,
      }));
      outcome = taskOutcome(result);
      if (result.reviewPending && !lease.signal.aborted) {
        // The round was counted and the result stored when the task went to review: read them back.
        const inReview = await findTask(db, task.id);
        if (inReview?.status === 'in_review' && inReview.worker_id === this.id) await reviewAndSettle(inReview);
      } else if (result.taskFailed) await settleRun(db, task.run_id, { taskFailed: true });
      else if (result.status === 'interrupted' && this.abort.signal.aborted) {
        // Stopped at the shutdown deadline: hand the task back now rather than let its lease lapse.
        await releaseTask(db, { taskId: task.id, attempt: task.attempt, workerId: this.id }, 'worker shutting down').then(
          () => logger.info('task given back to the queue at shutdown'),
          (error: unknown) => logger.warn({ err: error }, 'could not give the task back at shutdown; its lease will lapse'),
        );
      }
      return result.taskFinal && !result.taskFailed;
    } catch (error) {
      logger.error({ err: error }, 'agent session crashed; the lease will lapse and the task be retried');
      return false;
    } finally {
      telemetry?.emit('session.ended', { phase: task.phase });
      telemetry?.emit('task.finished', { outcome, phase: task.phase, durationMs: performance.now() - started });
      clearInterval(heartbeat);
      this.abort.signal.removeEventListener('abort', onStop);
      this.active.delete(task.id);
    }
  }

  private scheduleSweep(): void {
    this.sweeper = setTimeout(async () => {
      try {
        await sweepLeases(this.options.db, this.options.logger);
        // A review whose worker died is taken over here (one per sweep, in the background: the
        // reviewer's call must not hold up the sweep).
        if (this.running) {
          const review = await reclaimReview(this.options.db, { workerId: this.id, leaseSeconds: this.options.leaseSeconds });
          if (review) {
            this.options.logger.info({ taskId: review.id, runId: review.run_id }, 'review lease expired; reviewing again');
            const reviewing = this.work(review, { reviewOnly: true }).finally(() => this.reviews.delete(reviewing));
            this.reviews.add(reviewing);
          }
        }
        await this.options.conductor?.sweep();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'lease sweep failed');
      }
      if (this.running) this.scheduleSweep();
    }, jitter(this.options.sweepIntervalMs));
    this.sweeper.unref();
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake.delete(done);
        resolve();
      };
      const timer = setTimeout(done, jitter(ms));
      this.wake.add(done);
    });
  }

  private wakeAll(): void {
    for (const wake of [...this.wake]) wake();
  }
}

function taskOutcome(result: AgentSessionResult): TaskOutcome {
  if (result.status === 'completed') return 'completed';
  if (result.status === 'interrupted') return 'interrupted';
  return result.taskFinal ? 'failed' : 'retried';
}

/** After `failures` failed claims in a row: the poll interval doubled each time, capped at 10 s. */
export function claimBackoffMs(pollIntervalMs: number, failures: number): number {
  return Math.min(pollIntervalMs * 2 ** Math.min(failures, 16), 10_000);
}

/** ±20% so that many workers' timers do not fire in lockstep. */
export function jitter(ms: number): number {
  return Math.max(1, Math.round(ms * (0.8 + Math.random() * 0.4)));
}
