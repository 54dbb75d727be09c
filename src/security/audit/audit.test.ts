import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testConfig } from '../../config/index.js';
import { isAnvilError } from '../../errors.js';
import { configChecks } from './config-checks.js';
import { applyExceptions, loadExceptions } from './exceptions.js';
import type { Finding } from './finding.js';
import { buildReport } from './report.js';
import { secretScanCheck } from './secret-scan.js';

const finding = (id: string, severity: Finding['severity'] = 'high'): Finding => ({ id, severity, title: id });

describe('security audit exceptions', () => {
  const today = '2026-11-26';

  it('accepts a named finding until its expiry day, and the audit passes', () => {
    const outcome = applyExceptions([finding('npm:left-pad')], [{ id: 'npm:left-pad', reason: 'no fix released yet', expires: '2026-12-01' }], today);
    const report = buildReport(today, [], outcome);
    expect(report.passed).toBe(true);
    expect(report.excepted.map((entry) => entry.id)).toEqual(['npm:left-pad']);
  });

  it('fails the audit when an exception has expired, even though it names the finding', () => {
    const outcome = applyExceptions([finding('npm:left-pad')], [{ id: 'npm:left-pad', reason: 'no fix released yet', expires: '2026-11-25' }], today);
    const report = buildReport(today, [], outcome);
    expect(report.passed).toBe(false);
    expect(report.failing.map((entry) => entry.id).sort()).toEqual(['exception-expired:npm:left-pad', 'npm:left-pad']);
  });

  it('refuses an exception that reaches more than 90 days ahead', () => {
    const outcome = applyExceptions([], [{ id: 'npm:x', reason: 'a long acceptance', expires: '2027-03-01' }], today);
    expect(outcome.problems.map((problem) => problem.id)).toEqual(['exception-too-long:npm:x']);
  });

  it('fails on high and critical findings, and only reports moderate ones', () => {
    const report = buildReport(today, [], applyExceptions([finding('a', 'moderate'), finding('b', 'critical')], [], today));
    expect(report.failing.map((entry) => entry.id)).toEqual(['b']);
    expect(report.belowThreshold.map((entry) => entry.id)).toEqual(['a']);
  });

  it('rejects an exceptions file entry without a reason or a date', () => {
    const folder = mkdtempSync(join(tmpdir(), 'anvil-exceptions-'));
    try {
      writeFileSync(join(folder, 'exceptions.yaml'), 'exceptions:\n  - id: npm:x\n    expires: 2026-12-01\n');
      const error = (() => {
        try {
          loadExceptions(join(folder, 'exceptions.yaml'));
        } catch (thrown) {
          return thrown;
        }
      })();
      expect(isAnvilError(error) && error.code).toBe('AUDIT_EXCEPTION_INVALID');
      writeFileSync(join(folder, 'exceptions.yaml'), 'exceptions:\n  - id: npm:x\n    reason: waiting for the upstream fix\n    expires: 2026-12-01\n');
      expect(loadExceptions(join(folder, 'exceptions.yaml'))).toEqual([{ id: 'npm:x', reason: 'waiting for the upstream fix', expires: '2026-12-01' }]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('security audit configuration checks', () => {
  it('passes the default configuration', () => {
    expect(configChecks(testConfig()).findings).toEqual([]);
  });

  it('flags a default key, a public bind without keys and a weak connection string password, naming each setting', () => {
    const config = testConfig({ server: { host: '0.0.0.0' }, llm: { openaiApiKey: 'changeme' }, database: { url: ['postgres://postgres', 'postgres@db:5432/anvil'].join(':') } });
    expect(configChecks(config).findings.map((entry) => entry.id).sort()).toEqual([
      'config:public-bind-without-keys:server.host',
      'config:weak-key:llm.openaiApiKey',
      'config:weak-password:database.url',
    ]);
  });

  it('leaves secret references alone: the audit never fetches a value', () => {
    const config = testConfig({ llm: { openaiApiKey: 'secret:OPENAI_API_KEY' }, database: { url: 'postgres://anvil:{secret:DB_PASSWORD}@db:5432/anvil' } });
    expect(configChecks(config).findings).toEqual([]);
  });
});

describe('security audit secret scan', () => {
  it('finds a credential committed to a repository and reports the rule and place, not the value', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'anvil-scan-'));
    try {
      execFileSync('git', ['init', '-q'], { cwd: folder });
      mkdirSync(join(folder, 'security'));
      writeFileSync(join(folder, 'security/secretlintrc.json'), JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
      symlinkSync(resolve('node_modules'), join(folder, 'node_modules'));
      writeFileSync(join(folder, '.gitignore'), 'node_modules\n');
      // Built at run time so this test file does not itself hold a credential-shaped string.
      const secret = ['gh', 'p_'].join('') + randomBytes(27).toString('base64').replace(/[^A-Za-z0-9]/g, 'A').slice(0, 36);
      writeFileSync(join(folder, 'settings.env'), `GITHUB_TOKEN=${secret}\n`);
      const result = await secretScanCheck(folder);
      expect(result.error).toBeUndefined();
      expect(result.findings.length).toBeGreaterThan(0);
      expect(result.findings[0]).toMatchObject({ severity: 'high', location: expect.stringMatching(/^settings\.env:\d+$/) });
      expect(JSON.stringify(result)).not.toContain(secret);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
