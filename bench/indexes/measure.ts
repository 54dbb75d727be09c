import type { Database, Queryable } from '../../src/store/database.js';
import { executionTimeMs } from './plan.js';

export interface Timing {
  medianMs: number;
  p95Ms: number;
  /** Median server-side execution time (EXPLAIN ANALYZE) of a few executions: no round trip. */
  serverMs: number;
  samples: number;
  /** A digest of the first execution's rows, to check that both plans return the same answer. */
  answer: string;
}

export interface MeasureOptions {
  warmup: number;
  /** Stop after this many timed executions… */
  maxSamples: number;
  /** …or once this much time has gone by, but never before `minSamples`. */
  budgetMs: number;
  minSamples: number;
}

/** Rolls a measured UPDATE back, so the claim can be timed again and again on the same queue. */
class Rollback extends Error {}

async function rolledBack<T>(db: Database, work: (transaction: Queryable) => Promise<T>): Promise<T> {
  let outcome: { value: T } | undefined;
  await db
    .transaction(async (transaction) => {
      outcome = { value: await work(transaction) };
      throw new Rollback();
    })
    .catch((error: unknown) => {
      if (!(error instanceof Rollback)) throw error;
    });
  if (!outcome) throw new Error('measured statement did not run');
  return outcome.value;
}

const serverRuns = 5;

/**
 * Times one statement per execution, client-side (what the application waits for, round trip
 * included). `params(i)` varies the arguments across executions the same way with and without
 * the index. With `rollback`, each execution runs in its own transaction that is rolled back.
 */
export async function measure(
  db: Database,
  sql: string,
  params: (iteration: number) => readonly unknown[],
  { warmup, maxSamples, budgetMs, minSamples }: MeasureOptions,
  rollback = false,
): Promise<Timing> {
  const timed = async (target: Queryable, iteration: number): Promise<{ ms: number; rows: unknown[] }> => {
    const started = performance.now();
    const result = await target.query(sql, params(iteration));
    return { ms: performance.now() - started, rows: result.rows };
  };
  const once = (iteration: number) => (rollback ? rolledBack(db, (transaction) => timed(transaction, iteration)) : timed(db, iteration));
  const server = (iteration: number) =>
    rollback ? rolledBack(db, (transaction) => executionTimeMs(transaction, sql, params(iteration))) : executionTimeMs(db, sql, params(iteration));

  const first = await once(0);
  for (let i = 1; i < warmup; i += 1) await once(i);
  const samples: number[] = [];
  const started = performance.now();
  while (samples.length < maxSamples && (samples.length < minSamples || performance.now() - started < budgetMs)) {
    samples.push((await once(samples.length)).ms);
  }
  samples.sort((a, b) => a - b);
  const serverSamples: number[] = [];
  for (let i = 0; i < serverRuns; i += 1) serverSamples.push(await server(i));
  serverSamples.sort((a, b) => a - b);
  return {
    medianMs: percentile(samples, 0.5),
    p95Ms: percentile(samples, 0.95),
    serverMs: percentile(serverSamples, 0.5),
    samples: samples.length,
    answer: digest(first.rows),
  };
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: number[], fraction: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

// Volatile columns (timestamps set by now(), the claimed task's lease) differ between executions
// by design; the ids, sequence numbers and sums are what must agree.
const volatileColumns = new Set(['lease_until', 'updated_at', 'started_at', 'event_seq', 'notified_count']);

function digest(rows: unknown[]): string {
  return JSON.stringify(rows, (key, value: unknown) => (volatileColumns.has(key) ? undefined : typeof value === 'bigint' ? value.toString() : value));
}
