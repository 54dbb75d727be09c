#!/usr/bin/env node
import { Command } from 'commander';
import { registerAgentsCommand } from './agents.js';
import { registerAuditCommand } from './audit.js';
import { registerCacheCommand } from './cache.js';
import { registerCostsCommand } from './costs.js';
import { registerInspectCommand } from './inspect.js';
import { registerKeysCommand } from './keys.js';
import { registerMemoriesCommand } from './memories.js';
import { registerMigrateCommand } from './migrate.js';
import { registerPeopleCommands } from './people.js';
import { registerRunCommand } from './run.js';
import { registerRunGuardianCommand } from './runs-guardian.js';
import { registerSecretsCommand } from './secrets.js';
import { registerServeCommand } from './serve.js';
import { registerWorkerCommand } from './worker.js';
import { registerWorkflowsCommand } from './workflows.js';

/**
 * The `anvil` command. Each command lives in its own file and registers itself here. Always run
 * it through the local bin (`npx --no-install anvil` or npm scripts): an unrelated registry
 * package shares the name.
 */
const program = new Command()
  .name('anvil')
  .description('Anvil: a self-hosted multi-agent orchestration server')
  .option('-c, --config <file>', 'a YAML or JSON config file (default: $ANVIL_CONFIG)')
  .showHelpAfterError()
  // Bad usage (unknown option, missing argument) is bad input: exit 2. Set before the commands
  // are added, so that they inherit it.
  .exitOverride((error) => {
    process.exit(error.exitCode === 0 ? 0 : 2);
  });

const commands = [
  registerServeCommand,
  registerWorkerCommand,
  registerRunCommand,
  registerMigrateCommand,
  registerWorkflowsCommand,
  registerInspectCommand,
  registerSecretsCommand,
  registerAuditCommand,
  registerKeysCommand,
  registerAgentsCommand,
  registerCostsCommand,
  registerMemoriesCommand,
  registerPeopleCommands,
  registerRunGuardianCommand,
  registerCacheCommand,
];
for (const register of commands) {
  register(program);
}

await program.parseAsync(process.argv);
