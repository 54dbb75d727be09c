import { runTool, tail, type CheckResult, type Finding, type Severity } from './finding.js';

interface NpmAuditReport {
  vulnerabilities?: Record<string, { name: string; severity: Severity; via: unknown[]; range?: string; fixAvailable?: unknown }>;
}

/** `npm audit --json` against the registry; one finding per vulnerable package, at npm's severity. */
export async function npmAuditCheck(root: string): Promise<CheckResult> {
  const ran = 'npm audit --audit-level=high --json';
  const output = await runTool('npm', ['audit', '--audit-level=high', '--json'], root);
  let report: NpmAuditReport;
  try {
    report = JSON.parse(output.stdout) as NpmAuditReport;
  } catch {
    return { check: 'npm-audit', ran, findings: [], error: `npm audit gave no JSON (exit ${output.code}): ${tail(output.stderr)}` };
  }
  if ('error' in report || 'message' in report) {
    const failure = report as { message?: string; error?: { summary?: string } };
    return { check: 'npm-audit', ran, findings: [], error: `npm audit failed: ${failure.message ?? failure.error?.summary ?? 'no report'}` };
  }
  const findings: Finding[] = Object.values(report.vulnerabilities ?? {}).map((vulnerability) => {
    const advisories = vulnerability.via.filter((via): via is { title: string; url?: string } => typeof via === 'object' && via !== null && 'title' in via);
    return {
      id: `npm:${vulnerability.name}`,
      severity: vulnerability.severity,
      title: advisories.length > 0 ? advisories.map((advisory) => `${advisory.title}${advisory.url ? ` (${advisory.url})` : ''}`).join('; ') : `depends on vulnerable ${vulnerability.via.filter((via) => typeof via === 'string').join(', ')}`,
      location: `${vulnerability.name}${vulnerability.range ? `@${vulnerability.range}` : ''}`,
    };
  });
  return { check: 'npm-audit', ran, findings };
}
