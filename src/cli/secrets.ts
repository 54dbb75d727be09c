import type { Command } from 'commander';
import type { Config } from '../config/index.js';
import { createLogger } from '../observability/logger.js';
import { createRedactor } from '../observability/redactor.js';
import { createSecretsManagerFromConfig, resolveSecretReferences, secretReferences, type SecretLocation, type SecretsManager } from '../security/secrets/index.js';
import { configFrom, exitCodes, runCommand } from './context.js';

/**
 * `anvil secrets check [NAME…] [--json]`: which names resolve, and from which backend, for every
 * name the configuration refers to (`secret:NAME`), every name in `secrets.names`, and the names
 * given. Values are fetched to know they exist but never printed: the report holds names,
 * backends and each backend's answer (found, absent, failed with a value-free reason).
 * Exit 0 when every name resolves, 1 otherwise.
 */
export function registerSecretsCommand(program: Command): void {
  const secrets = program.command('secrets').description('Inspect the secrets backends');
  secrets
    .command('check')
    .description('Show which secret names resolve from which backend, without printing values')
    .argument('[names...]', 'more names to check')
    .option('--json', 'print a JSON report')
    .action((names: string[], options: { json?: boolean }) =>
      runCommand(async () => {
        const config = configFrom(program);
        const manager = openManager(config);
        try {
          const report = await checkSecrets(manager, [...secretReferences(config).flatMap((reference) => reference.names), ...config.secrets.names, ...names]);
          process.stdout.write(options.json ? `${JSON.stringify({ backends: manager.backendNames, secrets: report }, null, 2)}\n` : formatReport(manager, report));
          return report.every((location) => location.resolvedFrom !== undefined) ? exitCodes.ok : exitCodes.failed;
        } finally {
          await manager.close();
        }
      }),
    );
}

/** A manager for a command that has no runtime: warnings go to stderr through a redactor. */
export function openManager(config: Config): SecretsManager {
  const redactor = createRedactor();
  const logger = createLogger({ level: config.log.level, pretty: false, destination: process.stderr, redactor });
  return createSecretsManagerFromConfig({ settings: config.secrets, logger, redactor });
}

/** The config with its `secret:NAME` references resolved, for a command that opens the database without a runtime. */
export async function resolvedConfig(config: Config): Promise<Config> {
  if (secretReferences(config).length === 0) return config;
  const manager = openManager(config);
  try {
    return await resolveSecretReferences(config, manager);
  } finally {
    await manager.close();
  }
}

export async function checkSecrets(manager: SecretsManager, names: readonly string[]): Promise<SecretLocation[]> {
  const report: SecretLocation[] = [];
  for (const name of [...new Set(names)].sort()) report.push(await manager.locate(name));
  return report;
}

function formatReport(manager: SecretsManager, report: readonly SecretLocation[]): string {
  const lines = [`backends, in order: ${manager.backendNames.join(', ') || 'none'}`];
  if (report.length === 0) lines.push('no secret names are referenced or configured (secrets.names)');
  for (const location of report) {
    const answers = location.answers.map(({ backend, answer, reason }) => `${backend}=${answer}${reason ? ` (${reason})` : ''}`).join(' ');
    lines.push(`${location.resolvedFrom ? 'ok     ' : 'MISSING'} ${location.name.padEnd(28)} ${(location.resolvedFrom ?? '-').padEnd(6)} ${answers}`);
  }
  return `${lines.join('\n')}\n`;
}
