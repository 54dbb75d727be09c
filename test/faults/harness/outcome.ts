import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse } from 'yaml';
import { registerWorkflow } from '../../../src/orchestrator/workflows.js';
import type { Database } from '../../../src/store/database.js';
import { migrate } from '../../../src/store/migrate.js';
import { auditQueue } from '../../crash/queue-audit.js';

/** Migrates a fresh database and registers the workflows the scenarios start. */
export async function prepareDatabase(db: Database): Promise<void> {
  await migrate(db);
  await registerWorkflow(db, parse(await readFile('test/faults/fixtures/one-task.yaml', 'utf8')));
  await registerWorkflow(db, parse(await readFile('test/fixtures/crash-workflow.yaml', 'utf8')));
}

export interface WorkOutcome {
  tasks: number;
  /** Accepted runs missing from the database, plus tasks of accepted runs that never got done. */
  tasksLost: number;
  tasksCompletedTwice: number;
  unfinishedRuns: string[];
  sequenceGaps: string[];
}

/**
 * Waits until every accepted run is final (or `timeoutMs` passes), then audits the queue: what
 * the database says happened to every task, from the events table as well as the task rows.
 */
export async function awaitOutcome(db: Database, acceptedRunIds: string[], timeoutMs = 120_000): Promise<WorkOutcome> {
  const deadline = Date.now() + timeoutMs;
  let unfinished = acceptedRunIds;
  while (Date.now() < deadline) {
    const result = await db.query<{ id: string }>("SELECT id FROM runs WHERE id = ANY ($1::uuid[]) AND status NOT IN ('succeeded', 'failed', 'cancelled')", [acceptedRunIds]);
    unfinished = result.rows.map((row) => row.id);
    if (unfinished.length === 0) break;
    await sleep(250);
  }
  const present = await db.query<{ id: string }>('SELECT id FROM runs WHERE id = ANY ($1::uuid[])', [acceptedRunIds]);
  const missing = acceptedRunIds.length - present.rows.length;
  const audit = await auditQueue(db);
  const accepted = new Set(acceptedRunIds);
  const tasks = audit.tasks.filter((task) => accepted.has(task.run_id));
  return {
    tasks: tasks.length + missing,
    tasksLost: missing + tasks.filter((task) => task.status !== 'done').length,
    tasksCompletedTwice: tasks.filter((task) => task.completed_events > 1).length,
    unfinishedRuns: unfinished,
    sequenceGaps: audit.runsWithSequenceGaps,
  };
}
