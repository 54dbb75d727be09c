import { sendJson, startFakeServer, type FakeSecretsServer } from './fake-server.js';

export interface FakeVault extends FakeSecretsServer {
  readonly token: string;
  readonly roleId: string;
  readonly secretId: string;
  /** Revokes the issued AppRole tokens, as a lease expiry would. */
  revokeTokens(): void;
}

/**
 * Fakes HashiCorp Vault's HTTP API: KV version 2 reads at `GET /v1/secret/data/anvil/NAME`
 * (checked against `X-Vault-Token`, 403 otherwise, 404 when absent) and AppRole login at
 * `POST /v1/auth/approle/login`. An outage answers 503 as a sealed Vault does.
 */
export async function startFakeVault(): Promise<FakeVault> {
  const store = new Map<string, string>();
  const identity = { token: 'hvs.fake-root-token-0001', roleId: 'role-anvil', secretId: 'approle-secret-id-0001' };
  const issued = new Set<string>([identity.token]);
  let counter = 0;
  const server = await startFakeServer(
    store,
    (request, body, response) => {
      const path = new URL(request.url ?? '/', 'http://vault').pathname;
      if (request.method === 'POST' && path === '/v1/auth/approle/login') {
        const login = JSON.parse(body || '{}') as { role_id?: string; secret_id?: string };
        if (login.role_id !== identity.roleId || login.secret_id !== identity.secretId) return sendJson(response, 400, { errors: ['invalid role or secret ID'] });
        const token = `hvs.approle-${(counter += 1)}`;
        issued.add(token);
        return sendJson(response, 200, { auth: { client_token: token, lease_duration: 60, renewable: true } });
      }
      const read = /^\/v1\/secret\/data\/anvil\/([^/]+)$/.exec(path);
      if (request.method !== 'GET' || !read) return sendJson(response, 404, { errors: [] });
      if (!issued.has(String(request.headers['x-vault-token']))) return sendJson(response, 403, { errors: ['permission denied'] });
      const value = store.get(decodeURIComponent(read[1]!));
      if (value === undefined) return sendJson(response, 404, { errors: [] });
      sendJson(response, 200, { data: { data: { value }, metadata: { version: 1, destroyed: false } } });
    },
    { outage: (response) => sendJson(response, 503, { errors: ['Vault is sealed'] }) },
  );
  return Object.assign(server, {
    ...identity,
    revokeTokens() {
      for (const token of issued) if (token !== identity.token) issued.delete(token);
    },
  });
}
