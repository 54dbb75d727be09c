import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ToolSet } from 'ai';
import { beforeAll, describe, expect, it } from 'vitest';
import { workspaceDefaults, type WorkspaceConfig } from '../../config/workspace-schema.js';
import type { Queryable } from '../../store/database.js';
import { agentTools, type ToolContext } from '../agent/tools.js';
import { parseWorkflowText } from '../workflow/index.js';
import { workspaceFolder, workspaceTools } from './index.js';

/**
 * Escape attempts against the workspace tools, each refused with its named error returned to the
 * model as the tool's result, and the positive controls showing legitimate paths and commands
 * work. The tools are called as the AI SDK calls them (execute with the model's input).
 */
const events: unknown[][] = [];
const db: Queryable = {
  query: async (...args: unknown[]) => {
    events.push(args);
    return { rows: [{}] as never[], rowCount: 1 };
  },
  script: async () => {},
};

const root = mkdtempSync(join(tmpdir(), 'anvil-workspace-'));
const outside = mkdtempSync(join(tmpdir(), 'anvil-outside-'));
const runId = randomUUID();
const config: WorkspaceConfig = { ...workspaceDefaults, root, commands: ['ls', 'cat', 'echo', 'env', 'sleep', 'node'], commandTimeoutMs: 5_000, outputMaxBytes: 1_000 };
const workflowCommands = ['ls', 'cat', 'echo', 'env', 'sleep', 'rm', 'bash'];
let folder: string;
let tools: ReturnType<typeof workspaceTools>;

type Result = { error?: { code: string; message: string } } & Record<string, unknown>;
const call = async (name: keyof typeof tools, input: unknown, set: Partial<Record<string, ToolSet[string]>> = tools): Promise<Result> =>
  (await set[name]!.execute!(input as never, { toolCallId: 'call', messages: [] })) as Result;

beforeAll(async () => {
  writeFileSync(join(outside, 'secret.txt'), 'outside secret');
  folder = await workspaceFolder(root, runId);
  writeFileSync(join(folder, 'inside.txt'), 'inside text');
  mkdirSync(join(folder, 'a'));
  symlinkSync(outside, join(folder, 'escape-link'));
  symlinkSync(join(outside, 'secret.txt'), join(folder, 'secret-link'));
  symlinkSync(join(folder, 'inside.txt'), join(folder, 'ok-link'));
  symlinkSync(join(outside, 'missing.txt'), join(folder, 'dangling'));
  tools = workspaceTools({ db, runId, taskId: randomUUID(), config, workflowCommands });
});

