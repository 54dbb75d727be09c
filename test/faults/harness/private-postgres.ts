import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgresBinaries } from './binaries.js';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/**
 * A PostgreSQL cluster of the test's own: initdb in a temp folder, a free port, trust auth on
 * loopback, and durability settings relaxed for speed (fsync off: the test restarts the server,
 * it does not pull the power). The fault tests stop and start it at will. PostgreSQL refuses to
 * run as root, so as root the cluster belongs to the `postgres` system user.
 */
export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  /** `fast`: disconnect clients and shut down cleanly; `immediate`: like a crash (recovery at start). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const { initdb, pgCtl } = postgresBinaries();
  const folder = await mkdtemp(join(tmpdir(), 'anvil-fault-pg-'));
  const dataDir = join(folder, 'data');
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  // As root: run the binaries as `postgres` (runuser keeps the arguments as they are).
  const exec = (file: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args));
  if (asRoot) await run('chown', ['postgres', folder]);
  await exec(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const start = async () => {
    await exec(pgCtl, ['-D', dataDir, '-o', options, '-l', join(folder, 'server.log'), '-w', '-t', '60', 'start']);
  };
  await start();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const cluster: PrivatePostgres = {
    url,
    port,
    start,
    async stop(mode = 'fast') {
      await exec(pgCtl, ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
    },
    async destroy() {
      await exec(pgCtl, ['-D', dataDir, '-m', 'immediate', 'stop']).catch(() => {});
      await rm(folder, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Creates a database on the cluster and returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
