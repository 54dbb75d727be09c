import { lstat, mkdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { AnvilError } from '../../errors.js';

/**
 * Confines workspace paths to the run's folder. A path is refused, before the file system is
 * touched, when it is empty or carries a NUL byte, a percent-encoded dot, slash, backslash or NUL
 * (`%2e`, `%2f`, `%5c`, `%00`: an agent that writes them is trying to smuggle a separator), a
 * backslash or a drive letter (Windows separators mean something else elsewhere), is absolute, or
 * has a `..` segment anywhere — even one that would land back inside: no legitimate path needs it.
 * Then the nearest existing ancestor of the target (the target itself when it exists) is resolved
 * with realpath and must lie inside the folder's own realpath, so a symbolic link pointing out
 * is refused too. Writes also open the file with O_NOFOLLOW (src/orchestrator/workspace/files.ts),
 * so the last component cannot be swapped for a link after the check.
 */
export interface ResolvedWorkspacePath {
  /** Absolute path inside the workspace. */
  absolute: string;
  /** The path relative to the workspace folder, with forward slashes ('.' for the folder). */
  relative: string;
  /** Where it really is, links resolved (inside the workspace), when it exists. */
  real?: string;
}

const encodedSeparator = /%(2e|2f|5c|00)/i;
const driveLetter = /^[A-Za-z]:/;

export function checkPathSyntax(path: string, tool: string): string {
  const invalid = (rule: string, message: string) => new AnvilError('WORKSPACE_PATH_INVALID', `${tool}: path ${message}`, { tool, rule });
  const escape = (rule: string, message: string) => new AnvilError('WORKSPACE_PATH_ESCAPE', `${tool}: path ${JSON.stringify(path)} ${message}; give a path relative to the workspace`, { tool, rule, path });
  if (typeof path !== 'string' || path.trim() === '') throw invalid('empty', 'is empty');
  if (path.includes('\0')) throw invalid('nul-byte', 'contains a NUL byte');
  if (encodedSeparator.test(path)) throw invalid('percent-encoded', `${JSON.stringify(path)} contains a percent-encoded dot, separator or NUL`);
  if (path.includes('\\')) throw invalid('backslash', `${JSON.stringify(path)} contains a backslash; use / between folders`);
  if (driveLetter.test(path)) throw invalid('drive-letter', `${JSON.stringify(path)} starts with a drive letter`);
  if (path.startsWith('/') || isAbsolute(path)) throw escape('absolute', 'is absolute');
  if (path.split('/').includes('..')) throw escape('dot-dot', 'has a .. segment');
  const normalised = posix.normalize(path).replace(/\/+$/, '');
  return normalised === '' ? '.' : normalised;
}

/** The run's workspace folder, created on demand (owner-only), resolved through any links in `root`. */
export async function workspaceFolder(root: string, runId: string): Promise<string> {
  if (!/^[0-9a-f-]{36}$/i.test(runId)) throw new AnvilError('WORKSPACE_PATH_INVALID', `run id ${JSON.stringify(runId)} is not a UUID`, { rule: 'run-id' });
  const folder = join(resolve(root), runId);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  return realpath(folder);
}

export async function resolveWorkspacePath(folder: string, path: string, tool: string): Promise<ResolvedWorkspacePath> {
  const normalised = checkPathSyntax(path, tool);
  const absolute = resolve(folder, normalised);
  if (!inside(folder, absolute)) throw new AnvilError('WORKSPACE_PATH_ESCAPE', `${tool}: path ${JSON.stringify(path)} leaves the workspace`, { tool, rule: 'outside', path });
  // A link whose target does not exist cannot be checked: refused like one that points out.
  const existing = await nearestExisting(absolute);
  const real = await realpath(existing).catch(() => undefined);
  if (real === undefined || !inside(folder, real)) {
    throw new AnvilError('WORKSPACE_PATH_ESCAPE', `${tool}: path ${JSON.stringify(path)} goes through a symbolic link that points outside the workspace`, { tool, rule: 'symlink', path });
  }
  return { absolute, relative: relative(folder, absolute).split(sep).join('/') || '.', real: existing === absolute ? real : undefined };
}

async function nearestExisting(absolute: string): Promise<string> {
  let candidate = absolute;
  for (;;) {
    try {
      await lstat(candidate);
      return candidate;
    } catch {
      const parent = resolve(candidate, '..');
      if (parent === candidate) return candidate;
      candidate = parent;
    }
  }
}

export function inside(folder: string, candidate: string): boolean {
  return candidate === folder || candidate.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}
