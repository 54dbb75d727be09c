import type { SecretsConfig } from '../../config/secrets-schema.js';
import { AnvilError } from '../../errors.js';
import type { Logger } from '../../observability/logger.js';
import type { Redactor } from '../../observability/redactor.js';
import { createAwsBackend } from './aws.js';
import { createAzureBackend } from './azure.js';
import type { SecretsBackend, SecretsBackendName } from './backend.js';
import { createEnvBackend } from './env.js';
import { createFileBackend } from './file.js';
import { createGcpBackend } from './gcp.js';
import { createSecretsManager, type SecretsManager } from './manager.js';
import { createVaultBackend } from './vault.js';

export interface SecretsFromConfigOptions {
  settings: SecretsConfig;
  logger: Logger;
  redactor: Redactor;
  /** Backends to use instead of building them from the settings (tests pass clients aimed at their fake servers). */
  backends?: Partial<Record<SecretsBackendName, SecretsBackend>>;
  env?: NodeJS.ProcessEnv;
}

/**
 * Builds the manager from the `secrets` settings. Bootstrap credentials (a Vault token or AppRole
 * secret id) are registered with the redactor before anything is fetched. Cloud SDKs are not
 * imported here: each backend imports its SDK on first use.
 */
export function createSecretsManagerFromConfig({ settings, logger, redactor, backends = {}, env }: SecretsFromConfigOptions): SecretsManager {
  const { vault } = settings;
  for (const credential of [vault.token, vault.secretId]) if (credential) redactor.add(credential);
  const build: Record<SecretsBackendName, () => SecretsBackend> = {
    env: () => createEnvBackend({ env, prefix: settings.env.prefix }),
    file: () => createFileBackend({ dotenvFiles: settings.file.dotenvFiles, directory: settings.file.directory }),
    vault: () =>
      createVaultBackend({ ...vault, address: required(vault.address, 'secrets.vault.address (VAULT_ADDR)'), onSensitive: (value) => redactor.add(value) }),
    aws: () => createAwsBackend({ region: settings.aws.region, endpoint: settings.aws.endpoint, prefix: settings.aws.prefix }),
    gcp: () => createGcpBackend({ project: required(settings.gcp.project, 'secrets.gcp.project'), endpoint: settings.gcp.endpoint, prefix: settings.gcp.prefix }),
    azure: () =>
      createAzureBackend({ vaultUrl: required(settings.azure.vaultUrl, 'secrets.azure.vaultUrl'), caFile: settings.azure.caFile, prefix: settings.azure.prefix }),
  };
  return createSecretsManager({
    backends: settings.backends.map((name) => backends[name] ?? build[name]()),
    logger,
    redactor,
    ttlMs: settings.cacheTtlSeconds * 1_000,
  });
}

function required(value: string | undefined, setting: string): string {
  if (!value) throw new AnvilError('CONFIG_INVALID', `invalid configuration: ${setting} is required when that secrets backend is listed in secrets.backends`);
  return value;
}
