import type { RunDescription } from '../orchestrator/run-summary.js';

/**
 * One line of live progress: tasks done per phase, what is running, what waits for a reviewer or
 * a person (a question, a gated phase not yet approved), and the cost so far.
 */
export function progressLine(run: RunDescription): string {
  const phases = run.phases.map((phase) => `${phase.key} ${(phase.counts.done ?? 0)}/${phase.total}`).join('  ');
  const running = run.tasks.running ?? 0;
  const gated = run.phases.filter((phase) => phase.approval && phase.approval.approved_at === null && (phase.counts.queued ?? 0) > 0).map((phase) => phase.key);
  const waiting = [
    run.tasks.in_review ? `in review ${run.tasks.in_review}` : '',
    run.tasks.waiting_human ? `asking a person ${run.tasks.waiting_human}` : '',
    gated.length > 0 ? `awaiting approval: ${gated.join(', ')}` : '',
  ].filter(Boolean);
  return `[${run.status}] ${phases}  running ${running}${waiting.map((part) => `  ${part}`).join('')}  $${run.cost_usd.toFixed(4)}${run.simulated ? '  (simulated)' : ''}`;
}

/** The closing table: one row per phase, then totals. */
export function summaryTable(run: RunDescription): string {
  const header = ['phase', 'total', 'done', 'failed', 'cancelled'];
  const rows = run.phases.map((phase) => [phase.key, phase.total, phase.counts.done ?? 0, phase.counts.failed ?? 0, phase.counts.cancelled ?? 0].map(String));
  rows.push(['all', run.tasks.total, run.tasks.done ?? 0, run.tasks.failed ?? 0, run.tasks.cancelled ?? 0].map(String));
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const format = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...rows.map(format),
    '',
    `run ${run.id}: ${run.status}${run.status_reason ? ` (${run.status_reason})` : ''}`,
    `tokens: ${run.tokens.input} in, ${run.tokens.output} out   cost: $${run.cost_usd.toFixed(6)}${run.simulated ? '   model: SIMULATED (no LLM key configured)' : ''}`,
  ].join('\n');
}

export function runJson(run: RunDescription) {
  const phases: Record<string, { total: number; done: number; failed: number }> = {};
  for (const phase of run.phases) phases[phase.key] = { total: phase.total, done: phase.counts.done ?? 0, failed: phase.counts.failed ?? 0 };
  return {
    run_id: run.id,
    status: run.status,
    tasks: { total: run.tasks.total, done: run.tasks.done ?? 0, failed: run.tasks.failed ?? 0 },
    phases,
    tokens: run.tokens,
    cost_usd: run.cost_usd,
    simulated: run.simulated,
  };
}
