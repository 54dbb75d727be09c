import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';
import { createRedactor } from './redactor.js';

describe('redactor', () => {
  it('replaces a registered value wherever it sits in a line, in its raw, JSON-escaped and URL-encoded forms', () => {
    const redactor = createRedactor();
    redactor.add('pa"ss/wörd\\01');
    const line = JSON.stringify({ msg: 'failed with pa"ss/wörd\\01', url: `postgres://u:${encodeURIComponent('pa"ss/wörd\\01')}@h/db` });
    const redacted = redactor.redact(line);
    expect(redacted).not.toContain('ss/w');
    expect(redacted).toContain('[secret]');
    // secretlint-disable-next-line -- a made-up password in a fixture URL
    expect(JSON.parse(redacted)).toEqual({ msg: 'failed with [secret]', url: 'postgres://u:[secret]@h/db' });
  });

  it('ignores values shorter than the minimum length, which would censor ordinary words', () => {
    const redactor = createRedactor({ minimumLength: 6 });
    redactor.add('abc');
    expect(redactor.redact('abc abc')).toBe('abc abc');
    expect(redactor.size).toBe(0);
  });

  it('replaces a longer value whole even when a shorter registered value is part of it', () => {
    const redactor = createRedactor({ censor: '*' });
    redactor.add('secret-part');
    redactor.add('secret-part-and-more');
    expect(redactor.redact('x secret-part-and-more y')).toBe('x * y');
  });

  it('censors values in every line the logger writes, whichever field or nesting holds them', () => {
    const lines: string[] = [];
    const redactor = createRedactor();
    const logger = createLogger({ level: 'info', redactor, destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) }) });
    redactor.add('canary-value-123456');
    logger.info({ deep: { nested: ['canary-value-123456'] }, err: new Error('bad key canary-value-123456') }, 'message with canary-value-123456');
    expect(lines.join('')).not.toContain('canary-value-123456');
    expect(lines.join('').match(/\[secret\]/g)?.length).toBeGreaterThanOrEqual(3);
  });
});
