import type { Logger } from 'pino';
import type { Database } from '../store/database.js';
import { findUnsettledRuns, recoverLeasesAtStart, runsWithReadyBlockedTasks, sweepExpiredLeases, unblockReadyTasks } from '../store/queue/index.js';
import type { TaskRow } from '../store/rows.js';
import { settleRun } from './runs.js';

/**
 * Returns lapsed leases to the queue and settles the runs whose task the sweep failed for good
 * (its last attempt). Every worker runs it on a timer; an outside agent's claim runs it first, so
 * a deployment whose only agents are outside ones still recovers a vanished agent's tasks.
 */
export async function sweepLapsedLeases(db: Database): Promise<TaskRow[]> {
  return settleFailed(db, await sweepExpiredLeases(db));
}

/**
 * What every worker's sweeper does periodically, and every process once at start: lapsed leases
 * go back to the queue (or fail their task when out of attempts, which may end the run), and runs
 * left running with nothing to run are ended. A worker killed between making a run's last task
 * final and settling the run leaves such a run; any process's sweep ends it. Settling is
 * exactly-once by its conditional statement (status = 'running'), so two sweeps cannot both end a run.
 */
export async function sweepLeases(db: Database, logger: Logger): Promise<number> {
  const settled = await settleSwept(db, logger, await sweepLapsedLeases(db));
  await unblockMissed(db, logger);
  return settled;
}

/**
 * Every completion queues the dependents it made ready (store/queue/unblock.ts), so this finds
 * nothing; if it ever does, a write path missed its check, and the warning says which tasks.
 */
async function unblockMissed(db: Database, logger: Logger): Promise<void> {
  for (const runId of await runsWithReadyBlockedTasks(db)) {
    const unblocked = await unblockReadyTasks(db, runId);
    if (unblocked.length > 0) logger.warn({ runId, taskIds: unblocked }, 'the sweep queued blocked tasks whose dependencies were all done');
  }
}

/** Start-up recovery (store/queue/recover.ts), then the settling a sweep does. */
export async function recoverAtStart(db: Database, logger: Logger, { exclusive }: { exclusive: boolean }): Promise<number> {
  const recovery = await recoverLeasesAtStart(db, { exclusive });
  if (recovery.skipped) {
    logger.debug('another process is recovering leases; skipped');
    return 0;
  }
  const settled = await settleSwept(db, logger, await settleFailed(db, recovery.swept));
  if (recovery.swept.length > 0 || settled > 0) logger.info({ tasks: recovery.swept.length, runsSettled: settled }, 'recovered work interrupted before this start');
  return recovery.swept.length;
}

async function settleFailed(db: Database, swept: TaskRow[]): Promise<TaskRow[]> {
  for (const task of swept) {
    if (task.status === 'failed') await settleRun(db, task.run_id, { taskFailed: true });
  }
  return swept;
}

/** Logs what was swept and ends the runs left with nothing to run; returns how many it ended. */
async function settleSwept(db: Database, logger: Logger, swept: TaskRow[]): Promise<number> {
  for (const task of swept) logger.info({ taskId: task.id, runId: task.run_id, status: task.status }, 'lease expired; task returned to the queue');
  let settled = 0;
  for (const runId of await findUnsettledRuns(db)) if (await settleRun(db, runId)) settled += 1;
  return settled;
}
