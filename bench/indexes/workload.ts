import type { Queryable } from '../../src/store/database.js';

/**
 * A large, realistic-looking store generated set-based (`INSERT … SELECT … FROM generate_series`)
 * so a million rows take seconds, not minutes. Everything is a pure function of the series
 * numbers (hashint4, md5), so two runs of the benchmark see the same data.
 *
 * - runs: `runs`, one every 30 days / runs, each active for 2–24 hours; every 20th is paused.
 * - run_phases: plan, build, review, ship; build and review have concurrency limits.
 * - tasks: `tasksPerRun` per run; 1% queued, 0.5% running, 1% blocked, 0.2% waiting_human,
 *   5% failed, 2% cancelled, the rest done; priorities −10..10; 5% of queued tasks are backing off
 *   (available later).
 * - llm_calls: `callsPerRun` per run over its active window, 8 models; 2% unpriced (cost null).
 * - events: `eventsPerRun` per run, seq 1..n. Ledger and event rows are inserted in time order,
 *   as an append-only table fills, so one run's rows interleave with those of concurrent runs.
 */
export interface WorkloadOptions {
  runs: number;
  tasksPerRun: number;
  callsPerRun: number;
  eventsPerRun: number;
}

export const phases = ['plan', 'build', 'review', 'ship'] as const;
export const models = ['claude-sonnet-4', 'claude-haiku-4', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-4o-mini', 'o4-mini', 'llama-3.1-70b', 'qwen-2.5-coder'] as const;
export const workflowId = '00000000-0000-4000-8000-000000000001';

/** The run id of run number `n` (1-based), the same one the SQL below derives. */
export const runIdSql = (n: string): string => `md5('run' || ${n})::uuid`;

/** A uniform pseudo-random integer in [0, modulus) derived from an integer expression. */
const hash = (expression: string, salt: number, modulus: number): string =>
  `((hashint8((${expression})::bigint * 7919 + ${salt}) & 2147483647) % ${modulus})`;

// Runs start evenly over 31 days and end before now.
const runStart = (n: string, runs: number): string => `(now() - interval '32 days' + (${n} - 1) * interval '31 days' / ${runs})`;
const runHours = (n: string): string => `(2 + ${hash(n, 1, 23)})`;

export function workloadStatements({ runs, tasksPerRun, callsPerRun, eventsPerRun }: WorkloadOptions): { label: string; sql: string }[] {
  const modelArray = `ARRAY[${models.map((model) => `'${model}'`).join(', ')}]`;
  const phaseArray = `ARRAY[${phases.map((phase) => `'${phase}'`).join(', ')}]`;
  const taskNumber = `(r * ${tasksPerRun} + k)`;
  const statusRoll = hash(taskNumber, 2, 1000);
  return [
    {
      label: 'workflow',
      sql: `INSERT INTO workflows (id, name, version, definition, checksum) VALUES ('${workflowId}', 'bench', 1, '{}', 'bench')`,
    },
    {
      label: 'runs',
      sql: `INSERT INTO runs (id, workflow_id, goal, status, created_at, started_at, updated_at, event_seq)
        SELECT ${runIdSql('r')}, '${workflowId}', 'benchmark run ' || r, CASE WHEN r % 20 = 0 THEN 'paused' ELSE 'running' END,
          ${runStart('r', runs)}, ${runStart('r', runs)}, now(), ${eventsPerRun}
        FROM generate_series(1, ${runs}) AS r`,
    },
    {
      label: 'run_phases',
      sql: `INSERT INTO run_phases (run_id, phase, position, max_concurrency, running)
        SELECT ${runIdSql('r')}, (${phaseArray})[p + 1], p, CASE p WHEN 1 THEN 4 WHEN 2 THEN 2 END, CASE WHEN p IN (1, 2) THEN 1 ELSE 0 END
        FROM generate_series(1, ${runs}) AS r, generate_series(0, 3) AS p`,
    },
    {
      label: 'tasks',
      sql: `INSERT INTO tasks (run_id, phase, title, description, status, priority, dedupe_key, attempt,
          available_at, lease_until, worker_id, result, error, created_at, updated_at, started_at, finished_at)
        SELECT ${runIdSql('r')}, (${phaseArray})[1 + (CASE WHEN roll.phase < 2 THEN 0 WHEN roll.phase < 7 THEN 1 WHEN roll.phase < 9 THEN 2 ELSE 3 END)],
          'Task ' || k, repeat(md5(${taskNumber}::text), 3), status.value, ${hash(taskNumber, 3, 21)} - 10, 'task-' || k,
          CASE WHEN status.value = 'queued' THEN 0 ELSE 1 END,
          CASE WHEN status.value = 'queued' AND ${hash(taskNumber, 4, 20)} = 0 THEN now() + interval '10 minutes' ELSE created.at END,
          CASE WHEN status.value = 'running' THEN now() + interval '5 minutes' END,
          CASE WHEN status.value = 'running' THEN 'worker-' || (r % 8) END,
          CASE WHEN status.value = 'done' THEN jsonb_build_object('summary', 'done ' || md5(${taskNumber}::text)) END,
          CASE WHEN status.value = 'failed' THEN 'failed after 3 attempts' END,
          created.at, created.at, CASE WHEN status.value <> 'queued' THEN created.at END,
          CASE WHEN status.value IN ('done', 'failed', 'cancelled') THEN created.at + interval '1 minute' END
        FROM generate_series(1, ${runs}) AS r, generate_series(1, ${tasksPerRun}) AS k,
          LATERAL (SELECT ${hash(taskNumber, 5, 10)} AS phase) AS roll,
          LATERAL (SELECT ${runStart('r', runs)} + k * ${runHours('r')} * interval '1 hour' / ${tasksPerRun} AS at) AS created,
          LATERAL (SELECT CASE WHEN ${statusRoll} < 10 THEN 'queued' WHEN ${statusRoll} < 15 THEN 'running'
            WHEN ${statusRoll} < 25 THEN 'blocked' WHEN ${statusRoll} < 27 THEN 'waiting_human' WHEN ${statusRoll} < 77 THEN 'failed'
            WHEN ${statusRoll} < 97 THEN 'cancelled' ELSE 'done' END AS value) AS status`,
    },
    {
      label: 'llm_calls',
      sql: `INSERT INTO llm_calls (run_id, tenant, provider, model, kind, tokens_input, tokens_output, tokens_cache_read,
          cost_usd, saved_usd, cache_hit, latency_ms, created_at)
        SELECT ${runIdSql('r')}, 'local', CASE WHEN m.name LIKE 'claude%' THEN 'anthropic' WHEN m.name LIKE 'llama%' OR m.name LIKE 'qwen%' THEN 'local' ELSE 'openai' END,
          m.name, 'agent_step', 500 + ${hash('r * 100003 + c', 7, 8000)}, 50 + ${hash('r * 100003 + c', 8, 1500)}, ${hash('r * 100003 + c', 9, 4000)},
          CASE WHEN ${hash('r * 100003 + c', 10, 50)} = 0 THEN NULL ELSE round(${hash('r * 100003 + c', 11, 100000)} / 1000000.0, 6) END,
          0, false, 200 + ${hash('r * 100003 + c', 12, 5000)},
          ${runStart('r', runs)} + c * ${runHours('r')} * interval '1 hour' / ${callsPerRun}
        FROM generate_series(1, ${runs}) AS r, generate_series(1, ${callsPerRun}) AS c,
          LATERAL (SELECT (${modelArray})[1 + ${hash('r * 100003 + c', 6, models.length)}] AS name) AS m
        ORDER BY 13`,
    },
    {
      label: 'events',
      sql: `INSERT INTO events (run_id, seq, type, task_id, payload, created_at)
        SELECT ${runIdSql('r')}, s, (ARRAY['task.created', 'task.claimed', 'session.step', 'task.completed'])[1 + s % 4], NULL,
          jsonb_build_object('step', s, 'note', md5((r * 100003 + s)::text)),
          ${runStart('r', runs)} + s * ${runHours('r')} * interval '1 hour' / ${eventsPerRun}
        FROM generate_series(1, ${runs}) AS r, generate_series(1, ${eventsPerRun}) AS s
        ORDER BY 6`,
    },
  ];
}

/** Fills an empty, migrated database; calls `onStep` with each table's label and seconds. */
export async function generateWorkload(db: Queryable, options: WorkloadOptions, onStep?: (label: string, seconds: number) => void): Promise<void> {
  for (const { label, sql } of workloadStatements(options)) {
    const started = performance.now();
    await db.query(sql);
    onStep?.(label, (performance.now() - started) / 1000);
  }
  for (const table of ['runs', 'run_phases', 'tasks', 'llm_calls', 'events']) await db.query(`VACUUM ANALYZE ${table}`);
}
