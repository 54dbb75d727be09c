/**
 * `anvil runs guardian RUN [--task ID] [--json]`: the guardian's verdicts in a run and what it
 * spent there, read straight from the database like GET /api/v1/runs/:id/guardian. With the
 * embedded database, stop `anvil serve` first (one process holds the folder) or call the API.
 */
import type { Command } from 'commander';
import { guardianReport, type GuardianReport } from '../orchestrator/guardian/report.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open.js';
import { configFrom, runCommand } from './context.js';

export function registerRunGuardianCommand(program: Command): void {
  // A sub-command of the `runs` group that run.ts creates (registered before this one).
  const runs = program.commands.find((command) => command.name() === 'runs') ?? program.command('runs').description('Manage runs');
  runs
    .command('guardian')
    .description("The guardian's verdicts in a run (verdict, score, reason, action) and its spend: tokens, dollars, share of the run")
    .argument('<run>', 'run id')
    .option('--task <id>', "only this task's verdicts")
    .option('--json', 'print the report as JSON')
    .action((runId: string, options: { task?: string; json?: boolean }) =>
      runCommand(async () => {
        const db = await openDatabase(configFrom(program).database, 'cli');
        let report: GuardianReport;
        try {
          await migrate(db);
          report = await guardianReport(db, runId, { taskId: options.task });
        } finally {
          await db.close();
        }
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatGuardianReport(report));
      }),
    );
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export function formatGuardianReport(report: GuardianReport): string {
  const { spend } = report;
  const head =
    `Guardian of run ${report.run_id}\n` +
    `reviews ${spend.reviews} (${spend.steers} steered, ${spend.stops} stopped)   tokens ${spend.tokens_input} in, ${spend.tokens_output} out   ` +
    `cost $${spend.cost_usd.toFixed(6)}${spend.unpriced_reviews > 0 ? ` (+${spend.unpriced_reviews} unpriced)` : ''}\n` +
    `share of the run: ${percent(spend.share_of_run_tokens)} of tokens, ${percent(spend.share_of_run_cost)} of dollars\n`;
  if (report.verdicts.length === 0) return `${head}\nno verdicts yet\n`;
  const lines = report.verdicts.map((verdict) => [verdict.created_at.slice(11, 19), verdict.task_id.slice(0, 8), String(verdict.steps_seen), verdict.verdict, verdict.score.toFixed(2), verdict.action, verdict.reason]);
  const header = ['time', 'task', 'steps', 'verdict', 'score', 'action', 'reason'];
  const widths = header.map((name, column) => Math.max(name.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ');
  return `${head}\n${format(header)}\n${lines.map(format).join('\n')}\n`;
}
