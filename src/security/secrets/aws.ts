import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { backendFailure, describeError, type SecretsBackend } from './backend.js';

export interface AwsBackendOptions {
  /** Region; unset means the SDK's chain (AWS_REGION, the shared config). */
  region?: string;
  /** Another endpoint than AWS's (a VPC endpoint, LocalStack). */
  endpoint?: string;
  /** NAME is read as secret id `<prefix>NAME` (default none). */
  prefix?: string;
  /** Explicit credentials; unset means the SDK's default chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
}

/**
 * AWS Secrets Manager through the official SDK (GetSecretValue, AWSCURRENT stage). The SDK is
 * imported on first use, so a deployment without this backend never loads it.
 */
export function createAwsBackend({ region, endpoint, prefix = '', credentials, timeoutMs = 5_000 }: AwsBackendOptions = {}): SecretsBackend {
  let client: Promise<{ client: SecretsManagerClient; module: typeof import('@aws-sdk/client-secrets-manager') }> | undefined;

  function connect() {
    client ??= import('@aws-sdk/client-secrets-manager').then((module) => ({
      module,
      client: new module.SecretsManagerClient({
        region,
        endpoint,
        credentials,
        maxAttempts: 2,
        requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
      }),
    }));
    return client;
  }

  return {
    name: 'aws',
    async get(name) {
      const { client: secretsClient, module } = await connect();
      try {
        const answer = await secretsClient.send(new module.GetSecretValueCommand({ SecretId: prefix + name }));
        if (answer.SecretString !== undefined) return answer.SecretString === '' ? undefined : answer.SecretString;
        if (answer.SecretBinary !== undefined) return Buffer.from(answer.SecretBinary).toString('utf8');
        return undefined;
      } catch (error) {
        if (error instanceof module.ResourceNotFoundException) return undefined;
        throw backendFailure('aws', name, describeError(error));
      }
    },
    async close() {
      if (client) (await client).client.destroy();
    },
  };
}
