import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AnvilError } from '../errors.js';

export interface FolderLock {
  release(): void;
}

/**
 * Two processes must never open one PGlite folder: the second would corrupt it. The lock file is
 * created exclusively and names its holder; a lock left by a process that no longer exists on
 * this host is taken over.
 */
export function acquireFolderLock(folder: string): FolderLock {
  const path = join(folder, 'anvil.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        rmSync(path, { force: true });
      };
      process.once('exit', release);
      return { release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && holder.host === hostname() && !isAlive(holder.pid)) {
        rmSync(path, { force: true });
        continue;
      }
      throw new AnvilError(
        'DATABASE_LOCKED',
        `the database folder ${folder} is in use by process ${holder?.pid ?? '?'} on ${holder?.host ?? '?'} since ${holder?.since ?? '?'}; stop it, or set DATABASE_URL to share PostgreSQL between processes`,
        { folder, holder },
      );
    }
  }
  throw new AnvilError('DATABASE_LOCKED', `the database folder ${folder} is locked`, { folder });
}

function readHolder(path: string): { pid: number; host: string; since: string } | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
