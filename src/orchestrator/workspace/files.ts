import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AnvilError } from '../../errors.js';
import type { WorkspaceConfig } from '../../config/workspace-schema.js';
import { resolveWorkspacePath } from './paths.js';

/**
 * File operations of the workspace tools, each on a path checked by resolveWorkspacePath. Reads
 * and lists never follow a symbolic link out (the check resolves them); writes open the file with
 * O_NOFOLLOW, so a link put in place of the file after the check is refused by the kernel.
 */
export type WorkspaceLimits = Pick<WorkspaceConfig, 'readMaxBytes' | 'writeMaxBytes' | 'listMaxEntries'>;

const notFound = (tool: string, path: string) => new AnvilError('WORKSPACE_FILE_NOT_FOUND', `${tool}: nothing at ${JSON.stringify(path)} in the workspace`, { tool, path });

export async function readWorkspaceFile(folder: string, path: string, limits: WorkspaceLimits): Promise<{ path: string; content: string; size: number; truncated: boolean }> {
  const target = await resolveWorkspacePath(folder, path, 'read_file');
  if (!target.real) throw notFound('read_file', target.relative);
  // The resolved path (a link inside the workspace is read where it points, once checked).
  const handle = await open(target.real, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw notFound('read_file', target.relative);
    if (error.code === 'ELOOP') throw new AnvilError('WORKSPACE_PATH_ESCAPE', `read_file: ${JSON.stringify(path)} changed into a symbolic link while being read`, { tool: 'read_file', rule: 'symlink', path });
    throw error;
  });
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new AnvilError('WORKSPACE_FILE_NOT_FOUND', `read_file: ${JSON.stringify(target.relative)} is not a file`, { tool: 'read_file', path: target.relative });
    const length = Math.min(stats.size, limits.readMaxBytes);
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return { path: target.relative, content: buffer.subarray(0, bytesRead).toString('utf8'), size: stats.size, truncated: stats.size > limits.readMaxBytes };
  } finally {
    await handle.close();
  }
}

export async function writeWorkspaceFile(folder: string, path: string, content: string, limits: WorkspaceLimits, { append = false } = {}): Promise<{ path: string; bytes: number }> {
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > limits.writeMaxBytes) throw new AnvilError('WORKSPACE_FILE_TOO_LARGE', `write_file: ${bytes} bytes is more than the ${limits.writeMaxBytes} allowed`, { tool: 'write_file', bytes, limit: limits.writeMaxBytes });
  const target = await resolveWorkspacePath(folder, path, 'write_file');
  if (target.relative === '.') throw new AnvilError('WORKSPACE_PATH_INVALID', 'write_file: the path names the workspace folder itself', { tool: 'write_file', rule: 'folder' });
  await mkdir(dirname(target.absolute), { recursive: true, mode: 0o700 });
  // The folders just created are checked again: one of them could have been a link made meanwhile.
  await resolveWorkspacePath(folder, path, 'write_file');
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (append ? constants.O_APPEND : constants.O_TRUNC);
  const handle = await open(target.absolute, flags, 0o600).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ELOOP') throw new AnvilError('WORKSPACE_PATH_ESCAPE', `write_file: ${JSON.stringify(path)} is a symbolic link`, { tool: 'write_file', rule: 'symlink', path });
    if (error.code === 'EISDIR') throw new AnvilError('WORKSPACE_PATH_INVALID', `write_file: ${JSON.stringify(path)} is a folder`, { tool: 'write_file', rule: 'folder' });
    throw error;
  });
  try {
    await handle.writeFile(content, 'utf8');
  } finally {
    await handle.close();
  }
  return { path: target.relative, bytes };
}

export interface WorkspaceEntry {
  path: string;
  type: 'file' | 'directory' | 'symlink' | 'other';
  size: number;
}

/** Entries under a folder, breadth first, never descending through links; at most listMaxEntries. */
export async function listWorkspaceFiles(folder: string, path: string, limits: WorkspaceLimits, { recursive = false } = {}): Promise<{ path: string; entries: WorkspaceEntry[]; truncated: boolean }> {
  const target = await resolveWorkspacePath(folder, path, 'list_files');
  const stats = await lstat(target.absolute).catch(() => {
    throw notFound('list_files', target.relative);
  });
  if (!stats.isDirectory()) throw new AnvilError('WORKSPACE_FILE_NOT_FOUND', `list_files: ${JSON.stringify(target.relative)} is not a folder`, { tool: 'list_files', path: target.relative });
  const entries: WorkspaceEntry[] = [];
  const queue = [target.relative];
  while (queue.length > 0) {
    const current = queue.shift()!;
    const children = await readdir(join(folder, current), { withFileTypes: true });
    children.sort((left, right) => left.name.localeCompare(right.name));
    for (const child of children) {
      if (entries.length >= limits.listMaxEntries) return { path: target.relative, entries, truncated: true };
      const childPath = current === '.' ? child.name : `${current}/${child.name}`;
      const type = child.isSymbolicLink() ? 'symlink' : child.isDirectory() ? 'directory' : child.isFile() ? 'file' : 'other';
      const size = type === 'file' ? (await lstat(join(folder, childPath))).size : 0;
      entries.push({ path: childPath, type, size });
      if (recursive && type === 'directory') queue.push(childPath);
    }
  }
  return { path: target.relative, entries, truncated: false };
}
