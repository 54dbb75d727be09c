import type { Config } from './config/index.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createRedactor, type Redactor } from './observability/redactor.js';
import { createSecretsManagerFromConfig, resolveSecretReferences, type SecretsManager } from './security/secrets/index.js';

export interface RuntimeSecretsOptions {
  logger?: Logger;
  /** Where the logger built here writes; commands whose stdout is data (`run --json`) pass stderr. */
  logDestination?: NodeJS.WritableStream;
  /** The redactor the given logger writes through; a logger built here always gets one. */
  redactor?: Redactor;
  /** A ready manager (tests aim backends at their fake servers). */
  secrets?: SecretsManager;
}

export interface RuntimeSecrets {
  /** The config with every `secret:NAME` reference replaced by its value. */
  config: Config;
  logger: Logger;
  redactor: Redactor;
  secrets: SecretsManager;
}

/**
 * The first step of createRuntime: the redactor, the logger that writes through it, the secrets
 * manager, and the config with its secret references resolved, before the database or Redis is
 * opened with a password that came through the manager.
 */
export async function openRuntimeSecrets(config: Config, options: RuntimeSecretsOptions): Promise<RuntimeSecrets> {
  const redactor = options.redactor ?? createRedactor();
  const logger = options.logger ?? createLogger({ level: config.log.level, pretty: config.log.pretty, redactor, destination: options.logDestination });
  const secrets = options.secrets ?? createSecretsManagerFromConfig({ settings: config.secrets, logger, redactor });
  try {
    return { config: await resolveSecretReferences(config, secrets), logger, redactor, secrets };
  } catch (error) {
    await secrets.close();
    throw error;
  }
}