const escapes: [tool: keyof typeof tools, input: Record<string, unknown>, code: string][] = [
  ['read_file', { path: '../secret.txt' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: `../../${outside.split('/').pop()}/secret.txt` }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: 'a/../../secret.txt' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: 'a/../inside.txt' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: '/etc/passwd' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: join(outside, 'secret.txt') }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: 'escape-link/secret.txt' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: 'secret-link' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: 'dangling' }, 'WORKSPACE_PATH_ESCAPE'],
  ['read_file', { path: '%2e%2e/secret.txt' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: '..%2fsecret.txt' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: '%2E%2E%5Csecret.txt' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: 'inside.txt%00.png' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: 'inside.txt\0.png' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: '..\\secret.txt' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: 'C:\\Windows\\win.ini' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: 'C:/Windows/win.ini' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: '\\\\server\\share\\file' }, 'WORKSPACE_PATH_INVALID'],
  ['read_file', { path: '   ' }, 'WORKSPACE_PATH_INVALID'],
  ['write_file', { path: '../evil.txt', content: 'x' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: '/tmp/evil.txt', content: 'x' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: 'escape-link/evil.txt', content: 'x' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: 'escape-link/new-folder/evil.txt', content: 'x' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: 'secret-link', content: 'overwritten' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: 'ok-link', content: 'through a link' }, 'WORKSPACE_PATH_ESCAPE'],
  ['write_file', { path: 'big.txt', content: 'x'.repeat(workspaceDefaults.writeMaxBytes + 1) }, 'WORKSPACE_FILE_TOO_LARGE'],
  ['list_files', { path: '..' }, 'WORKSPACE_PATH_ESCAPE'],
  ['list_files', { path: '/' }, 'WORKSPACE_PATH_ESCAPE'],
  ['list_files', { path: 'escape-link' }, 'WORKSPACE_PATH_ESCAPE'],
  ['run_command', { argv: ['echo', 'hi;', 'rm', '-rf', '.'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'hi', ';', 'id'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', 'inside.txt', '|', 'sh'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', '$(id)'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', '`id`'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'a', '&&', 'id'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'a\nid'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'a\r\nid'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'leak', '>', 'out.txt'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', '<', 'inside.txt'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', '$HOME'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['echo', 'a\0b'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['ls;id'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', '/etc/passwd'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', '~/.ssh/id_rsa'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', '../secret.txt'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', 'a/../../secret.txt'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['cat', '--file=/etc/passwd'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['ls', 'C:\\Windows'] }, 'WORKSPACE_COMMAND_REJECTED'],
  ['run_command', { argv: ['bash', '-c', 'id'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['rm', '-rf', 'a'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['node', '--version'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['/bin/ls'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['./ls'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['echo hi'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
  ['run_command', { argv: ['sh'] }, 'WORKSPACE_COMMAND_NOT_ALLOWED'],
];

describe('workspace escape attempts', () => {
  it.each(escapes)('%s %j is refused with %s', async (tool, input, code) => {
    const result = await call(tool, input);
    expect(result.error?.code).toBe(code);
    expect(result.error?.message).toMatch(new RegExp(tool));
  });

  it('left everything outside untouched', () => {
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('outside secret');
    expect(() => readFileSync(join(outside, 'evil.txt'))).toThrow();
    expect(() => readFileSync(join(root, 'evil.txt'))).toThrow();
    expect(readFileSync(join(folder, 'inside.txt'), 'utf8')).toBe('inside text');
  });
});

describe('legitimate workspace use', () => {
  it('writes, appends, reads and lists files inside the workspace', async () => {
    expect(await call('write_file', { path: 'notes/plan.md', content: '# Plan\n' })).toEqual({ path: 'notes/plan.md', bytes: 7 });
    await call('write_file', { path: './notes//plan.md', content: 'step one\n', append: true });
    expect(await call('read_file', { path: 'notes/plan.md' })).toEqual({ path: 'notes/plan.md', content: '# Plan\nstep one\n', size: 16, truncated: false });
    expect((await call('read_file', { path: 'ok-link' })).content).toBe('inside text');
    const listed = (await call('list_files', { path: '.', recursive: true })) as { entries: { path: string; type: string }[] };
    expect(listed.entries).toEqual(expect.arrayContaining([{ path: 'notes/plan.md', type: 'file', size: 16 }, expect.objectContaining({ path: 'escape-link', type: 'symlink' }), expect.objectContaining({ path: 'notes', type: 'directory' })]));
    expect(listed.entries.some((entry) => entry.path.startsWith('escape-link/'))).toBe(false);
    expect((await call('read_file', { path: 'missing.txt' })).error?.code).toBe('WORKSPACE_FILE_NOT_FOUND');
  });

  it('creates one folder per run on demand, owner-only', async () => {
    const other = randomUUID();
    const otherTools = workspaceTools({ db, runId: other, taskId: randomUUID(), config, workflowCommands });
    await call('write_file', { path: 'mine.txt', content: 'run two' }, otherTools);
    expect(readFileSync(join(root, other, 'mine.txt'), 'utf8')).toBe('run two');
    expect((await call('read_file', { path: 'mine.txt' })).error?.code).toBe('WORKSPACE_FILE_NOT_FOUND');
  });

  it('runs allowed programs without a shell, in the workspace, with a clean environment', async () => {
    process.env.ANVIL_TEST_SECRET_TOKEN = 'do-not-leak';
    const echo = await call('run_command', { argv: ['echo', 'hello world', 'a*b'] });
    expect(echo).toMatchObject({ exit_code: 0, timed_out: false, stdout: 'hello world a*b\n', truncated: false });
    expect((await call('run_command', { argv: ['cat', 'notes/plan.md'] })).stdout).toBe('# Plan\nstep one\n');
    expect((await call('run_command', { argv: ['ls'] })).stdout).toContain('inside.txt');
    const environment = String((await call('run_command', { argv: ['env'] })).stdout).trim().split('\n').sort();
    expect(environment).toEqual(['HOME=' + realpathSync(folder), 'LANG=C.UTF-8', `PATH=${workspaceDefaults.path}`]);
    const failed = await call('run_command', { argv: ['ls', 'no-such-file'] });
    expect(failed.exit_code).not.toBe(0);
    expect(failed.stderr).toMatch(/no-such-file/);
    expect(events.some((args) => JSON.stringify(args).includes('workspace.command_ran'))).toBe(true);
  });

  it('kills a command at its timeout and cuts output at the cap', async () => {
    const quick = workspaceTools({ db, runId, taskId: randomUUID(), config: { ...config, commandTimeoutMs: 300 }, workflowCommands });
    const slept = await call('run_command', { argv: ['sleep', '10'] }, quick);
    expect(slept).toMatchObject({ timed_out: true, exit_code: null, signal: 'SIGKILL' });
    expect(Number(slept.duration_ms)).toBeLessThan(5_000);
    await call('write_file', { path: 'big.txt', content: 'y'.repeat(50_000) });
    const big = await call('run_command', { argv: ['cat', 'big.txt'] });
    expect(big).toMatchObject({ exit_code: 0, truncated: true });
    expect(String(big.stdout)).toHaveLength(config.outputMaxBytes);
  });
});

describe('workspace tools per phase', () => {
  const workflow = parseWorkflowText(`name: ws
first_task: { title: Start }
workspace: { commands: [ls] }
phases:
  - { key: plain, name: Plain }
  - { key: hands, name: Hands, tools: [read_file, write_file, list_files, run_command, complete_task] }
`).definition;

  it('are off unless a phase lists them, and on where it does', () => {
    const context = (phase: number, workspace?: ToolContext['workspace']) =>
      ({ db, task: { id: randomUUID(), run_id: runId }, phase: workflow.phases[phase]!, outcome: {}, retryBaseMs: 1, memory: {}, workspace }) as unknown as ToolContext;
    const settings = { config, workflowCommands: workflow.workspace.commands };
    expect(Object.keys(agentTools(context(0, settings)))).not.toContain('read_file');
    expect(Object.keys(agentTools(context(1, settings))).sort()).toEqual(['complete_task', 'fail_task', 'list_files', 'read_file', 'run_command', 'write_file']);
    // Without workspace settings (no runtime config), no workspace tool is offered at all.
    expect(Object.keys(agentTools(context(1))).sort()).toEqual(['complete_task', 'fail_task']);
  });

  it('refuses a workflow program name that is a path', () => {
    expect(() => parseWorkflowText(`name: ws\nfirst_task: { title: Start }\nworkspace: { commands: [/bin/sh] }\nphases: [{ key: a, name: A }]\n`)).toThrow(/expected a program name without a path/);
  });
});
