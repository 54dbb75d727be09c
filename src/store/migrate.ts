import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.js';

const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), 'migrations');
// Any constant works; it only has to be the same in every Anvil process.
const migrationLockKey = 0x616e76696c; // "anvil"

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(folder = migrationsFolder): Migration[] {
  return readdirSync(folder)
    .filter((file) => /^\d{4}_[\w-]+\.sql$/.test(file))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 4)),
      name: file.slice(5, -4),
      sql: readFileSync(join(folder, file), 'utf8'),
    }));
}

/**
 * Forward-only migrations, all pending ones in one transaction under a transaction-scoped
 * advisory lock: when two processes start at once, the second waits, then finds nothing to do.
 * Returns the versions it applied.
 */
export async function migrate(database: Database, migrations = listMigrations()): Promise<number[]> {
  return database.transaction(async (transaction) => {
    await transaction.query('SELECT pg_advisory_xact_lock($1)', [migrationLockKey]);
    await transaction.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const applied = new Set(
      (await transaction.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((row) => Number(row.version)),
    );
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await transaction.script(migration.sql);
      await transaction.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
