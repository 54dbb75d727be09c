import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { googleAuthLibrary } from 'google-gax';
import { createAwsBackend } from './aws.js';
import { azureSecretName, createAzureBackend } from './azure.js';
import { createEnvBackend } from './env.js';
import { createFileBackend } from './file.js';
import { createGcpBackend } from './gcp.js';
import { describeBackendContract } from './testing/backend-contract.js';
import { fakeAwsCredentials, startFakeAws } from './testing/fake-aws.js';
import { fakeAzureToken, startFakeAzure } from './testing/fake-azure.js';
import { fakeGcpToken, startFakeGcp } from './testing/fake-gcp.js';
import { startFakeVault } from './testing/fake-vault.js';
import { createVaultBackend } from './vault.js';

/**
 * The contract suite against every backend. env and file are real (a private environment
 * object, real files in a temporary folder). Vault, AWS, GCP and Azure each use their real
 * client — the HTTP client for Vault, the official SDKs for the others — over a socket to a local
 * server that speaks that service's HTTP API (testing/fake-*.ts say what each fakes). What is
 * faked besides the servers: the cloud credentials. AWS gets fixed access keys (the request is
 * still SigV4-signed by the SDK); GCP gets google-auth-library's OAuth2Client holding an access
 * token, so no token endpoint is called; Azure gets a TokenCredential object that returns a fixed
 * token, and the challenge resource check is off because the vault is reached by IP address.
 */

describeBackendContract('env', async () => {
  const env: NodeJS.ProcessEnv = {};
  return { backend: createEnvBackend({ env, prefix: 'TEST_' }), put: (name, value) => void (env[`TEST_${name}`] = value), credentials: [], close: async () => {} };
});

describeBackendContract('file', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'anvil-secrets-file-'));
  const directory = join(folder, 'run-secrets');
  const dotenv = join(folder, '.env');
  const moved = join(folder, '.env.moved');
  writeFileSync(dotenv, 'UNRELATED=1\n');
  rmSync(directory, { force: true, recursive: true });
  const { mkdirSync } = await import('node:fs');
  mkdirSync(directory);
  return {
    backend: createFileBackend({ dotenvFiles: [dotenv], directory }),
    // As Docker and Kubernetes write them: one file per secret, ending with a newline.
    put: (name, value) => writeFileSync(join(directory, name), `${value}\n`),
    // A configured dotenv file that vanished is a failure, not an absence.
    setFailing: (failing) => (failing ? renameSync(dotenv, moved) : renameSync(moved, dotenv)),
    credentials: [],
    close: async () => rmSync(folder, { recursive: true, force: true }),
  };
});

describeBackendContract('vault (token)', async () => {
  const vault = await startFakeVault();
  return {
    backend: createVaultBackend({ address: vault.url, token: vault.token, timeoutMs: 2_000 }),
    put: (name, value) => void vault.store.set(name, value),
    setFailing: (failing) => (vault.failing = failing),
    credentials: [vault.token],
    close: () => vault.close(),
  };
});

describeBackendContract('vault (AppRole)', async () => {
  const vault = await startFakeVault();
  return {
    backend: createVaultBackend({ address: vault.url, roleId: vault.roleId, secretId: vault.secretId, timeoutMs: 2_000 }),
    put: (name, value) => void vault.store.set(name, value),
    setFailing: (failing) => (vault.failing = failing),
    credentials: [vault.secretId, 'hvs.approle-1'],
    close: () => vault.close(),
  };
});

describeBackendContract('aws', async () => {
  const aws = await startFakeAws();
  return {
    backend: createAwsBackend({ region: 'eu-west-1', endpoint: aws.url, credentials: fakeAwsCredentials, timeoutMs: 2_000 }),
    put: (name, value) => void aws.store.set(name, value),
    setFailing: (failing) => (aws.failing = failing),
    credentials: [fakeAwsCredentials.secretAccessKey],
    close: () => aws.close(),
  };
});

describeBackendContract('gcp', async () => {
  const gcp = await startFakeGcp('anvil-test');
  const authClient = new googleAuthLibrary.OAuth2Client();
  authClient.setCredentials({ access_token: fakeGcpToken, expiry_date: Date.now() + 3_600_000 });
  return {
    backend: createGcpBackend({ project: 'anvil-test', endpoint: gcp.url, authClient }),
    put: (name, value) => void gcp.store.set(name, value),
    setFailing: (failing) => (gcp.failing = failing),
    credentials: [fakeGcpToken],
    close: () => gcp.close(),
  };
});

describeBackendContract('azure', async () => {
  const azure = await startFakeAzure();
  const credential = { getToken: async () => ({ token: fakeAzureToken, expiresOnTimestamp: Date.now() + 3_600_000 }) };
  return {
    backend: createAzureBackend({ vaultUrl: azure.url, ca: azure.certificate, credential, verifyChallengeResource: false }),
    put: (name, value) => void azure.store.set(azureSecretName(name), value),
    setFailing: (failing) => (azure.failing = failing),
    credentials: [fakeAzureToken],
    close: () => azure.close(),
  };
});
