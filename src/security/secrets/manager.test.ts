import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isAnvilError } from '../../errors.js';
import { createLogger } from '../../observability/logger.js';
import { createRedactor } from '../../observability/redactor.js';
import type { SecretsBackend, SecretsBackendName } from './backend.js';
import { backendFailure } from './backend.js';
import { createSecretsManager } from './manager.js';

/** An in-memory backend that counts reads and can be made to fail: it fakes a whole service. */
function memoryBackend(name: SecretsBackendName, values: Record<string, string> = {}) {
  const state = { values: { ...values }, failing: false, reads: 0 };
  const backend: SecretsBackend = {
    name,
    async get(secret) {
      state.reads += 1;
      await new Promise((resolve) => setImmediate(resolve));
      if (state.failing) throw backendFailure(name, secret, 'HTTP 503');
      return state.values[secret];
    },
  };
  return { backend, state };
}

function setup(backends: SecretsBackend[], ttlMs = 60_000) {
  const lines: string[] = [];
  const redactor = createRedactor();
  const destination = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) });
  const logger = createLogger({ level: 'info', destination, redactor });
  let clock = 1_000_000;
  const manager = createSecretsManager({ backends, logger, redactor, ttlMs, now: () => clock });
  return { manager, lines, redactor, advance: (ms: number) => (clock += ms) };
}

describe('secrets manager', () => {
  it('takes a name from the first backend in the chain that holds it', async () => {
    const first = memoryBackend('env', { ONLY_FIRST: 'first-value-01' });
    const second = memoryBackend('vault', { ONLY_FIRST: 'shadowed-value', ONLY_SECOND: 'second-value-02' });
    const { manager } = setup([first.backend, second.backend]);
    expect(await manager.get('ONLY_FIRST')).toBe('first-value-01');
    expect(await manager.get('ONLY_SECOND')).toBe('second-value-02');
    expect((await manager.locate('ONLY_FIRST')).resolvedFrom).toBe('env');
    expect((await manager.locate('ONLY_SECOND')).answers.map((answer) => answer.answer)).toEqual(['absent', 'found']);
  });

  it('serves from the cache until the TTL ends, then fetches again and sees a rotated value', async () => {
    const vault = memoryBackend('vault', { KEY: 'version-one-01' });
    const { manager, advance } = setup([vault.backend], 10_000);
    expect(await manager.get('KEY')).toBe('version-one-01');
    vault.state.values.KEY = 'version-two-02';
    advance(9_000);
    expect(await manager.get('KEY')).toBe('version-one-01');
    expect(vault.state.reads).toBe(1);
    advance(2_000);
    expect(await manager.get('KEY')).toBe('version-two-02');
    expect(vault.state.reads).toBe(2);
  });

  it('fetches again after invalidate(name), before the TTL ends', async () => {
    const vault = memoryBackend('vault', { KEY: 'version-one-01' });
    const { manager } = setup([vault.backend]);
    await manager.get('KEY');
    vault.state.values.KEY = 'version-two-02';
    manager.invalidate('KEY');
    expect(await manager.get('KEY')).toBe('version-two-02');
  });

  it('shares one fetch among concurrent gets of one name', async () => {
    const vault = memoryBackend('vault', { KEY: 'shared-value-01' });
    const { manager } = setup([vault.backend]);
    const values = await Promise.all(Array.from({ length: 20 }, () => manager.get('KEY')));
    expect(new Set(values)).toEqual(new Set(['shared-value-01']));
    expect(vault.state.reads).toBe(1);
  });

  it('serves the last good value when the backend fails after expiry, and says so in the log without the value', async () => {
    const vault = memoryBackend('vault', { KEY: 'last-good-value-01' });
    const { manager, lines, advance } = setup([vault.backend], 1_000);
    await manager.get('KEY');
    vault.state.failing = true;
    advance(5_000);
    expect(await manager.get('KEY')).toBe('last-good-value-01');
    const warning = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((line) => line.backend === 'vault');
    expect(warning).toMatchObject({ level: 40, secretName: 'KEY', backend: 'vault', msg: 'secrets backend failed; serving the last good value' });
    expect(lines.join('')).not.toContain('last-good-value-01');
  });

  it('tries the failed backend again only after the retry pause, and recovers when it answers', async () => {
    const vault = memoryBackend('vault', { KEY: 'value-before-01' });
    const { manager, advance } = setup([vault.backend], 1_000);
    await manager.get('KEY');
    vault.state.failing = true;
    advance(2_000);
    await manager.get('KEY');
    const readsAfterFailure = vault.state.reads;
    await manager.get('KEY');
    expect(vault.state.reads).toBe(readsAfterFailure);
    vault.state.failing = false;
    vault.state.values.KEY = 'value-after-02';
    advance(2_000);
    expect(await manager.get('KEY')).toBe('value-after-02');
  });

  it('fails with SECRET_BACKEND_FAILED when a backend fails before any value was cached, without asking lower backends', async () => {
    const vault = memoryBackend('vault', {});
    const lower = memoryBackend('file', { KEY: 'older-lower-value' });
    vault.state.failing = true;
    const { manager } = setup([vault.backend, lower.backend]);
    const error = await manager.get('KEY').catch((thrown: unknown) => thrown);
    expect(isAnvilError(error) && error.code).toBe('SECRET_BACKEND_FAILED');
    expect(lower.state.reads).toBe(0);
    expect((await manager.locate('KEY')).resolvedFrom).toBeUndefined();
  });

  it('fails with SECRET_NOT_FOUND naming the backends asked when none holds the name', async () => {
    const { manager } = setup([memoryBackend('env').backend, memoryBackend('aws').backend]);
    const error = await manager.get('MISSING').catch((thrown: unknown) => thrown);
    expect(isAnvilError(error) && error.code).toBe('SECRET_NOT_FOUND');
    expect(isAnvilError(error) && error.details).toEqual({ secretName: 'MISSING', backends: ['env', 'aws'] });
  });

  it('refuses names that could escape a folder or a URL path', async () => {
    const { manager } = setup([memoryBackend('file').backend]);
    for (const name of ['../etc/passwd', 'a/b', '', '.hidden', 'with space']) {
      const error = await manager.get(name).catch((thrown: unknown) => thrown);
      expect(isAnvilError(error) && error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('registers every resolved value with the redactor, so a log line quoting it is censored', async () => {
    const { manager, lines, redactor } = setup([memoryBackend('env', { KEY: 'quoted-in-a-log-01' }).backend]);
    await manager.get('KEY');
    expect(redactor.redact('connecting with quoted-in-a-log-01')).toBe('connecting with [secret]');
    expect(lines).toEqual([]);
  });
});
