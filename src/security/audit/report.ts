import { severityRank, failingSeverity, type CheckResult, type Finding } from './finding.js';
import type { AuditException, ExceptionOutcome } from './exceptions.js';

export interface AuditReport {
  date: string;
  threshold: typeof failingSeverity;
  passed: boolean;
  checks: { check: string; ran: string; error?: string; findings: number }[];
  /** Findings at or above the threshold without a valid exception: these fail the audit. */
  failing: Finding[];
  /** Findings accepted by an exception. */
  excepted: (Finding & { exception: AuditException })[];
  /** Findings below the threshold. */
  belowThreshold: Finding[];
  staleExceptions: AuditException[];
}

/** A check whose tool could not run is a high finding (`tool-error:<check>`), so it cannot pass silently. */
export function toolErrorFindings(results: readonly CheckResult[]): Finding[] {
  return results
    .filter((result) => result.error)
    .map((result) => ({ id: `tool-error:${result.check}`, severity: 'high', title: `${result.check} could not run: ${result.error}` }));
}

export function buildReport(date: string, results: readonly CheckResult[], outcome: ExceptionOutcome): AuditReport {
  const all = [...outcome.findings, ...outcome.problems];
  const atThreshold = (finding: Finding) => severityRank[finding.severity] >= severityRank[failingSeverity];
  const excepted = all.filter((finding): finding is Finding & { exception: AuditException } => 'exception' in finding && finding.exception !== undefined);
  const failing = all.filter((finding) => atThreshold(finding) && !('exception' in finding && finding.exception));
  return {
    date,
    threshold: failingSeverity,
    passed: failing.length === 0,
    checks: results.map((result) => ({ check: result.check, ran: result.ran, error: result.error, findings: result.findings.length })),
    failing,
    excepted,
    belowThreshold: all.filter((finding) => !atThreshold(finding) && !('exception' in finding && finding.exception)),
    staleExceptions: outcome.stale,
  };
}

export function reportMarkdown(report: AuditReport): string {
  const row = (finding: Finding) => `| ${finding.severity} | \`${finding.id}\` | ${finding.title.replace(/\|/g, '\\|').replace(/\n/g, ' ')} |`;
  const section = (title: string, findings: readonly Finding[]) =>
    findings.length === 0 ? [`## ${title}`, '', 'None.', ''] : [`## ${title}`, '', '| severity | id | finding |', '| --- | --- | --- |', ...findings.map(row), ''];
  return [
    `# Security audit, ${report.date}`,
    '',
    `Result: **${report.passed ? 'passed' : 'FAILED'}** (fails on ${report.threshold} and above; the threshold is fixed).`,
    '',
    '| check | ran | findings | error |',
    '| --- | --- | --- | --- |',
    ...report.checks.map((check) => `| ${check.check} | \`${check.ran}\` | ${check.findings} | ${check.error ?? ''} |`),
    '',
    ...section('Failing findings', report.failing),
    '## Accepted by an exception',
    '',
    ...(report.excepted.length === 0
      ? ['None.']
      : ['| severity | id | reason | expires |', '| --- | --- | --- | --- |', ...report.excepted.map((finding) => `| ${finding.severity} | \`${finding.id}\` | ${finding.exception.reason} | ${finding.exception.expires} |`)]),
    '',
    ...section('Below the threshold', report.belowThreshold),
    ...(report.staleExceptions.length > 0 ? ['## Exceptions that matched nothing (remove them)', '', ...report.staleExceptions.map((exception) => `- \`${exception.id}\` (expires ${exception.expires})`), ''] : []),
  ].join('\n');
}
