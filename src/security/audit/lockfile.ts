import { runTool, tail, type CheckResult } from './finding.js';

/** lockfile-lint: every package in package-lock.json resolves from the npm registry, over HTTPS. */
export async function lockfileCheck(root: string): Promise<CheckResult> {
  const args = ['--path', 'package-lock.json', '--type', 'npm', '--allowed-hosts', 'npm', '--validate-https', '--validate-integrity'];
  const ran = `lockfile-lint ${args.join(' ')}`;
  const output = await runTool('node_modules/.bin/lockfile-lint', args, root);
  if (output.code === 0) return { check: 'lockfile-lint', ran, findings: [] };
  const problems = `${output.stdout}\n${output.stderr}`.split('\n').filter((line) => /detected invalid/i.test(line));
  if (problems.length === 0) return { check: 'lockfile-lint', ran, findings: [], error: `lockfile-lint failed (exit ${output.code}): ${tail(output.stderr || output.stdout)}` };
  return {
    check: 'lockfile-lint',
    ran,
    // "detected invalid host(s) for package: NAME@VERSION": the package is the stable handle.
    findings: problems.map((line) => ({ id: `lockfile:${/package: (\S+)/.exec(line)?.[1] ?? line.trim()}`, severity: 'high', title: line.trim() })),
  };
}
