import type { Config } from '../config/index.js';
import type { Database } from '../store/database.js';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open.js';
import { resolvedConfig } from './secrets.js';

/**
 * Opens the configured database for a command that works on it directly (no server needed),
 * migrated, and closes it after. With the embedded database, `anvil serve` must not be running:
 * one process holds the folder (use the API then).
 */
export async function withDatabase<T>(unresolved: Config, work: (db: Database) => Promise<T>): Promise<T> {
  // DATABASE_URL may name its password as a secret reference.
  const config = await resolvedConfig(unresolved);
  const db = await openDatabase(config.database, 'cli');
  try {
    await migrate(db);
    return await work(db);
  } finally {
    await db.close();
  }
}
