import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { testConfig } from '../../src/config/index.js';
import { guardianReport } from '../../src/orchestrator/guardian/report.js';
import { startRun } from '../../src/orchestrator/runs.js';
import { registerWorkflow } from '../../src/orchestrator/workflows.js';
import { createRuntime } from '../../src/runtime.js';
import { machine, recordSection, table } from '../lib/report.js';

/**
 * What the guardian costs: the quick-start workflow run toward the same goals with the guardian
 * on (server defaults: a review every 3 steps) and off, on the simulated model. Reports, per run,
 * the guardian's reviews, tokens and dollars and its share of the run's, and what the guardian
 * adds to a run in total. One goal carries [drift], so the guardian also has work to do.
 *
 * Prices: the simulated agent is priced like a large model ($2.50 / $10 per million input /
 * output tokens) and simulated/guardian like a small one ($0.15 / $0.60), the pairing the guardian
 * is meant for; the simulated model reports ~600 input and ~120 output tokens per call for both.
 *
 *   npm run bench -- guardian [--runs 6]
 */
const argument = (name: string, fallback: number) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
};
const runCount = argument('runs', 6);
const goals = Array.from({ length: runCount }, (_, index) => `goal ${index + 1}: add a streaming mode`);
// The first run's first task ("Analyze {component} for the goal") carries the drift marker.
const paramsOf = (index: number) => ({ component: index === 0 ? '[drift] the parser' : 'the parser' });
const prices = { 'simulated/agent': { input: 2.5, output: 10 }, 'simulated/guardian': { input: 0.15, output: 0.6 } };

interface Outcome {
  goal: string;
  status: string;
  tokens: number;
  costUsd: number;
  guardian: Awaited<ReturnType<typeof guardianReport>>['spend'];
}

async function runAll(guardianOn: boolean): Promise<{ outcomes: Outcome[]; seconds: number }> {
  const config = testConfig({ llm: { simulated: { failureRate: 0 } }, gateway: { cache: { enabled: false }, prices }, guardian: { enabled: guardianOn }, log: { level: 'silent' } });
  const runtime = await createRuntime(config);
  try {
    const definition = parse(await readFile('examples/quickstart.yaml', 'utf8'));
    await registerWorkflow(runtime.db, definition);
    const started = performance.now();
    const runs = [];
    for (const [index, goal] of goals.entries()) runs.push(await startRun(runtime.db, { workflow: 'quickstart', goal, params: paramsOf(index), simulated: true }));
    runtime.startWorker({ concurrency: 4 });
    const outcomes: Outcome[] = [];
    for (const [index, run] of runs.entries()) {
      let status = 'running';
      while (!['succeeded', 'failed', 'cancelled', 'paused'].includes(status)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        status = (await runtime.db.query<{ status: string }>('SELECT status FROM runs WHERE id = $1', [run.id])).rows[0]!.status;
      }
      const row = (await runtime.db.query<{ tokens_input: string; tokens_output: string; cost_usd: string }>('SELECT tokens_input, tokens_output, cost_usd FROM runs WHERE id = $1', [run.id])).rows[0]!;
      const report = await guardianReport(runtime.db, run.id);
      outcomes.push({ goal: goals[index]!, status, tokens: Number(row.tokens_input) + Number(row.tokens_output), costUsd: Number(row.cost_usd), guardian: report.spend });
    }
    return { outcomes, seconds: (performance.now() - started) / 1000 };
  } finally {
    await runtime.close();
  }
}

