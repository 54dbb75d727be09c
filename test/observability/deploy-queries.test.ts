import { describe, expect, it } from 'vitest';
import { alertRules, dashboardFiles, dashboardQueries, metricNames, ruleQueries } from '../helpers/deploy-queries.js';
import { readFileSync } from 'node:fs';

describe('reading metric names out of PromQL', () => {
  it('finds metrics and skips functions, label names, keywords, durations and strings', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, job) (rate(http_request_duration_seconds_bucket{route!~".*/events"}[5m]))) > 1')).toEqual([
      'http_request_duration_seconds_bucket',
    ]);
    expect(metricNames('max(queue_depth) > 0 unless sum(increase(tasks_total[15m])) > 0').sort()).toEqual(['queue_depth', 'tasks_total']);
    expect(metricNames('sum(increase(llm_cost_usd_total[1h] offset 1h)) and on (job) up{job=~"anvil.*"} == 0').sort()).toEqual(['llm_cost_usd_total', 'up']);
    expect(metricNames('min by (scope) (budget_remaining_usd / budget_limit_usd) < 0.1').sort()).toEqual(['budget_limit_usd', 'budget_remaining_usd']);
  });
});

describe('the dashboards and rules in deploy/', () => {
  it('has four dashboards, each panel query naming at least one metric', () => {
    expect(dashboardFiles().map((file) => file.split('/').pop()).sort()).toEqual(['agents.json', 'infrastructure.json', 'llm.json', 'overview.json']);
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(40);
    for (const query of queries) expect(metricNames(query.expr), query.source).not.toEqual([]);
  });

  it('gives every dashboard a unique uid and the data source variable its panels use', () => {
    const uids = new Set<string>();
    for (const file of dashboardFiles()) {
      const board = JSON.parse(readFileSync(file, 'utf8')) as { uid: string; templating: { list: { name: string; type: string }[] } };
      expect(uids.has(board.uid)).toBe(false);
      uids.add(board.uid);
      expect(board.templating.list).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource' }));
    }
  });

  it('gives every alert a severity, a summary and a runbook line', () => {
    const rules = alertRules();
    expect(rules.length).toBe(11);
    for (const rule of rules) {
      expect(['critical', 'warning'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.runbook, rule.alert).toMatch(/\S.{20,}/);
      expect(rule.annotations?.runbook, rule.alert).not.toContain('\n');
    }
    expect(ruleQueries().length).toBe(rules.length);
  });
});
