import type { Database, Queryable } from '../../src/store/database.js';
import { runInProcessScenario } from './in-process.js';

/**
 * Which statements one task costs in the full pipeline, and why each is there. The worker runs
 * one slot on PGlite over a recording database; the statements between the third and the fourth
 * claim (a steady-state task: caches warm, nothing idle) are labelled by what they do.
 */
export interface TracedStatement {
  label: string;
  why: string;
  sql: string;
}

const known: { pattern: RegExp; label: string; why: string }[] = [
  { pattern: /OF t SKIP LOCKED/, label: 'claim', why: 'takes the task, counts the attempt, sets the lease, appends task.claimed (one statement)' },
  { pattern: /^SELECT \* FROM runs WHERE id = \$1/, label: 'find run', why: "the run's goal, params and workflow for the prompt" },
  { pattern: /^SELECT [^;]* FROM workflows/, label: 'find workflow', why: "the phase's instructions, tools, model and limits" },
  { pattern: /SET status = 'interrupted'/, label: 'find interrupted session', why: "claims a dead worker's session of this task so its steps can be replayed (resume)" },
  { pattern: /^SELECT \* FROM steps WHERE session_id/, label: 'steps of the interrupted session', why: 'the history to resume from (only after a crash)' },
  { pattern: /UPDATE tasks SET status = 'done'[\s\S]*INSERT INTO steps/, label: 'complete with the last step', why: "the step that called complete_task: fenced completion (frees the phase slot, unblocks dependents), the step, the session's row and outcome, the run's totals and their events, all or nothing" },
  { pattern: /FROM memories m, to_tsquery/, label: 'search memories', why: "the run's memories most relevant to the task, for the system prompt" },
  { pattern: /UPDATE tasks SET status = 'done'/, label: 'complete task', why: 'fenced completion, frees the phase slot, unblocks dependents, appends task.completed' },
  { pattern: /session_opened AS/, label: 'persist step', why: 'each step is durable (and its event appended) before the next starts; the first also writes the session row' },
  { pattern: /session_row AS/, label: 'finish session', why: "a session that did not complete its task: its outcome and usage, added to the run's totals" },
  { pattern: /task\(s\) failed/, label: 'settle run', why: 'ends the run when nothing is left to run (a no-op while tasks remain)' },
  { pattern: /INSERT INTO llm_calls/, label: 'ledger', why: 'LLM call ledger rows, written in batches (not per task)' },
  { pattern: /^SELECT r\.budget_usd/, label: 'budget', why: "the run's budget and spend, read once per run by the gateway" },
  { pattern: /^(BEGIN|COMMIT)/, label: 'transaction', why: 'transaction boundary' },
];

export function labelStatement(sql: string): { label: string; why: string } {
  const text = sql.trim();
  const match = known.find((entry) => entry.pattern.test(text));
  return match ? { label: match.label, why: match.why } : { label: text.replace(/\s+/g, ' ').slice(0, 60), why: '(not explained: read the trace)' };
}

export async function traceOneTask(): Promise<TracedStatement[]> {
  const recorded: string[] = [];
  const record = (queryable: Queryable): Queryable => ({
    query: (sql, params) => {
      recorded.push(sql);
      return queryable.query(sql, params);
    },
    script: (sql) => queryable.script(sql),
  });
  const wrap = (db: Database): Database =>
    new Proxy(db, {
      get(target, property, receiver) {
        if (property === 'query') return record(target).query;
        if (property === 'transaction') return <T>(work: (transaction: Queryable) => Promise<T>) => target.transaction((transaction) => work(record(transaction)));
        return Reflect.get(target, property, receiver);
      },
    });
  await runInProcessScenario({ mode: 'pipeline', concurrency: 1, tasks: 8, wrap });
  const claims = recorded.flatMap((sql, index) => (/OF t SKIP LOCKED/.test(sql) ? [index] : []));
  if (claims.length < 4) throw new Error(`expected at least 4 claims in the trace, found ${claims.length}: has the claim statement changed?`);
  // The benchmark's own drain checks are not the worker's.
  const task = recorded.slice(claims[2], claims[3]).filter((sql) => !sql.includes('AS open FROM tasks'));
  return task.map((sql) => ({ ...labelStatement(sql), sql: sql.trim().replace(/\s+/g, ' ').slice(0, 80) }));
}