const on = await runAll(true);
const off = await runAll(false);
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const usd = (value: number) => `$${value.toFixed(5)}`;
const perRun = table(
  ['goal', 'status', 'run tokens', 'run cost', 'reviews', 'steered / stopped', 'guardian tokens', 'guardian cost', 'share of tokens', 'share of cost'],
  on.outcomes.map((outcome) => [
    on.outcomes.indexOf(outcome) === 0 ? `${outcome.goal} ([drift])` : outcome.goal,
    outcome.status,
    outcome.tokens,
    usd(outcome.costUsd),
    outcome.guardian.reviews,
    `${outcome.guardian.steers} / ${outcome.guardian.stops}`,
    outcome.guardian.tokens_input + outcome.guardian.tokens_output,
    usd(outcome.guardian.cost_usd),
    percent(outcome.guardian.share_of_run_tokens),
    percent(outcome.guardian.share_of_run_cost),
  ]),
);
const sum = (outcomes: Outcome[], pick: (outcome: Outcome) => number) => outcomes.reduce((total, outcome) => total + pick(outcome), 0);
const onTokens = sum(on.outcomes, (outcome) => outcome.tokens);
const onCost = sum(on.outcomes, (outcome) => outcome.costUsd);
const guardianTokens = sum(on.outcomes, (outcome) => outcome.guardian.tokens_input + outcome.guardian.tokens_output);
const guardianCost = sum(on.outcomes, (outcome) => outcome.guardian.cost_usd);
const offTokens = sum(off.outcomes, (outcome) => outcome.tokens);
const offCost = sum(off.outcomes, (outcome) => outcome.costUsd);
const totals = table(
  ['guardian', 'runs succeeded', 'tokens', 'cost', 'guardian tokens (share)', 'guardian cost (share)', 'guardian cost per run', 'wall time'],
  [
    ['on', `${on.outcomes.filter((outcome) => outcome.status === 'succeeded').length} / ${runCount}`, onTokens, usd(onCost), `${guardianTokens} (${percent(guardianTokens / onTokens)})`, `${usd(guardianCost)} (${percent(guardianCost / onCost)})`, usd(guardianCost / runCount), `${on.seconds.toFixed(1)} s`],
    ['off', `${off.outcomes.filter((outcome) => outcome.status === 'succeeded').length} / ${runCount}`, offTokens, usd(offCost), '—', '—', '—', `${off.seconds.toFixed(1)} s`],
  ],
);

recordSection(
  'guardian',
  `## Guardian: its share of a run's tokens and dollars

\`npm run bench -- guardian --runs ${runCount}\` — ${machine()}.

Workload: the quick-start workflow (examples/quickstart.yaml) run toward ${runCount} goals at once by one
worker (4 slots) on embedded PGlite, first with the guardian on (server defaults: a review every 3
steps or 60 s, the last 8 steps shown) and then off; the simulated model plays agents and
guardian, no failures injected, gateway cache off so every review is paid. The first run's first
task carries [drift]: its agent wanders off-topic until the guardian steers it back. Prices: the agent as
a large model ($2.50 / $10 per million input / output tokens), simulated/guardian as a small one
($0.15 / $0.60); both report about 600 input and 120 output tokens per call, so the token share is
the share of calls, and a real guardian prompt (a JSON transcript of up to 8 steps) is larger than
an agent step's new messages but sent only every third step.

Per run, guardian on:

${perRun}

All runs:

${totals}

With a review every 3 steps (none after the step that ends a task) the guardian made one review for
every ${(sum(on.outcomes, (outcome) => outcome.tokens) / Math.max(1, guardianTokens) - 1).toFixed(1)} agent steps, ${percent(guardianTokens / onTokens)} of the runs' tokens; priced as a small
model next to a large one, that is ${percent(guardianCost / onCost)} of their dollars. Without it the drifting run ${off.outcomes[0]!.status === 'succeeded' ? 'still succeeds' : `ends ${off.outcomes[0]!.status}: its agent wanders until the step cap and the task fails without a retry`}.
The shares move by a few tenths of a percent between runs (claim order changes which duplicate
proposals meet an existing task). The wall times were taken on a shared, loaded machine and should
be rerun on a quiet one; part of the gap is real, since a review holds its session at the step
boundary for one model call and two statements.`,
);
