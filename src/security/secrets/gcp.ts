import type { SecretManagerServiceClient } from '@google-cloud/secret-manager';
import { backendFailure, describeError, type SecretsBackend } from './backend.js';

export interface GcpBackendOptions {
  project: string;
  /** Another endpoint than Google's, e.g. `http://127.0.0.1:8085`; spoken to over the REST transport. */
  endpoint?: string;
  /** NAME is read as secret `<prefix>NAME` (default none). */
  prefix?: string;
  /** An auth client (google-auth-library); unset means Application Default Credentials. */
  authClient?: unknown;
}

/** gRPC answers NOT_FOUND as code 5; the REST transport keeps the HTTP status, 404. */
function isNotFound(error: unknown): boolean {
  const code = (error as { code?: number } | null)?.code;
  return code === 5 || code === 404;
}

/**
 * Google Cloud Secret Manager through the official client, reading `versions/latest`. The client
 * is imported on first use. A custom endpoint uses the REST fallback transport, which is also
 * what lets the tests speak to it over plain HTTP.
 */
export function createGcpBackend({ project, endpoint, prefix = '', authClient }: GcpBackendOptions): SecretsBackend {
  let client: Promise<SecretManagerServiceClient> | undefined;

  function connect(): Promise<SecretManagerServiceClient> {
    client ??= import('@google-cloud/secret-manager').then((module) => {
      const target = endpoint ? new URL(endpoint) : undefined;
      const options: Record<string, unknown> = {};
      if (target) {
        Object.assign(options, {
          apiEndpoint: target.hostname,
          port: target.port ? Number(target.port) : undefined,
          protocol: target.protocol.replace(':', ''),
          fallback: true,
        });
      }
      if (authClient) options.authClient = authClient;
      return new module.SecretManagerServiceClient(options as ConstructorParameters<typeof module.SecretManagerServiceClient>[0]);
    });
    return client;
  }

  return {
    name: 'gcp',
    async get(name) {
      const secrets = await connect();
      try {
        const [version] = await secrets.accessSecretVersion({ name: `projects/${project}/secrets/${prefix + name}/versions/latest` }, { retry: null, timeout: 5_000 });
        const data = version.payload?.data;
        if (data === undefined || data === null) return undefined;
        const value = typeof data === 'string' ? data : Buffer.from(data).toString('utf8');
        return value === '' ? undefined : value;
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw backendFailure('gcp', name, describeError(error));
      }
    },
    async close() {
      if (client) await (await client).close();
    },
  };
}
