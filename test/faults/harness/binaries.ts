import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The programs the fault suite drives: the Debian PostgreSQL server binaries (initdb, pg_ctl,
 * postgres under /usr/lib/postgresql/<major>/bin, newest major first) for a private cluster, and
 * redis-server for a private Redis. The suite never touches the shared services. A missing binary
 * fails the suite with the package to install, in CI as everywhere (.ci/services.sh installs them);
 * a fault test that quietly skipped would prove nothing.
 */
export function postgresBinaries(): { initdb: string; pgCtl: string; version: string } {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a)) : [];
  const major = majors[0];
  if (!major) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install Debian\'s postgresql package (.ci/services.sh does)');
  return { initdb: join(root, major, 'bin', 'initdb'), pgCtl: join(root, major, 'bin', 'pg_ctl'), version: major };
}

export function redisServerBinary(): string {
  return onPath('redis-server', "Debian's redis-server package");
}

/** prlimit (util-linux) sets the disk-full scenario's file-size limit on a running process. */
export function prlimitBinary(): string {
  return onPath('prlimit', "Debian's util-linux package");
}

function onPath(name: string, packageName: string): string {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(directory, name);
    if (directory && existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found on PATH: install ${packageName} (.ci/services.sh does)`);
}
