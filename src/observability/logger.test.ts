import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}

const secret = 'sk-live-4f9c2a7e1b3d5f60';

describe('the logger', () => {
  it('writes JSON lines with the level, message and bound fields', () => {
    const { logger, lines } = capture();
    logger.child({ runId: 'run-1', taskId: 'task-1' }).info({ step: 3 }, 'step persisted');
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ level: 30, msg: 'step persisted', runId: 'run-1', taskId: 'task-1', step: 3, service: 'anvil' });
  });

  it('drops lines below the configured level', () => {
    const { logger, lines } = capture('warn');
    logger.info('not written');
    logger.warn('written');
    expect(lines.map((line) => (JSON.parse(line) as { msg: string }).msg)).toEqual(['written']);
  });

  it.each([
    ['an authorization header of a request', { req: { method: 'GET', headers: { authorization: `Bearer ${secret}` } } }],
    ['an API key header of a request', { req: { headers: { 'x-api-key': secret } } }],
    ['a cookie header', { req: { headers: { cookie: `session=${secret}` } } }],
    ['headers logged on their own', { headers: { authorization: secret, 'x-api-key': secret, cookie: secret } }],
    ['headers one level down', { upstream: { headers: { authorization: `Bearer ${secret}` } } }],
    ['an authorization field', { authorization: secret }],
    ['a provider key in settings', { llm: { openaiApiKey: secret } }],
    ['a key at the top level', { apiKey: secret }],
    ['a password', { connection: { password: secret } }],
    ['a token', { token: secret, session: { token: secret } }],
    ['a client secret', { oauth: { clientSecret: secret } }],
    ['a database URL in the config', { config: { database: { url: `postgres://anvil:${secret}@db:5432/anvil` } } }],
    ['the whole LLM config', { config: { llm: { anthropicApiKey: secret } } }],
  ])('never writes a secret held in %s', (_where, object) => {
    const { logger, lines } = capture();
    logger.info(object, 'something happened');
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });
});
