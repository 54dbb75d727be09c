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

/**
 * The machine's 1-minute load average as a benchmark finishes, and what it means for the figures:
 * on two cores, anything well above 2 means other work shared them.
 */
export function loadNote(): string {
  const load = loadavg()[0]!;
  const shared = load > cpus().length;
  return `Load average (1 min) when it finished: ${load.toFixed(1)}${shared ? ': the machine was shared with other work, so the absolute figures are inflated; compare the ratios within the run, and rerun on a quiet machine before quoting them' : ''}.`;
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
