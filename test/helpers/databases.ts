import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/store/database.js';
import { listMigrations, migrate } from '../../src/store/migrate.js';
import { openPglite } from '../../src/store/pglite.js';
import { openPostgres } from '../../src/store/postgres.js';
import { postgresUrl } from './services.js';

export interface DatabaseVariant {
  name: 'pglite' | 'postgres';
  /** A new, migrated, empty database; close it when done. */
  open(): Promise<Database>;
  /** Connection string for child processes (postgres only). */
  lastUrl?: string;
}

/**
 * The databases every store and orchestrator suite runs against: PGlite always, PostgreSQL when
 * DATABASE_URL is set (always in the whole suite). Each PostgreSQL test database is cloned from a
 * migrated template, as Graphile Worker's tests do, so a test starts in milliseconds.
 */
export function databaseVariants(): DatabaseVariant[] {
  const variants: DatabaseVariant[] = [{ name: 'pglite', open: openMigratedPglite }];
  const url = postgresUrl();
  if (url) {
    const variant: DatabaseVariant = {
      name: 'postgres',
      open: async () => {
        const { database, url: databaseUrl } = await openPostgresClone(url);
        variant.lastUrl = databaseUrl;
        return database;
      },
    };
    variants.push(variant);
  }
  return variants;
}

let pgliteTemplate: Promise<Blob> | undefined;

/** A migrated in-memory PGlite, loaded from a template dumped once per test process. */
export async function openMigratedPglite(): Promise<Database> {
  pgliteTemplate ??= (async () => {
    const template = await openPglite({ dataDir: 'memory://' });
    await migrate(template);
    const dump = await template.dump();
    await template.close();
    return dump;
  })();
  return openPglite({ dataDir: 'memory://', loadDataDir: await pgliteTemplate });
}

export async function createPostgresDatabase(baseUrl: string): Promise<string> {
  const template = await ensureTemplate(baseUrl);
  const name = `anvil_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(baseUrl, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  return withDatabase(baseUrl, name);
}

export async function openPostgresClone(baseUrl: string, poolMax = 10): Promise<{ database: Database; url: string }> {
  const url = await createPostgresDatabase(baseUrl);
  const database = await openPostgres({ url, poolMax, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 600 });
  return { database, url };
}

async function ensureTemplate(baseUrl: string): Promise<string> {
  const version = listMigrations().reduce((sum, m) => sum + m.sql.length * 31 + m.version, 0) % 1_000_000_007;
  const name = `anvil_template_${version}`;
  await withAdmin(baseUrl, async (client) => {
    // Test files run in parallel forks: one builds the template, the others wait on the lock.
    await client.query('SELECT pg_advisory_lock(4242)');
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount === 0) {
        await client.query(`CREATE DATABASE ${name}`);
        const database = await openPostgres({ url: withDatabase(baseUrl, name), poolMax: 1, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 60 });
        await migrate(database);
        await database.close();
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock(4242)');
    }
  });
  return name;
}

async function withAdmin<T>(baseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
