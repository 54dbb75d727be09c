import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRules } from '../helpers/deploy-queries.js';
import { prometheusBinary } from '../helpers/services.js';

const run = promisify(execFile);
const promtool = prometheusBinary('promtool');
const prometheusDirectory = join('deploy', 'prometheus');

interface RuleTest {
  name: string;
  alert_rule_test: { alertname: string; exp_alerts: unknown[] }[];
}

if (promtool) {
  describe('the Prometheus configuration and alert rules, checked by promtool', () => {
    let directory: string;
    beforeAll(async () => {
      // The scrape config reads a credentials file that an operator provides; check a copy beside a stand-in.
      directory = await mkdtemp(join(tmpdir(), 'anvil-promtool-'));
      for (const file of ['prometheus.yml', 'alerts.yml', 'alerts.test.yml']) await copyFile(join(prometheusDirectory, file), join(directory, file));
      await writeFile(join(directory, 'anvil-metrics-key'), 'anvil_stand_in_key\n');
    });
    afterAll(async () => {
      await rm(directory, { recursive: true, force: true });
    });

    it('passes promtool check config', async () => {
      const { stdout } = await run(promtool, ['check', 'config', 'prometheus.yml'], { cwd: directory });
      expect(stdout).toContain('SUCCESS');
    });

    it('passes promtool check rules', async () => {
      const { stdout } = await run(promtool, ['check', 'rules', 'alerts.yml'], { cwd: directory });
      expect(stdout).toMatch(/SUCCESS: 11 rules found/);
    });

    it('passes promtool test rules: every alert fires on its synthetic series and stays silent on healthy ones', async () => {
      const result = await run(promtool, ['test', 'rules', 'alerts.test.yml'], { cwd: directory }).catch((error: { stdout?: string; stderr?: string }) => error);
      expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS');
    });

    it('has, for every alert, a test where it fires and a test where it stays silent', () => {
      const tests = (parse(readFileSync(join(prometheusDirectory, 'alerts.test.yml'), 'utf8')) as { tests: RuleTest[] }).tests;
      const cases = tests.flatMap((test) => test.alert_rule_test);
      for (const rule of alertRules()) {
        const own = cases.filter((entry) => entry.alertname === rule.alert);
        expect(own.some((entry) => entry.exp_alerts.length > 0), `${rule.alert} fires somewhere`).toBe(true);
        expect(own.some((entry) => entry.exp_alerts.length === 0), `${rule.alert} stays silent somewhere`).toBe(true);
      }
    });
  });
}
