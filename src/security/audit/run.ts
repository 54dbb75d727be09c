import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/index.js';
import { configChecks } from './config-checks.js';
import { eslintSecurityCheck } from './eslint-security.js';
import { applyExceptions, loadExceptions } from './exceptions.js';
import type { CheckResult } from './finding.js';
import { lockfileCheck } from './lockfile.js';
import { npmAuditCheck } from './npm-audit.js';
import { buildReport, reportMarkdown, toolErrorFindings, type AuditReport } from './report.js';
import { secretScanCheck } from './secret-scan.js';

export interface AuditOptions {
  /** The repository root (default: the working folder). */
  root?: string;
  config: Config;
  /** Where the Markdown and JSON reports go (default `reports/`, git-ignored). */
  reportDirectory?: string;
  /** Today as YYYY-MM-DD (tests pin it). */
  today?: string;
  /** Which checks to run (default all). */
  checks?: readonly ('npm-audit' | 'eslint-security' | 'secret-scan' | 'lockfile-lint' | 'config')[];
}

/**
 * The security audit: npm audit, eslint-plugin-security, a secret scan, lockfile-lint and the
 * configuration checks, then the exceptions file; writes reports/security-audit.md and .json.
 * The checks run one after another: the machine has two cores and npm audit waits on the network.
 */
export async function runSecurityAudit({
  root = process.cwd(),
  config,
  reportDirectory = join(root, 'reports'),
  today = new Date().toISOString().slice(0, 10),
  checks = ['npm-audit', 'eslint-security', 'secret-scan', 'lockfile-lint', 'config'],
}: AuditOptions): Promise<{ report: AuditReport; files: string[] }> {
  const exceptions = loadExceptions(join(root, 'security/audit-exceptions.yaml'));
  const runners: Record<(typeof checks)[number], () => Promise<CheckResult> | CheckResult> = {
    'npm-audit': () => npmAuditCheck(root),
    'eslint-security': () => eslintSecurityCheck(root),
    'secret-scan': () => secretScanCheck(root),
    'lockfile-lint': () => lockfileCheck(root),
    config: () => configChecks(config),
  };
  const results: CheckResult[] = [];
  for (const check of checks) results.push(await runners[check]());
  const report = buildReport(today, results, applyExceptions([...results.flatMap((result) => result.findings), ...toolErrorFindings(results)], exceptions, today));
  mkdirSync(reportDirectory, { recursive: true });
  const files = [join(reportDirectory, 'security-audit.md'), join(reportDirectory, 'security-audit.json')];
  writeFileSync(files[0]!, `${reportMarkdown(report)}\n`);
  writeFileSync(files[1]!, `${JSON.stringify(report, null, 2)}\n`);
  return { report, files };
}
