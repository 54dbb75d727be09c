/**
 * `anvil costs [--run ID] [--since DATE] [--until DATE] [--json]`: the LLM ledger report (spend,
 * tokens and calls by run, model, kind and day; cache hit rate, calls avoided, dollars saved),
 * read straight from the database like GET /api/v1/costs. With the embedded database, stop
 * `anvil serve` first (one process holds the folder) or call the API.
 */
import type { Command } from 'commander';
import { costReport, parseReportDate, type CostReport, type CostSummary } from '../llm/index.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open.js';
import { configFrom, runCommand } from './context.js';

export function registerCostsCommand(program: Command): void {
  program
    .command('costs')
    .description('LLM spend, tokens and calls by run, model, kind and day; cache hit rate and dollars saved')
    .option('--run <id>', 'only this run')
    .option('--since <date>', 'from this date (YYYY-MM-DD or ISO time); default 30 days ago')
    .option('--until <date>', 'before this date')
    .option('--json', 'print the report as JSON')
    .action((options: { run?: string; since?: string; until?: string; json?: boolean }) =>
      runCommand(async () => {
        const since = options.since ? parseReportDate(options.since, '--since') : new Date(Date.now() - 30 * 86_400_000);
        const until = options.until ? parseReportDate(options.until, '--until') : undefined;
        const config = configFrom(program);
        const db = await openDatabase(config.database, 'cli');
        let report: CostReport;
        try {
          await migrate(db);
          report = await costReport(db, { runId: options.run, since, until });
        } finally {
          await db.close();
        }
        process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
      }),
    );
}

const money = (value: number) => `$${value.toFixed(6)}`;

function table(title: string, label: string, rows: (CostSummary & { key: string })[]): string {
  if (rows.length === 0) return '';
  const lines = rows.map((row) => [row.key, String(row.calls), String(row.tokens_input), String(row.tokens_output), money(row.cost_usd), `${(row.cache_hit_rate * 100).toFixed(1)}%`, money(row.saved_usd), String(row.unpriced_calls)]);
  const header = [label, 'calls', 'tokens in', 'tokens out', 'cost', 'cache hits', 'saved', 'unpriced'];
  const widths = header.map((name, column) => Math.max(name.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return `\n${title}\n${format(header)}\n${lines.map(format).join('\n')}\n`;
}

export function formatReport(report: CostReport): string {
  const t = report.totals;
  const head =
    `LLM costs since ${report.since.slice(0, 10)}${report.until ? ` until ${report.until.slice(0, 10)}` : ''}${report.run ? ` for run ${report.run}` : ''}\n` +
    `calls ${t.calls} (${t.errors} failed, ${t.unpriced_calls} unpriced)   tokens ${t.tokens_input} in, ${t.tokens_output} out   cost ${money(t.cost_usd)}\n` +
    `cache: ${(t.cache_hit_rate * 100).toFixed(1)}% hits, ${t.calls_avoided} calls avoided, ${money(t.saved_usd)} saved\n`;
  return (
    head +
    table('by model', 'model', report.by_model.map((row) => ({ ...row, key: row.model }))) +
    table('by kind', 'kind', report.by_kind.map((row) => ({ ...row, key: row.kind ?? '-' }))) +
    table('by day', 'day', report.by_day.map((row) => ({ ...row, key: row.day }))) +
    (report.run ? '' : table('by run (top 20 by cost)', 'run', report.by_run.slice(0, 20).map((row) => ({ ...row, key: row.run ?? '(no run)' }))))
  );
}
