import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { googleAuthLibrary } from 'google-gax';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/api/index.js';
import { testConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { createRedactor } from '../../src/observability/redactor.js';
import { createRuntime, type Runtime } from '../../src/runtime.js';
import { createAwsBackend, createAzureBackend, createGcpBackend, createSecretsManagerFromConfig } from '../../src/security/secrets/index.js';
import { fakeAwsCredentials, startFakeAws } from '../../src/security/secrets/testing/fake-aws.js';
import { fakeAzureToken, startFakeAzure, type FakeAzure } from '../../src/security/secrets/testing/fake-azure.js';
import { fakeGcpToken, startFakeGcp } from '../../src/security/secrets/testing/fake-gcp.js';
import type { FakeSecretsServer } from '../../src/security/secrets/testing/fake-server.js';
import { startFakeVault, type FakeVault } from '../../src/security/secrets/testing/fake-vault.js';
import { openMigratedPglite } from '../helpers/databases.js';
import { runCli } from '../helpers/cli.js';
import { simulatedModels } from '../helpers/runtime.js';

/**
 * The canary: one random value, placed (with a per-backend suffix) in every backend — a private
 * environment, a secret file, and the fake Vault, AWS, GCP and Azure servers (see
 * src/security/secrets/testing/fake-*.ts for what each fakes; the cloud credentials are fixed
 * test tokens). Settings refer to the canaries (an API key, a Redis password); the workload
 * starts a runtime and an HTTP server on a real socket, makes requests including failing ones,
 * logs an error that quotes a value, makes a backend fail so the last good value is served, and
 * runs `anvil secrets check` as a child process. Every log line, response body and header, and
 * the command's output are captured: the canary must appear in none of them.
 */
describe('secrets canary', () => {
  const canary = `canary${randomBytes(12).toString('hex')}`;
  const valueOf = (backend: string) => `${canary}-${backend}`;
  const captured: string[] = [];
  const folder = mkdtempSync(join(tmpdir(), 'anvil-canary-'));
  let vault: FakeVault;
  let aws: FakeSecretsServer;
  let gcp: FakeSecretsServer;
  let azure: FakeAzure;
  let runtime: Runtime;

  beforeAll(async () => {
    [vault, aws, gcp, azure] = await Promise.all([startFakeVault(), startFakeAws(), startFakeGcp('canary-project'), startFakeAzure()]);
    vault.store.set('CANARY_VAULT', valueOf('vault'));
    aws.store.set('CANARY_AWS', valueOf('aws'));
    gcp.store.set('CANARY_GCP', valueOf('gcp'));
    azure.store.set('CANARY-AZURE', valueOf('azure'));
    writeFileSync(join(folder, 'CANARY_FILE'), `${valueOf('file')}\n`);
  });

  afterAll(async () => {
    await runtime?.close();
    await Promise.all([vault, aws, gcp, azure].map((server) => server?.close()));
    rmSync(folder, { recursive: true, force: true });
  });

  it('never shows a secret value in a log line, a response or the check command, while every value is in use', async () => {
    const redactor = createRedactor();
    const destination = new Writable({ write: (chunk, _encoding, done) => (captured.push(String(chunk)), done()) });
    const logger = createLogger({ level: 'trace', destination, redactor });
    const config = testConfig({
      log: { level: 'trace' },
      llm: { openaiApiKey: 'secret:CANARY_AWS', anthropicApiKey: 'secret:CANARY_GCP', openaiCompatibleApiKey: 'secret:CANARY_AZURE' },
      redis: { url: 'redis://:{secret:CANARY_VAULT}@127.0.0.1:1/0' },
      secrets: {
        backends: ['env', 'file', 'vault', 'aws', 'gcp', 'azure'],
        names: ['CANARY_ENV', 'CANARY_FILE'],
        file: { directory: folder },
        vault: { address: vault.url, token: vault.token },
      },
    });
    const env = { CANARY_ENV: valueOf('env') };
    const authClient = new googleAuthLibrary.OAuth2Client();
    authClient.setCredentials({ access_token: fakeGcpToken, expiry_date: Date.now() + 3_600_000 });
    const secrets = createSecretsManagerFromConfig({
      settings: { ...config.secrets, cacheTtlSeconds: 1 },
      logger,
      redactor,
      env,
      backends: {
        aws: createAwsBackend({ region: 'eu-west-1', endpoint: aws.url, credentials: fakeAwsCredentials }),
        gcp: createGcpBackend({ project: 'canary-project', endpoint: gcp.url, authClient }),
        azure: createAzureBackend({
          vaultUrl: azure.url,
          ca: azure.certificate,
          verifyChallengeResource: false,
          credential: { getToken: async () => ({ token: fakeAzureToken, expiresOnTimestamp: Date.now() + 3_600_000 }) },
        }),
      },
    });

    runtime = await createRuntime(config, { database: await openMigratedPglite(), models: simulatedModels(), logger, redactor, secrets });
    // Positive control: the references really resolved, so the values were in the process.
    expect(runtime.config.llm.openaiApiKey).toBe(valueOf('aws'));
    expect(runtime.config.llm.anthropicApiKey).toBe(valueOf('gcp'));
    expect(runtime.config.llm.openaiCompatibleApiKey).toBe(valueOf('azure'));
    expect(runtime.config.redis.url).toBe(`redis://:${valueOf('vault')}@127.0.0.1:1/0`);
    expect(await secrets.get('CANARY_ENV')).toBe(valueOf('env'));
    expect(await secrets.get('CANARY_FILE')).toBe(valueOf('file'));

    const app = await buildServer({ runtime });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const requests: [string, RequestInit?][] = [
        ['/healthz'],
        ['/readyz'],
        ['/api/v1/system/status'],
        ['/api/v1/workflows'],
        [`/api/v1/runs/${valueOf('env')}`],
        [`/no-such-route?key=${valueOf('file')}`],
        ['/api/v1/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"broken json' }],
        ['/api/v1/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workflow: 'nope', goal: valueOf('vault') }) }],
        ['/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${valueOf('aws')}` }, body: JSON.stringify({ model: 'simulated/agent', messages: [{ role: 'user', content: 'hi' }] }) }],
      ];
      for (const [path, init] of requests) {
        const response = await fetch(`${address}${path}`, init);
        const body = await response.text();
        // A value the client itself sent may be echoed back to it; the check covers what the server adds.
        captured.push(JSON.stringify([...response.headers]));
        const sent = `${path} ${String(init?.body ?? '')} ${JSON.stringify(init?.headers ?? {})}`;
        captured.push(['env', 'file', 'vault', 'aws'].filter((backend) => sent.includes(valueOf(backend))).reduce((text, backend) => text.replaceAll(valueOf(backend), '[sent by client]'), body));
      }
    } finally {
      await app.close();
    }

    // A library that quotes a value in an error, and a backend outage with the last good value served.
    runtime.logger.error({ err: new Error(`connection refused for ${valueOf('aws')}`), url: runtime.config.redis.url }, 'simulated library error');
    vault.failing = true;
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await secrets.get('CANARY_VAULT')).toBe(valueOf('vault'));
    vault.failing = false;

    const check = await runCli(['secrets', 'check', '--json', 'CANARY_AWS'], {
      CANARY_ENV: valueOf('env'),
      ANVIL_SECRETS_BACKENDS: 'env,file,vault,aws',
      ANVIL_SECRETS_DIRECTORY: folder,
      VAULT_ADDR: vault.url,
      VAULT_TOKEN: vault.token,
      ANVIL_SECRETS_AWS_REGION: 'eu-west-1',
      ANVIL_CONFIG: writeConfig(folder, aws.url),
      AWS_ACCESS_KEY_ID: fakeAwsCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: fakeAwsCredentials.secretAccessKey,
    });
    captured.push(check.stdout, check.stderr);
    const report = JSON.parse(check.stdout) as { secrets: { name: string; resolvedFrom: string }[] };
    expect(Object.fromEntries(report.secrets.map((entry) => [entry.name, entry.resolvedFrom]))).toEqual({ CANARY_AWS: 'aws', CANARY_ENV: 'env', CANARY_FILE: 'file', CANARY_VAULT: 'vault' });
    expect(check.code).toBe(0);

    const everything = captured.join('\n');
    expect(captured.length).toBeGreaterThan(20);
    expect(everything).toContain('[secret]');
    expect(everything).toContain('serving the last good value');
    expect(everything).not.toContain(canary);
  });
});

function writeConfig(folder: string, awsEndpoint: string): string {
  const path = join(folder, 'anvil.yaml');
  writeFileSync(path, `secrets:\n  names: [CANARY_ENV, CANARY_FILE, CANARY_VAULT]\n  aws:\n    endpoint: ${awsEndpoint}\n`);
  return path;
}
