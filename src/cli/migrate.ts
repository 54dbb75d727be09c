import type { Command } from 'commander';
import { migrate } from '../store/migrate.js';
import { openDatabase } from '../store/open.js';
import { configFrom, runCommand } from './context.js';
import { resolvedConfig } from './secrets.js';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations (also done at every start)')
    .action(() =>
      runCommand(async () => {
        const config = await resolvedConfig(configFrom(program));
        const db = await openDatabase(config.database, 'cli');
        try {
          const applied = await migrate(db);
          process.stdout.write(applied.length > 0 ? `applied migrations ${applied.join(', ')}\n` : 'database is up to date\n');
        } finally {
          await db.close();
        }
      }),
    );
}
