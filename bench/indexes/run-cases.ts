import type { Database } from '../../src/store/database.js';
import type { IndexCase } from './cases.js';
import { dropIndexTemporarily } from './drop-index.js';
import { measure, type MeasureOptions, type Timing } from './measure.js';
import { explain, indexesUsed, scansOf } from './plan.js';

export interface CaseResult {
  indexCase: IndexCase;
  with: Timing;
  without: Timing;
  planWith: string;
  planWithout: string;
  indexUsed: boolean;
  sameAnswer: boolean;
}

// The indexed side is fast, so it gets many samples; the table-scan side gets what fits in a
// time budget, never fewer than five.
const withIndex: MeasureOptions = { warmup: 5, maxSamples: 50, budgetMs: 60_000, minSamples: 50 };
const withoutIndex: MeasureOptions = { warmup: 1, maxSamples: 50, budgetMs: 8_000, minSamples: 5 };

async function planSummary(db: Database, indexCase: IndexCase): Promise<{ text: string; indexes: string[] }> {
  const plan = await explain(db, indexCase.sql, indexCase.params(0));
  const scans = scansOf(plan, indexCase.table);
  return { text: scans.length > 0 ? [...new Set(scans)].join(', ') : '—', indexes: indexesUsed(plan) };
}

export async function runCase(db: Database, indexCase: IndexCase, log: (line: string) => void): Promise<CaseResult> {
  for (const statement of indexCase.setup ?? []) await db.query(statement);
  try {
    return await measureCase(db, indexCase, log);
  } finally {
    for (const statement of indexCase.teardown ?? []) await db.query(statement);
  }
}

async function measureCase(db: Database, indexCase: IndexCase, log: (line: string) => void): Promise<CaseResult> {
  const analyze = () => db.query(`ANALYZE ${indexCase.table}`);
  const planWith = await planSummary(db, indexCase);
  const timedWith = await measure(db, indexCase.sql, indexCase.params, withIndex, indexCase.rollback);
  log(`  ${indexCase.name}: with ${indexCase.index} median ${timedWith.medianMs.toFixed(3)} ms (${planWith.text})`);

  const restores: (() => Promise<void>)[] = [];
  let planWithout: { text: string; indexes: string[] };
  let timedWithout: Timing;
  try {
    for (const name of [indexCase.index, ...(indexCase.alsoDrop ?? [])]) restores.push(await dropIndexTemporarily(db, name));
    await analyze();
    planWithout = await planSummary(db, indexCase);
    timedWithout = await measure(db, indexCase.sql, indexCase.params, withoutIndex, indexCase.rollback);
  } finally {
    for (const restore of restores.reverse()) await restore();
    await analyze();
  }
  log(`  ${indexCase.name}: without median ${timedWithout.medianMs.toFixed(3)} ms (${planWithout.text})`);
  return {
    indexCase,
    with: timedWith,
    without: timedWithout,
    planWith: planWith.text,
    planWithout: planWithout.text,
    indexUsed: planWith.indexes.includes(indexCase.index),
    sameAnswer: timedWith.answer === timedWithout.answer,
  };
}
