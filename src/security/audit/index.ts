export { runSecurityAudit, type AuditOptions } from './run.js';
export { applyExceptions, loadExceptions, maximumExceptionDays, type AuditException, type ExceptionOutcome } from './exceptions.js';
export { configChecks } from './config-checks.js';
export { buildReport, reportMarkdown, type AuditReport } from './report.js';
export { failingSeverity, type CheckResult, type Finding, type Severity } from './finding.js';
