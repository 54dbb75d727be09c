import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { backendFailure, type SecretsBackend } from './backend.js';

export interface FileBackendOptions {
  /** dotenv files read in order; a later file wins (default none). */
  dotenvFiles?: readonly string[];
  /** A folder of one file per secret, named after it, such as /run/secrets (default none). A file here wins over the dotenv files. */
  directory?: string;
}

/**
 * Secrets from files: dotenv files and a directory of secret files (Docker and Kubernetes
 * secrets). Files are read on every lookup, so a rotated file is seen when the manager's cache
 * expires; the manager's cache keeps the reads rare. A configured dotenv file that cannot be
 * read is a failure, not an absence: a typo in a path should not silently fall through.
 */
export function createFileBackend({ dotenvFiles = [], directory }: FileBackendOptions = {}): SecretsBackend {
  async function fromDirectory(name: string): Promise<string | undefined> {
    if (!directory) return undefined;
    try {
      // Secret files usually end with one newline that is not part of the value.
      return (await readFile(join(directory, name), 'utf8')).replace(/\r?\n$/, '');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw backendFailure('file', name, `cannot read the secret file (${code ?? 'error'})`);
    }
  }

  async function fromDotenv(name: string): Promise<string | undefined> {
    let found: string | undefined;
    for (const path of dotenvFiles) {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (error) {
        throw backendFailure('file', name, `cannot read dotenv file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      const value = parseEnv(text)[name];
      if (value !== undefined && value !== '') found = value;
    }
    return found;
  }

  return {
    name: 'file',
    async get(name) {
      // The dotenv files are read even when the directory has the name, so a broken path always shows.
      const fromFiles = await fromDotenv(name);
      return (await fromDirectory(name)) ?? fromFiles;
    },
  };
}
