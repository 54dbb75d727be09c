import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.js';

describe('loadConfig', () => {
  it('gives the embedded defaults with an empty environment', () => {
    const config = loadConfig({ env: {} });
    expect(config.server).toMatchObject({ host: '127.0.0.1', port: 8080 });
    expect(config.database.url).toBeUndefined();
    expect(config.database.dataDir).toBe('./.anvil/data');
    expect(config.database.poolMax).toBe(20);
    expect(config.database.workerPoolMax).toBe(5);
    expect(config.database.connectionTimeoutMs).toBe(5_000);
    expect(config.database.maxLifetimeSeconds).toBe(3_600);
  });

  it('reads settings from the environment, converting numbers and booleans', () => {
    const config = loadConfig({ env: { ANVIL_PORT: '9090', DATABASE_URL: 'postgres://u@h/db', ANVIL_LOG_PRETTY: 'false', ANVIL_SIMULATED_FAILURE_RATE: '0.5' } });
    expect(config.server.port).toBe(9090);
    expect(config.database.url).toBe('postgres://u@h/db');
    expect(config.log.pretty).toBe(false);
    expect(config.llm.simulated.failureRate).toBe(0.5);
  });

  it('layers defaults, then the config file, then the environment, then overrides', () => {
    const folder = mkdtempSync(join(tmpdir(), 'anvil-config-'));
    const file = join(folder, 'anvil.yaml');
    writeFileSync(file, 'server:\n  port: 7000\n  host: 0.0.0.0\nworker:\n  concurrency: 9\n');
    const config = loadConfig({ env: { ANVIL_CONFIG: file, ANVIL_PORT: '7100' }, overrides: { worker: { concurrency: 2 } } });
    expect(config.server.host).toBe('0.0.0.0');
    expect(config.server.port).toBe(7100);
    expect(config.worker.concurrency).toBe(2);
  });

  it('names the setting, its variable and the rule when a value is invalid', () => {
    expect(() => loadConfig({ env: { ANVIL_PORT: 'eighty' } })).toThrowError(/server\.port \(ANVIL_PORT\): .*number/i);
    expect(() => loadConfig({ env: { ANVIL_PORT: '70000' } })).toThrowError(/server\.port/);
    expect(() => loadConfig({ env: { DATABASE_URL: 'not a url' } })).toThrowError(/database\.url \(DATABASE_URL\)/);
    expect(() => loadConfig({ env: { ANVIL_LOG_LEVEL: 'loud' } })).toThrowError(/log\.level/);
  });

  it('rejects unknown keys and unreadable files in a config file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'anvil-config-'));
    const file = join(folder, 'anvil.json');
    writeFileSync(file, JSON.stringify({ server: { prot: 1 } }));
    expect(() => loadConfig({ env: {}, file })).toThrowError(/server.*prot/);
    expect(() => loadConfig({ env: {}, file: join(folder, 'missing.yaml') })).toThrowError(/cannot be read/);
    writeFileSync(file, '[1, 2]');
    expect(() => loadConfig({ env: {}, file })).toThrowError(/mapping/);
  });
});
