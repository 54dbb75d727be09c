import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

/** Prints a Markdown table to stdout and returns it. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.join(' | ')} |`)];
  const text = lines.join('\n');
  console.log(text);
  return text;
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/** The 1-minute load average as the benchmark process started, before its own work counted in it. */
const loadAtStart = loadavg()[0]!;

/**
 * The machine's 1-minute load average when the benchmark started, and what it means for the
 * figures: on two cores, anything above 2 means other work was running (or had just run).
 */
export function loadNote(): string {
  const shared = loadAtStart > cpus().length;
  return `Load average (1 min) when the benchmark started: ${loadAtStart.toFixed(1)}${shared ? ': other work was running or had just run, so the absolute figures may be inflated; compare the ratios within the run' : ''}.`;
}

/**
 * Replaces the section between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->` in
 * docs/benchmarks.md (appending it when absent), so each benchmark owns its own rows.
 */
export function recordSection(name: string, markdown: string, file = 'docs/benchmarks.md'): void {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  writeFileSync(file, pattern.test(current) ? current.replace(pattern, block) : `${current.trimEnd()}\n\n${block}\n`);
}
