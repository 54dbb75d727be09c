import { sendJson, startFakeServer, selfSignedCertificate, type FakeSecretsServer } from './fake-server.js';

/**
 * Fakes Azure Key Vault's REST API over HTTPS with a certificate generated at run time: the
 * challenge (401 with `WWW-Authenticate: Bearer authorization=…, resource=…` to a request
 * without a token), then `GET /secrets/NAME?api-version=…` with the bearer token, answering the
 * secret bundle or Key Vault's `SecretNotFound` error.
 */
export const fakeAzureToken = 'fake-azure-access-token-0001';

export interface FakeAzure extends FakeSecretsServer {
  /** The certificate to trust (PEM). */
  readonly certificate: string;
}

export async function startFakeAzure(): Promise<FakeAzure> {
  const store = new Map<string, string>();
  const tls = selfSignedCertificate();
  const server = await startFakeServer(
    store,
    (request, _body, response) => {
      const path = new URL(request.url ?? '/', 'https://vault').pathname.replace(/\/$/, '');
      if (request.headers.authorization !== `Bearer ${fakeAzureToken}`) {
        return sendJson(response, 401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, {
          'www-authenticate': 'Bearer authorization="https://login.microsoftonline.com/00000000-0000-0000-0000-000000000000", resource="https://vault.azure.net"',
        });
      }
      const match = /^\/secrets\/([0-9A-Za-z-]+)$/.exec(path);
      const value = match ? store.get(match[1]!) : undefined;
      if (!match || value === undefined) return sendJson(response, 404, { error: { code: 'SecretNotFound', message: 'A secret with (name/id) was not found in this key vault.' } });
      const id = `${server.url}/secrets/${match[1]}/0123456789abcdef`;
      sendJson(response, 200, { value, id, attributes: { enabled: true, created: 1_700_000_000, updated: 1_700_000_000, recoveryLevel: 'Recoverable' } });
    },
    { tls, outage: (response) => sendJson(response, 503, { error: { code: 'ServiceUnavailable', message: 'unavailable' } }) },
  );
  return Object.assign(server, { certificate: tls.cert });
}
