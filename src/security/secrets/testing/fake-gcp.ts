import { sendJson, startFakeServer, type FakeSecretsServer } from './fake-server.js';

/**
 * Fakes Google Cloud Secret Manager's REST API (what the client's REST fallback transport
 * speaks): `GET /v1/projects/PROJECT/secrets/NAME/versions/latest:access` with a bearer token,
 * answering the payload base64-encoded, or Google's 404 error shape.
 */
export const fakeGcpToken = 'ya29.fake-gcp-access-token-0001';

export async function startFakeGcp(project: string): Promise<FakeSecretsServer> {
  const store = new Map<string, string>();
  return startFakeServer(
    store,
    (request, _body, response) => {
      const path = new URL(request.url ?? '/', 'http://gcp').pathname;
      const match = /^\/v1\/projects\/([^/]+)\/secrets\/([^/]+)\/versions\/latest:access$/.exec(path);
      if (!match) return sendJson(response, 404, { error: { code: 404, message: 'no such method', status: 'NOT_FOUND' } });
      if (request.headers.authorization !== `Bearer ${fakeGcpToken}`) {
        return sendJson(response, 401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      }
      const value = match[1] === project ? store.get(decodeURIComponent(match[2]!)) : undefined;
      if (value === undefined) return sendJson(response, 404, { error: { code: 404, message: 'Secret not found or has no versions.', status: 'NOT_FOUND' } });
      sendJson(response, 200, { name: `projects/${project}/secrets/${match[2]}/versions/1`, payload: { data: Buffer.from(value).toString('base64') } });
    },
    { outage: (response) => sendJson(response, 503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } }) },
  );
}
