/**
 * Queue benchmark: tasks per second through claim → agent session → complete with the simulated
 * model at zero latency, beside a bare claimTask + completeTask loop (the ceiling the queue
 * allows) measured in the same run; on PGlite in process, and on PostgreSQL with 1, 2 and 4
 * worker processes. Also the statements (round trips) per task, counted, and one task's
 * statements listed with why each is needed.
 *
 *   npm run bench -- queue                    (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)
 *   npm run bench -- queue --tasks 500 --rounds 1   (a smaller queue, for a smoke run)
 *   npm run bench -- queue --runs 1,8         (the queue as one run, then spread over 8 runs)
 *
 * Each figure is the median of `--rounds` rounds (default 3); within a round the bare loop and
 * the pipeline run back to back, so load from outside the benchmark hits both alike.
 */
import { parseArgs } from 'node:util';
import { machine, recordSection, table } from '../lib/report.js';
import { runInProcessScenario } from './in-process.js';
import { runProcessScenario, type ScenarioResult } from './processes.js';
import { traceOneTask } from './statement-trace.js';

const { values } = parseArgs({
  options: { tasks: { type: 'string', default: '2000' }, 'pglite-tasks': { type: 'string', default: '500' }, processes: { type: 'string', default: '1,2,4' }, concurrency: { type: 'string', default: '4' }, rounds: { type: 'string', default: '3' }, runs: { type: 'string', default: '1,8' } },
});
const rounds = Number(values.rounds);
// PGlite runs the database in this process's single thread: a smaller queue keeps it to seconds.
const pgliteTasks = Number(values['pglite-tasks']);
const tasks = Number(values.tasks);
const processCounts = values.processes.split(',').map(Number);
const concurrency = Number(values.concurrency);
const runCounts = values.runs.split(',').map(Number);
const baseUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

interface Row {
  database: string;
  runs: number;
  processes: number;
  pipeline: ScenarioResult;
  bare: ScenarioResult;
}

const fixed = (value: number, digits = 0) => value.toFixed(digits);

// Where the time goes, and what was changed: measured with \`node --cpu-prof\` on one worker and
// from the statement trace; it holds for the shape of the numbers, which vary with the machine.
const analysis = `Where the time goes. Every statement that appends an event takes the run's event counter (a row
lock held until its commit, so a run's events commit in seq order): one run's writes are serial, whatever
the number of workers. Spread over 8 runs, the bare loop of one process doubles. More worker processes
lower the rate in both shapes, because this machine has no core to spare: with one worker process,
PostgreSQL and the worker already keep both cores 80-90 % busy (the last column, every process on the
machine, from /proc/stat), and a second process only adds contention for them. The target of 2 workers at
1.5× one needs a machine where one worker leaves cores idle; here it is not met, and the last column says
why. The pipeline commits twice per task like the bare loop (claim; the step that calls complete_task,
which completes the task, persists the step and finishes the session in one statement) and sends nothing
else per task while its run has queued work (with 8 runs a slot's next task is often of another run, so
it settles the previous run: the 2.1). What separates the two is the worker's own CPU (the AI SDK tool
loop, the gateway, JSON, the pg driver: the CPU column), which competes with PostgreSQL for the same two
cores. With the database stubbed out (every statement answered in memory, same worker, 4 slots) the
pipeline's CPU floor was 0.79 ms per task (measured by hand; about a third of it garbage collection, a
tenth the AI SDK's validation of messages). Tried by hand and not kept: without the statements'
pg_notify (PostgreSQL serialises the commits of every transaction that sends NOTIFY, cluster-wide), the
bare loop on 8 runs rose about 14 % (415 → 476 tasks/s) and a second process still did not help.

What was changed (7 statements and 5 commits per task before, 2 and 2 now): the claim returns the run's
fields the prompt needs and whether the task's inbox holds messages, so neither is read per task; the
session row is written with the first step instead of before the first model call; the step that calls
complete_task completes the task, persists the step and finishes the session in one statement
(withEvents appends its four events with consecutive seqs, one NOTIFY); a worker slot whose next claim
returns a task of the same run skips settling the run (that claim saw, after the completion, a task of the
run not yet final, which the slot settles after in turn); the tools' input schemas are built once, so the
AI SDK keeps their JSON Schema instead of converting them on every call. Earlier: each worker keeps the
workflow versions it used, looks for an interrupted session only when the claim says the task was claimed
before, and searches memories for the prompt only in phases that offer search_memory. The claim and the
sweep lock tasks FOR NO KEY UPDATE (FOR UPDATE deadlocked a claim against a running session's foreign-key
check every 2-3 s here).`;

