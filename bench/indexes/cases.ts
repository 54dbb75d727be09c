import type { Queryable } from '../../src/store/database.js';
import { eventsAfterSql, spendByModelSql, spendByRunSql } from '../../src/store/analytics-queries.js';
import { claimTaskSql } from '../../src/store/queue/claim.js';
import { boardPageSql } from '../../src/store/tasks-board.js';
import { models, type WorkloadOptions } from './workload.js';

/** One query as the application sends it, and the index that is meant to serve it. */
export interface IndexCase {
  name: string;
  table: string;
  /** The index under test, dropped for the "without" measurement. */
  index: string;
  /** Further indexes dropped with it (to show what any index at all buys). */
  alsoDrop?: string[];
  sql: string;
  params: (iteration: number) => readonly unknown[];
  /** An UPDATE: each execution is rolled back. */
  rollback?: boolean;
  /** Statements run before the case (an index proposed rather than migrated) and after it. */
  setup?: string[];
  teardown?: string[];
}

/** The run id of run number n, as workload.ts derives it in SQL (md5 of 'run' || n). */
async function runIds(db: Queryable, runs: number): Promise<string[]> {
  const result = await db.query<{ id: string }>(`SELECT md5('run' || n)::uuid::text AS id FROM generate_series(1, ${runs}) AS n ORDER BY n`);
  return result.rows.map((row) => row.id);
}

export async function indexCases(db: Queryable, workload: WorkloadOptions): Promise<IndexCase[]> {
  const ids = await runIds(db, workload.runs);
  // Spread executions over many runs (a stride coprime with any run count we use), the same
  // sequence with and without the index, so neither side measures one hot run.
  const run = (iteration: number): string => ids[(iteration * 37 + 11) % ids.length] ?? '';
  const day = 24 * 3600 * 1000;
  const now = Date.now();
  const boardTail = [null, null, null, null, 50];
  const board = (status: string | null): IndexCase['params'] => (i) => [run(i), 'build', status, ...boardTail];
  return [
    {
      name: 'claim (next queued task)',
      table: 'tasks',
      index: 'tasks_claim_idx',
      sql: claimTaskSql,
      params: () => ['bench-worker', 60],
      rollback: true,
    },
    {
      name: 'board (run, phase)',
      table: 'tasks',
      index: 'tasks_board_idx',
      sql: boardPageSql,
      params: board(null),
    },
    {
      name: 'board (run, phase, status)',
      table: 'tasks',
      index: 'tasks_board_idx',
      sql: boardPageSql,
      params: board('queued'),
    },
    {
      name: 'board (run, phase), no run index at all',
      table: 'tasks',
      index: 'tasks_board_idx',
      alsoDrop: ['tasks_run_id_phase_dedupe_key_key'],
      sql: boardPageSql,
      params: board(null),
    },
    {
      name: 'board (run, phase, status), no run index at all',
      table: 'tasks',
      index: 'tasks_board_idx',
      alsoDrop: ['tasks_run_id_phase_dedupe_key_key'],
      sql: boardPageSql,
      params: board('queued'),
    },
    {
      name: 'ledger: spend by run per hour',
      table: 'llm_calls',
      index: 'llm_calls_run_idx',
      sql: spendByRunSql,
      params: (i) => [run(i), new Date(now - 40 * day)],
    },
    {
      name: 'ledger: spend by model per day, 7 days',
      table: 'llm_calls',
      index: 'llm_calls_model_idx',
      sql: spendByModelSql,
      params: (i) => [models[i % models.length], new Date(now - 9 * day), new Date(now - 2 * day)],
    },
    {
      // Proposed, not migrated: the same index carrying the columns the aggregate reads, against
      // the migrated (model, created_at) index. An index-only scan needs the visibility map, which
      // autovacuum keeps set on an insert-only table; VACUUM stands in for it here.
      name: 'ledger: spend by model per day, 7 days, covering index against the migrated one',
      table: 'llm_calls',
      index: 'llm_calls_model_covering_idx',
      setup: ['CREATE INDEX llm_calls_model_covering_idx ON llm_calls (model, created_at) INCLUDE (tokens_input, tokens_output, cost_usd, saved_usd)', 'VACUUM llm_calls'],
      teardown: ['DROP INDEX IF EXISTS llm_calls_model_covering_idx'],
      sql: spendByModelSql,
      params: (i) => [models[i % models.length], new Date(now - 9 * day), new Date(now - 2 * day)],
    },
    {
      name: 'event stream (100 after seq)',
      table: 'events',
      index: 'events_pkey',
      sql: eventsAfterSql,
      params: (i) => [run(i), (i * 97) % Math.max(1, workload.eventsPerRun - 100), 100],
    },
  ];
}
