import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool, tail, type CheckResult, type Finding } from './finding.js';

interface SecretlintResult {
  filePath: string;
  messages: { ruleId: string; message: string; loc?: { start?: { line?: number } } }[];
}

/**
 * secretlint with its recommended preset (security/secretlintrc.json) over every file git
 * tracks or would track (so node_modules, reports and build output are left out). Any hit is a
 * high finding: a credential in the tree is a leak whatever its kind.
 */
export async function secretScanCheck(root: string): Promise<CheckResult> {
  const listed = await runTool('git', ['ls-files', '--cached', '--others', '--exclude-standard'], root);
  const files = listed.stdout.split('\n').filter((file) => file !== '');
  const ran = `secretlint --secretlintrc security/secretlintrc.json --format json <${files.length} files from git ls-files>`;
  if (listed.code !== 0) return { check: 'secret-scan', ran, findings: [], error: `git ls-files failed: ${tail(listed.stderr)}` };
  // secretlint exits before a large report drains through a pipe, so it writes to a file instead.
  const folder = mkdtempSync(join(tmpdir(), 'anvil-secretlint-'));
  const reportFile = join(folder, 'report.json');
  let results: SecretlintResult[];
  try {
    const output = await runTool('node_modules/.bin/secretlint', ['--secretlintrc', 'security/secretlintrc.json', '--format', 'json', '--no-color', '--output', reportFile, ...files], root);
    try {
      results = JSON.parse(readFileSync(reportFile, 'utf8')) as SecretlintResult[];
    } catch {
      return { check: 'secret-scan', ran, findings: [], error: `secretlint gave no JSON report (exit ${output.code}): ${tail(output.stderr || output.stdout)}` };
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
  const findings: Finding[] = results.flatMap((file) =>
    file.messages.map((message) => {
      const path = file.filePath.startsWith(root) ? file.filePath.slice(root.length + 1) : file.filePath;
      const line = message.loc?.start?.line ?? 0;
      // The message may quote the matched text; the report keeps only the rule and the place.
      return { id: `secret:${message.ruleId}:${path}:${line}`, severity: 'high', title: `possible credential (${message.ruleId})`, location: `${path}:${line}` } satisfies Finding;
    }),
  );
  return { check: 'secret-scan', ran, findings };
}
