import { sendJson, startFakeServer, type FakeSecretsServer } from './fake-server.js';

/**
 * Fakes AWS Secrets Manager's JSON 1.1 protocol: `POST /` with `X-Amz-Target:
 * secretsmanager.GetSecretValue`, a SigV4 `Authorization` header naming the access key (the
 * signature itself is not verified), and `ResourceNotFoundException` for an absent secret.
 */
export const fakeAwsCredentials = { accessKeyId: 'ANVILTESTACCESSKEY01', secretAccessKey: 'fake-aws-secret-access-key-0001' };

export async function startFakeAws(): Promise<FakeSecretsServer> {
  const store = new Map<string, string>();
  const amzJson = { 'content-type': 'application/x-amz-json-1.1' };
  return startFakeServer(
    store,
    (request, body, response) => {
      if (request.method !== 'POST' || request.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
        return sendJson(response, 400, { __type: 'UnknownOperationException' }, amzJson);
      }
      if (!String(request.headers.authorization).startsWith(`AWS4-HMAC-SHA256 Credential=${fakeAwsCredentials.accessKeyId}/`)) {
        return sendJson(response, 403, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' }, amzJson);
      }
      const { SecretId } = JSON.parse(body) as { SecretId: string };
      const value = store.get(SecretId);
      if (value === undefined) {
        return sendJson(response, 400, { __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret." }, amzJson);
      }
      sendJson(
        response,
        200,
        { ARN: `arn:aws:secretsmanager:eu-west-1:000000000000:secret:${SecretId}-AbCdEf`, Name: SecretId, SecretString: value, VersionId: 'v1', VersionStages: ['AWSCURRENT'], CreatedDate: 1_700_000_000 },
        amzJson,
      );
    },
    { outage: (response) => sendJson(response, 503, { __type: 'ServiceUnavailableException', message: 'unavailable' }, amzJson) },
  );
}
