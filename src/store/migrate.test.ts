import { describe, expect, it } from 'vitest';
import { databaseVariants } from '../../test/helpers/databases.js';
import { listMigrations, migrate } from './migrate.js';

describe.each(databaseVariants())('migrations on $name', (variant) => {
  it('applies every migration once and is a no-op the second time', async () => {
    const database = await variant.open();
    try {
      const versions = listMigrations().map((m) => m.version);
      const applied = await database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      expect(applied.rows.map((row) => Number(row.version))).toEqual(versions);
      expect(await migrate(database)).toEqual([]);
    } finally {
      await database.close();
    }
  });

  it('creates the composite indexes the queries rely on', async () => {
    const database = await variant.open();
    try {
      const indexes = await database.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
      const names = indexes.rows.map((row) => row.indexname);
      for (const name of ['tasks_claim_idx', 'tasks_board_idx', 'llm_calls_run_idx', 'llm_calls_model_idx', 'events_pkey']) {
        expect(names).toContain(name);
      }
    } finally {
      await database.close();
    }
  });
});

const postgres = databaseVariants().find((variant) => variant.name === 'postgres');
// PGlite has one backend and a folder lock, so only PostgreSQL can race two migrators.
if (postgres) describe('concurrent migration on postgres', () => {
  it('two processes migrating at once apply each version once', async () => {
    const { openPostgres } = await import('./postgres.js');
    const { createPostgresDatabase } = await import('../../test/helpers/databases.js');
    const { postgresUrl } = await import('../../test/helpers/services.js');
    const baseUrl = postgresUrl()!;
    // An empty database (not the migrated template) so both starters really race.
    const url = await createPostgresDatabase(baseUrl);
    const first = await openPostgres({ url, poolMax: 2, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 60 });
    await first.script('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    const second = await openPostgres({ url, poolMax: 2, connectionTimeoutMs: 5_000, maxLifetimeSeconds: 60 });
    try {
      const [a, b] = await Promise.all([migrate(first), migrate(second)]);
      expect([...a, ...b].sort((x, y) => x - y)).toEqual(listMigrations().map((m) => m.version));
    } finally {
      await first.close();
      await second.close();
    }
  });
});
