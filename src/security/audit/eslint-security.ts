import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { runTool, tail, type CheckResult, type Finding } from './finding.js';

interface EslintFileResult {
  filePath: string;
  messages: { ruleId: string | null; severity: 1 | 2; message: string; line: number }[];
}

/**
 * eslint-plugin-security over the shipped code, with its own flat config
 * (security/eslint.security.config.js) so the everyday lint is unaffected. Rules set to `error`
 * there are high findings; the noisy heuristics it sets to `warn` are reported as moderate.
 */
export async function eslintSecurityCheck(root: string): Promise<CheckResult> {
  const args = ['--no-config-lookup', '--config', 'security/eslint.security.config.js', '--format', 'json', '--no-warn-ignored', 'src', 'scripts'];
  const ran = `eslint ${args.join(' ')}`;
  const output = await runTool('node_modules/.bin/eslint', args, root);
  let results: EslintFileResult[];
  try {
    results = JSON.parse(output.stdout) as EslintFileResult[];
  } catch {
    return { check: 'eslint-security', ran, findings: [], error: `eslint gave no JSON (exit ${output.code}): ${tail(output.stderr)}` };
  }
  const findings: Finding[] = results.flatMap((file) => {
    const lines = file.messages.length > 0 ? readFileSync(file.filePath, 'utf8').split('\n') : [];
    return file.messages.map((message) => {
      const path = relative(root, file.filePath);
      const rule = message.ruleId ?? 'parse-error';
      // The id holds a hash of the flagged line, not its number: an exception survives edits
      // elsewhere in the file and lapses when the flagged code itself changes.
      const code = createHash('sha256').update((lines[message.line - 1] ?? '').trim()).digest('hex').slice(0, 10);
      return { id: `eslint:${rule}:${path}:${code}`, severity: message.severity === 2 ? 'high' : 'moderate', title: message.message, location: `${path}:${message.line}` } satisfies Finding;
    });
  });
  return { check: 'eslint-security', ran, findings };
}
