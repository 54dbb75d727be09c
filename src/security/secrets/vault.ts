import { readFile } from 'node:fs/promises';
import { backendFailure, type SecretsBackend, type SensitiveSink } from './backend.js';

export interface VaultBackendOptions {
  /** Vault's address, e.g. `https://vault.internal:8200`. */
  address: string;
  /** KV version 2 mount (default `secret`). */
  mount?: string;
  /** NAME is read from `<mount>/data/<pathPrefix>NAME` (default `anvil/`). */
  pathPrefix?: string;
  /** The entry's field holding the value (default `value`). */
  field?: string;
  namespace?: string;
  /** Token authentication: the token, or a file holding it (re-read when Vault refuses it). */
  token?: string;
  tokenFile?: string;
  /** AppRole authentication, used when no token is given. */
  roleId?: string;
  secretId?: string;
  secretIdFile?: string;
  /** AppRole mount (default `approle`). */
  approleMount?: string;
  /** Per-request timeout (default 5000 ms). */
  timeoutMs?: number;
  /** Told about every token and secret id, so logs redact them. */
  onSensitive?: SensitiveSink;
}

/**
 * HashiCorp Vault, KV version 2, over its HTTP API with token or AppRole authentication.
 * An AppRole token is kept until 90% of its lease and obtained again when Vault answers 403.
 */
export function createVaultBackend({
  address,
  mount = 'secret',
  pathPrefix = 'anvil/',
  field = 'value',
  namespace,
  token,
  tokenFile,
  roleId,
  secretId,
  secretIdFile,
  approleMount = 'approle',
  timeoutMs = 5_000,
  onSensitive = () => {},
}: VaultBackendOptions): SecretsBackend {
  const base = address.replace(/\/+$/, '');
  let current: { token: string; expiresAt: number } | undefined;

  async function request(name: string, path: string, init: { method?: string; token?: string; body?: unknown } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (init.token) headers['x-vault-token'] = init.token;
    if (namespace) headers['x-vault-namespace'] = namespace;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await fetch(`${base}/v1/${path}`, {
        method: init.method ?? 'GET',
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw backendFailure('vault', name, `request failed (${(error as Error).name})`);
    }
  }

  async function readSecretFile(name: string, path: string): Promise<string> {
    try {
      return (await readFile(path, 'utf8')).trim();
    } catch (error) {
      throw backendFailure('vault', name, `cannot read credential file ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }

  async function login(name: string): Promise<string> {
    if (token) return token;
    if (tokenFile) return readSecretFile(name, tokenFile);
    if (!roleId) throw backendFailure('vault', name, 'no token, token file or AppRole role id configured');
    const approleSecret = secretId ?? (secretIdFile ? await readSecretFile(name, secretIdFile) : undefined);
    if (!approleSecret) throw backendFailure('vault', name, 'AppRole needs a secret id or a secret id file');
    onSensitive(approleSecret);
    const response = await request(name, `auth/${approleMount}/login`, { method: 'POST', body: { role_id: roleId, secret_id: approleSecret } });
    if (!response.ok) throw backendFailure('vault', name, `AppRole login answered HTTP ${response.status}`);
    const body = (await response.json()) as { auth?: { client_token?: string; lease_duration?: number } };
    const issued = body.auth?.client_token;
    if (!issued) throw backendFailure('vault', name, 'AppRole login answered without a token');
    onSensitive(issued);
    current = { token: issued, expiresAt: Date.now() + (body.auth?.lease_duration ?? 3_600) * 900 };
    return issued;
  }

  async function currentToken(name: string): Promise<string> {
    if (current && current.expiresAt > Date.now()) return current.token;
    const value = await login(name);
    onSensitive(value);
    return value;
  }

  async function read(name: string, retried: boolean): Promise<string | undefined> {
    const response = await request(name, `${mount}/data/${pathPrefix}${encodeURIComponent(name)}`, { token: await currentToken(name) });
    if (response.status === 404) return undefined;
    if (response.status === 403 && !retried && (roleId || tokenFile)) {
      current = undefined;
      return read(name, true);
    }
    if (!response.ok) throw backendFailure('vault', name, `HTTP ${response.status}`);
    const body = (await response.json().catch(() => undefined)) as { data?: { data?: Record<string, unknown> | null } } | undefined;
    if (!body?.data) throw backendFailure('vault', name, 'the answer is not a KV version 2 read');
    const value = body.data.data?.[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value !== 'string') throw backendFailure('vault', name, `field ${field} is not a string`);
    return value;
  }

  return {
    name: 'vault',
    get: (name) => read(name, false),
  };
}
