import { execFile } from 'node:child_process';

/**
 * What every audit check returns. Severities follow npm audit's scale; the audit fails on
 * `high` and above, a threshold that is fixed, not a setting: a finding is accepted only by
 * an exception that names it, gives a reason and expires (exceptions.ts).
 */
export type Severity = 'info' | 'low' | 'moderate' | 'high' | 'critical';

export const severityRank: Record<Severity, number> = { info: 0, low: 1, moderate: 2, high: 3, critical: 4 };
export const failingSeverity: Severity = 'high';

export interface Finding {
  /** Stable id, the handle an exception names: `npm:<package>`, `eslint:<rule>:<file>:<line>`, `config:<check>:<setting>`. */
  id: string;
  severity: Severity;
  title: string;
  /** A file and line, a package, or a setting. */
  location?: string;
}

export interface CheckResult {
  check: string;
  /** The command or rule set run, for the report. */
  ran: string;
  findings: Finding[];
  /** Set when the tool itself could not run: counts as a high finding. */
  error?: string;
}

export interface ToolOutput {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a tool and returns its output whatever its exit code (audit tools exit non-zero on findings). */
export function runTool(command: string, args: readonly string[], cwd: string): Promise<ToolOutput> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** The last non-empty lines of a tool's error output, for a report. */
export function tail(text: string, lines = 5): string {
  return text.trim().split('\n').slice(-lines).join('\n');
}
