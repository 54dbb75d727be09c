import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * The PromQL in deploy/: every dashboard target and every alert rule, and the metric names each
 * one reads. Tests check those names against a live /metrics and run the queries on Prometheus.
 */
export interface DeployQuery {
  /** Where it is: `grafana/overview.json: Requests / s` or `prometheus/alerts.yml: AnvilNoProgress`. */
  source: string;
  expr: string;
}

export const deployDirectory = 'deploy';

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

export function dashboardFiles(): string[] {
  const directory = join(deployDirectory, 'grafana', 'dashboards');
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .map((name) => join(directory, name));
}

export function dashboardQueries(): DeployQuery[] {
  const queries: DeployQuery[] = [];
  for (const file of dashboardFiles()) {
    const board = JSON.parse(readFileSync(file, 'utf8')) as { panels: Panel[] };
    const visit = (panel: Panel) => {
      for (const target of panel.targets ?? []) if (target.expr) queries.push({ source: `${file}: ${panel.title}`, expr: target.expr });
      for (const child of panel.panels ?? []) visit(child);
    };
    for (const panel of board.panels) visit(panel);
  }
  return queries;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export function alertRules(): AlertRule[] {
  const file = parse(readFileSync(join(deployDirectory, 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: AlertRule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

export function ruleQueries(): DeployQuery[] {
  return alertRules().map((rule) => ({ source: `prometheus/alerts.yml: ${rule.alert}`, expr: rule.expr }));
}

/** Grafana's built-in variables, replaced by values Prometheus accepts as Grafana would. */
export function withGrafanaVariables(expr: string, values = { rateInterval: '1m', range: '1h' }): string {
  return expr.replaceAll('$__rate_interval', values.rateInterval).replaceAll('$__range', values.range).replaceAll('$__interval', values.rateInterval);
}

const keywords = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool', 'inf', 'nan']);

/**
 * Metric names a PromQL expression reads: identifiers that are not functions, aggregation
 * keywords, label names (in `{…}`, `by (…)`, `on (…)` and friends), durations or strings.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][\w:]*(?=\s*(\(?))/g)) {
    const name = match[0];
    const followedByParenthesis = stripped.slice(match.index! + name.length).trimStart().startsWith('(');
    const precededByDigit = match.index! > 0 && /[\d.]/.test(stripped[match.index! - 1]!);
    if (followedByParenthesis || keywords.has(name.toLowerCase()) || precededByDigit) continue;
    names.add(name);
  }
  return [...names];
}
