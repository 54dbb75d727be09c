import type { Command } from 'commander';
import { runSecurityAudit } from '../security/audit/index.js';
import { configFrom, exitCodes, runCommand } from './context.js';

/**
 * `anvil audit` (also `npm run audit:security`): the security audit. Prints each failing finding
 * and where the reports are; exit 0 when nothing at high or above is left without a valid
 * exception, 1 otherwise. The threshold is fixed on purpose: there is no flag to lower it.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('Security audit: npm audit, eslint-plugin-security, secret scan, lockfile-lint, configuration checks')
    .option('--reports <dir>', 'where to write security-audit.md and .json', 'reports')
    .action((options: { reports: string }) =>
      runCommand(async () => {
        const config = configFrom(program);
        const { report, files } = await runSecurityAudit({ config, reportDirectory: options.reports });
        for (const check of report.checks) {
          process.stdout.write(`${check.error ? 'ERROR' : 'ran  '} ${check.check.padEnd(16)} ${check.findings} finding(s)${check.error ? `: ${check.error}` : ''}\n`);
        }
        for (const finding of report.failing) process.stdout.write(`FAIL  ${finding.severity.padEnd(8)} ${finding.id}  ${finding.title}\n`);
        process.stdout.write(
          `${report.passed ? 'passed' : 'FAILED'}: ${report.failing.length} failing, ${report.excepted.length} excepted, ${report.belowThreshold.length} below ${report.threshold}; reports: ${files.join(', ')}\n`,
        );
        return report.passed ? exitCodes.ok : exitCodes.failed;
      }),
    );
}
