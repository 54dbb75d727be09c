import { describe, expect, it } from 'vitest';
import { createLogger } from '../../observability/logger.js';
import { createRedactor } from '../../observability/redactor.js';
import { createEnvBackend } from './env.js';
import { createSecretsManager } from './manager.js';
import { resolveSecretReferences, secretReferences } from './references.js';

function managerOver(env: NodeJS.ProcessEnv) {
  const redactor = createRedactor();
  return createSecretsManager({ backends: [createEnvBackend({ env })], logger: createLogger({ level: 'silent', redactor }), redactor });
}

describe('secret references in settings', () => {
  const config = {
    llm: { openaiApiKey: 'secret:OPENAI_KEY', defaultModel: 'openai/gpt-4o-mini' },
    database: { url: 'postgres://anvil:{secret:DB_PASSWORD}@db:5432/anvil' },
    redis: { url: 'redis://:{secret:REDIS_PASSWORD}@cache:6379/0' },
    secrets: { vault: { token: 'secret:NOT_RESOLVED' } },
  };

  it('lists every referenced name with its setting, leaving the secrets section alone', () => {
    expect(secretReferences(config)).toEqual([
      { setting: 'llm.openaiApiKey', names: ['OPENAI_KEY'] },
      { setting: 'database.url', names: ['DB_PASSWORD'] },
      { setting: 'redis.url', names: ['REDIS_PASSWORD'] },
    ]);
  });

  it('replaces a whole-value reference, and percent-encodes a placeholder inside a URL', async () => {
    const manager = managerOver({ OPENAI_KEY: 'sk-test-0001', DB_PASSWORD: 'p@ss/w:rd#1', REDIS_PASSWORD: 'redis-pass-01' });
    const resolved = await resolveSecretReferences(config, manager);
    expect(resolved.llm.openaiApiKey).toBe('sk-test-0001');
    // secretlint-disable-next-line -- a made-up password in a fixture URL
    expect(resolved.database.url).toBe('postgres://anvil:p%40ss%2Fw%3Ard%231@db:5432/anvil');
    expect(decodeURIComponent(new URL(resolved.database.url).password)).toBe('p@ss/w:rd#1');
    expect(resolved.redis.url).toBe('redis://:redis-pass-01@cache:6379/0');
    expect(resolved.secrets.vault.token).toBe('secret:NOT_RESOLVED');
    expect(config.llm.openaiApiKey).toBe('secret:OPENAI_KEY');
  });

  it('returns the very same config when nothing refers to a secret', async () => {
    const plain = { llm: { defaultModel: 'simulated/agent' } };
    expect(await resolveSecretReferences(plain, managerOver({}))).toBe(plain);
  });
});