/** Runs both modes `rounds` times, alternating, and keeps the median measurement of each. */
async function measure(run: (mode: 'bare' | 'pipeline') => Promise<ScenarioResult>): Promise<{ bare: ScenarioResult; pipeline: ScenarioResult }> {
  const results: { bare: ScenarioResult; pipeline: ScenarioResult }[] = [];
  for (let round = 0; round < rounds; round++) results.push({ bare: await run('bare'), pipeline: await run('pipeline') });
  const median = <T extends 'bare' | 'pipeline'>(mode: T) => [...results].map((result) => result[mode]).sort((a, b) => a.tasksPerSecond - b.tasksPerSecond)[Math.floor(results.length / 2)]!;
  return { bare: median('bare'), pipeline: median('pipeline') };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  console.error(`PGlite in process, ${pgliteTasks} tasks …`);
  rows.push({ database: 'PGlite (in process)', runs: 1, processes: 1, ...(await measure((mode) => runInProcessScenario({ mode, concurrency, tasks: pgliteTasks }))) });
  for (const runs of runCounts) {
    for (const processes of processCounts) {
      console.error(`PostgreSQL, ${runs} run(s), ${processes} worker process(es), ${tasks} tasks …`);
      rows.push({ database: 'PostgreSQL', runs, processes, ...(await measure((mode) => runProcessScenario({ baseUrl, mode, processes, concurrency, tasks, runs }))) });
    }
  }
  const oneWorker = (runs: number) => rows.find((row) => row.database === 'PostgreSQL' && row.runs === runs && row.processes === 1);
  const results = table(
    ['database', 'runs', 'worker processes', 'bare loop tasks/s', 'pipeline tasks/s', 'pipeline ÷ bare', 'pipeline ÷ 1 process', 'statements/task (pipeline)', 'statements/task (bare)', 'worker CPU ms/task (pipeline)', 'machine CPU busy (bare / pipeline)'],
    rows.map((row) => [
      row.database,
      row.runs,
      row.processes,
      fixed(row.bare.tasksPerSecond),
      fixed(row.pipeline.tasksPerSecond),
      `${fixed((row.pipeline.tasksPerSecond / row.bare.tasksPerSecond) * 100)} %`,
      row.database === 'PostgreSQL' && oneWorker(row.runs) ? `${fixed(row.pipeline.tasksPerSecond / oneWorker(row.runs)!.pipeline.tasksPerSecond, 2)}×` : '—',
      fixed(row.pipeline.statementsPerTask, 1),
      fixed(row.bare.statementsPerTask, 1),
      fixed(row.pipeline.cpuMsPerTask, 2),
      row.bare.machineBusy === undefined || row.pipeline.machineBusy === undefined ? '—' : `${fixed(row.bare.machineBusy * 100)} % / ${fixed(row.pipeline.machineBusy * 100)} %`,
    ]),
  );
  console.error('tracing the statements of one task …');
  const trace = await traceOneTask();
  const traceTable = table(
    ['#', 'statement', 'why it is needed'],
    trace.map((statement, index) => [index + 1, statement.label, statement.why]),
  );
  recordSection(
    'queue',
    [
      '## Queue throughput: claim → agent → complete',
      '',
      `Command: \`npm run bench -- queue\` (\`--tasks ${tasks}\`, \`--concurrency ${concurrency}\`, \`--rounds ${rounds}\`, \`--runs ${values.runs}\`; PostgreSQL from \`DATABASE_URL\`). Each figure is the median of ${rounds} rounds; bare loop and pipeline alternate.`,
      `Machine: ${machine()}; PostgreSQL on the same machine, so worker processes and the server share its cores.`,
      '',
      `Workload: ${tasks} queued, independent tasks (${pgliteTasks} on PGlite, one run) of a one-phase workflow whose agent is offered only`,
      'complete_task, so each task is one model call on the simulated model (latency 0, failure rate 0).',
      `The pipeline is the real worker (${concurrency} slots per process: claim, agent session, settle the run); the bare loop is`,
      `claimTask + completeTask in ${concurrency} loops per process, the ceiling the queue's SQL allows. Worker processes connect first`,
      'and start together; the rate is counted from the task rows (first claim to last completion). Statements per task',
      'include everything a worker sent while the queue drained (idle polls, heartbeats, sweeps), divided by the tasks done.',
      `On PostgreSQL the tasks are held by one run, then spread evenly over ${runCounts.filter((count) => count > 1).join(', ') || 'several'} runs (the runs column):`,
      'every write to a run takes the run\'s row lock until it commits, so one run\'s writes are serial however many',
      'workers there are, while different runs\' writes are not. On a machine shared with other work the rates move',
      'between runs of the benchmark; compare the ratios within one run.',
      '',
      results,
      '',
      'The statements of one steady-state task in the pipeline (recorded on PGlite, one slot):',
      '',
      traceTable,
      '',
      analysis,
    ].join('\n'),
  );
}

await main();
