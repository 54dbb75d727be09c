import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import type { TokenCredential } from '@azure/core-auth';
import type { SecretClient } from '@azure/keyvault-secrets';
import { backendFailure, describeError, type SecretsBackend } from './backend.js';

export interface AzureBackendOptions {
  /** The vault, e.g. `https://my-vault.vault.azure.net`. */
  vaultUrl: string;
  /** NAME is read as `<prefix>NAME` with `_` and `.` turned into `-` (Key Vault allows letters, digits and dashes). */
  prefix?: string;
  /** PEM file of certificate authorities to trust besides the system's. */
  caFile?: string;
  /** PEM text of certificate authorities, as caFile. */
  ca?: string;
  /** A credential; unset means DefaultAzureCredential (environment, workload identity, managed identity, az CLI). */
  credential?: TokenCredential;
  /**
   * Whether the token's resource must be a parent domain of the vault's host (default true). Only
   * a vault reached by IP address (the tests' local server) needs this off; not a setting.
   */
  verifyChallengeResource?: boolean;
}

/** Key Vault secret names allow only letters, digits and dashes. */
export function azureSecretName(name: string): string {
  return name.replace(/[_.]/g, '-');
}

/**
 * Azure Key Vault through the official client. The client and @azure/identity are imported on
 * first use. Key Vault speaks HTTPS only; `caFile` adds a private authority for endpoints behind
 * a corporate proxy (and lets the tests use a certificate generated at run time).
 */
export function createAzureBackend({ vaultUrl, prefix = '', caFile, ca, credential, verifyChallengeResource = true }: AzureBackendOptions): SecretsBackend {
  let client: Promise<SecretClient> | undefined;

  function connect(): Promise<SecretClient> {
    client ??= (async () => {
      const { SecretClient } = await import('@azure/keyvault-secrets');
      const authority = ca ?? (caFile ? await readFile(caFile, 'utf8') : undefined);
      const tokens = credential ?? new (await import('@azure/identity')).DefaultAzureCredential();
      return new SecretClient(vaultUrl, tokens, {
        retryOptions: { maxRetries: 1 },
        disableChallengeResourceVerification: !verifyChallengeResource,
        // The option replaces the trusted list, so the system's authorities are kept beside the extra one.
        ...(authority ? { tlsOptions: { ca: [...rootCertificates, authority] } } : {}),
      });
    })();
    return client;
  }

  return {
    name: 'azure',
    async get(name) {
      let secrets: SecretClient;
      try {
        secrets = await connect();
      } catch (error) {
        client = undefined;
        throw backendFailure('azure', name, describeError(error));
      }
      try {
        const secret = await secrets.getSecret(azureSecretName(prefix + name));
        return secret.value === undefined || secret.value === '' ? undefined : secret.value;
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw backendFailure('azure', name, describeError(error));
      }
    },
  };
}
