import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import type { WorkspaceConfig } from '../../config/workspace-schema.js';
import { AnvilError } from '../../errors.js';

/**
 * run_command: a program from the allow-list, run without a shell (spawn with an argv array), in
 * the workspace folder, with a clean environment (PATH, HOME = the workspace, LANG — nothing of
 * the server's, so no key or secret), stdin closed, a timeout that kills the whole process group,
 * and stdout and stderr each capped at `outputMaxBytes`.
 *
 * No shell runs, so `;`, `|`, `&&`, `$(…)`, backticks and newlines would reach the program as
 * plain characters. They are refused all the same: an agent that writes them expects a shell,
 * and a clear refusal tells it so instead of running something it did not mean. Arguments that
 * are absolute paths or carry a `..` segment (also after `--option=`) are refused too, so the
 * usual way of pointing a program outside the workspace is closed. What an allowed program does
 * on its own (`node -e`, `git -C /elsewhere`) is its own: allow-list only programs you would let
 * an agent run as the server's user (docs/security.md, "Workspace tools").
 */
export type CommandSettings = Pick<WorkspaceConfig, 'path' | 'commandTimeoutMs' | 'outputMaxBytes'> & {
  /** Programs both the config and the workflow allow. */
  allowed: readonly string[];
};

export interface CommandResult {
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  stdout: string;
  stderr: string;
  /** True when stdout or stderr passed outputMaxBytes and was cut. */
  truncated: boolean;
  duration_ms: number;
}

const shellSyntax = /[;|&`$<>\n\r]/;
const programPattern = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$/;

export function checkArgv(argv: readonly string[]): void {
  const rejected = (index: number, rule: string, message: string) =>
    new AnvilError('WORKSPACE_COMMAND_REJECTED', `run_command: argv[${index}] ${message}; commands run without a shell, inside the workspace`, { tool: 'run_command', index, rule });
  if (argv.length === 0) throw rejected(0, 'empty', 'is missing: give the program and its arguments');
  argv.forEach((argument, index) => {
    if (typeof argument !== 'string') throw rejected(index, 'type', 'is not a string');
    if (argument.includes('\0')) throw rejected(index, 'nul-byte', 'contains a NUL byte');
    if (shellSyntax.test(argument)) throw rejected(index, 'shell-syntax', `contains shell syntax (${JSON.stringify(argument.match(shellSyntax)![0])})`);
    const value = argument.startsWith('-') && argument.includes('=') ? argument.slice(argument.indexOf('=') + 1) : argument;
    if (index > 0 && (value.startsWith('/') || value.startsWith('~') || isAbsolute(value) || /^[A-Za-z]:[\\/]/.test(value))) throw rejected(index, 'absolute-path', 'is an absolute path');
    if (value.split(/[\\/]/).includes('..')) throw rejected(index, 'dot-dot', 'has a .. segment');
  });
}

/** The allowed program's absolute path on `searchPath`, or a refusal that names the lists. */
export async function resolveProgram(program: string, settings: Pick<CommandSettings, 'allowed' | 'path'>): Promise<string> {
  const notAllowed = (reason: string) => new AnvilError('WORKSPACE_COMMAND_NOT_ALLOWED', `run_command: ${JSON.stringify(program)} ${reason}`, { tool: 'run_command', program, allowed: [...settings.allowed] });
  if (!programPattern.test(program)) throw notAllowed('is not a program name (no paths: name a program on the allow-list)');
  if (!settings.allowed.includes(program)) throw notAllowed(settings.allowed.length === 0 ? 'is not allowed: no program is (workspace.commands in the config and the workflow)' : `is not allowed; allowed: ${settings.allowed.join(', ')}`);
  for (const folder of settings.path.split(delimiter)) {
    if (!isAbsolute(folder)) continue;
    const candidate = join(folder, program);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not in this folder.
    }
  }
  throw notAllowed(`is allowed but not found on workspace.path (${settings.path})`);
}

export async function runWorkspaceCommand(folder: string, argv: readonly string[], settings: CommandSettings, signal?: AbortSignal): Promise<CommandResult> {
  checkArgv(argv);
  const executable = await resolveProgram(argv[0]!, settings);
  const started = performance.now();
  return new Promise<CommandResult>((resolvePromise, reject) => {
    const child = spawn(executable, argv.slice(1), {
      cwd: folder,
      env: { PATH: settings.path, HOME: folder, LANG: 'C.UTF-8' },
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so the timeout kills what it started too.
      detached: true,
      windowsHide: true,
    });
    const output = { stdout: [] as Buffer[], stderr: [] as Buffer[], bytes: { stdout: 0, stderr: 0 }, truncated: false };
    const collect = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
      const room = settings.outputMaxBytes - output.bytes[stream];
      if (room <= 0) {
        output.truncated = true;
        return;
      }
      if (chunk.length > room) output.truncated = true;
      const kept = chunk.subarray(0, room);
      output[stream].push(kept);
      output.bytes[stream] += kept.length;
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    let timedOut = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, settings.commandTimeoutMs);
    const onAbort = () => killGroup();
    signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(error);
    });
    child.on('close', (code, killedBy) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolvePromise({
        exit_code: code,
        signal: killedBy,
        timed_out: timedOut,
        stdout: Buffer.concat(output.stdout).toString('utf8'),
        stderr: Buffer.concat(output.stderr).toString('utf8'),
        truncated: output.truncated,
        duration_ms: Math.round(performance.now() - started),
      });
    });
  });
}
