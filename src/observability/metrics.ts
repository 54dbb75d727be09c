import { collectDefaultMetrics, Registry } from 'prom-client';
import type { LabelPolicy } from './labels.js';
import { defineMetricFamilies, type MetricFamilies, type MetricsSources } from './metric-families.js';
import type { LlmCallEvent, TaskOutcome, Telemetry } from './telemetry.js';

export type { BudgetSnapshot, MetricsSources, PoolSnapshot } from './metric-families.js';

export interface MetricsOptions {
  telemetry: Telemetry;
  labels: LabelPolicy;
  /** Gauges read at scrape time (queue depth, budgets, the database pool). */
  sources?: MetricsSources;
  /** Process metrics (CPU, memory, event loop, GC, handles); default true. */
  processMetrics?: boolean;
  /** Cache backends in use, whose series start at zero; default `['memory']`. */
  cacheBackends?: readonly ('memory' | 'redis')[];
}

export interface Metrics {
  readonly registry: Registry;
  /** The exposition's content type, for the /metrics response. */
  readonly contentType: string;
  /** The text exposition format; runs the scrape-time gauges. */
  render(): Promise<string>;
  /** Unsubscribes from telemetry and empties the registry. */
  close(): void;
}

const taskOutcomes: readonly TaskOutcome[] = ['completed', 'failed', 'retried', 'interrupted', 'crashed'];

/**
 * The runtime's Prometheus registry (never prom-client's global one, so every runtime counts only
 * its own work). Metrics are fed by telemetry events; nothing in core code calls prom-client.
 * Series that a rate or ratio needs from the start are created at zero (Prometheus'
 * "avoid missing metrics" advice): task outcomes, guardian actions, cache fallback state.
 */
export function createMetrics({ telemetry, labels, sources = {}, processMetrics = true, cacheBackends = ['memory'] }: MetricsOptions): Metrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const families = defineMetricFamilies(registry, sources);

  for (const outcome of taskOutcomes) {
    families.tasks.inc({ outcome }, 0);
  }
  for (const action of ['steer', 'stop']) families.guardianInterventions.inc({ action }, 0);
  families.cacheFallback.set({ backend: 'redis' }, 0);
  for (const backend of cacheBackends) {
    for (const result of ['hit', 'miss']) families.cacheOperations.inc({ backend, operation: 'get', result }, 0);
  }

  const unsubscribers = [
    ...subscribeHttp(telemetry, families, labels),
    subscribeLlm(telemetry, families, labels),
    telemetry.on('task.finished', ({ outcome, durationMs }) => {
      families.tasks.inc({ outcome });
      families.taskDuration.observe({ outcome }, durationMs / 1000);
    }),
    telemetry.on('session.started', () => families.agentsActive.inc()),
    telemetry.on('session.ended', () => families.agentsActive.dec()),
    telemetry.on('guardian.intervention', ({ action }) => families.guardianInterventions.inc({ action })),
    telemetry.on('inspector.rejection', ({ rule }) => families.inspectorRejections.inc({ rule: labels.rule(rule) })),
    telemetry.on('cache.operation', ({ backend, operation, result }) => families.cacheOperations.inc({ backend, operation, result })),
    telemetry.on('cache.state', ({ backend, fallbackActive }) => families.cacheFallback.set({ backend }, fallbackActive ? 1 : 0)),
    telemetry.on('db.query', ({ durationMs, failed }) => {
      families.databaseQueryDuration.observe(durationMs / 1000);
      if (failed) families.databaseQueryErrors.inc();
    }),
  ];

  return {
    registry,
    contentType: registry.contentType,
    render: () => registry.metrics(),
    close() {
      for (const unsubscribe of unsubscribers) unsubscribe();
      registry.clear();
    },
  };
}

/** HTTP is the hottest path: label children are cached per (method, route, status). */
function subscribeHttp(telemetry: Telemetry, families: MetricFamilies, labels: LabelPolicy): (() => void)[] {
  const children = new Map<string, { count: { inc(): void }; duration: { observe(value: number): void } }>();
  return [
    telemetry.on('http.request', ({ method, route, status, durationMs }) => {
      const key = `${method} ${status} ${route}`;
      let child = children.get(key);
      if (child === undefined) {
        const values = { method: labels.method(method), route, status: String(status) };
        child = { count: families.httpRequests.labels(values), duration: families.httpDuration.labels(values) };
        children.set(key, child);
      }
      child.count.inc();
      child.duration.observe(durationMs / 1000);
    }),
  ];
}

/**
 * The first call of a (provider, model, kind) creates all its series at zero, so that ratios
 * (errors, cache hits) and spend rates have both sides from the start. Its label-bound children
 * are kept, so a call costs a map look-up and increments, not a label validation per series.
 */
function subscribeLlm(telemetry: Telemetry, families: MetricFamilies, labels: LabelPolicy): () => void {
  type Children = ReturnType<typeof bind>;
  const bound = new Map<string, Children>();
  const bind = (base: { provider: string; model: string; kind: string }) => {
    const requests = { ok: families.llmRequests.labels({ ...base, outcome: 'ok' }), error: families.llmRequests.labels({ ...base, outcome: 'error' }) };
    const cache = {
      hit: families.llmCache.labels({ ...base, result: 'hit' }),
      miss: families.llmCache.labels({ ...base, result: 'miss' }),
      bypass: families.llmCache.labels({ ...base, result: 'bypass' }),
    };
    const children = {
      requests,
      cache,
      duration: families.llmDuration.labels(base),
      tokens: {
        input: families.llmTokens.labels({ ...base, type: 'input' }),
        output: families.llmTokens.labels({ ...base, type: 'output' }),
        cache_read: families.llmTokens.labels({ ...base, type: 'cache_read' }),
        cache_write: families.llmTokens.labels({ ...base, type: 'cache_write' }),
      },
      cost: families.llmCost.labels(base),
      saved: families.llmSaved.labels(base),
      unpriced: families.llmUnpriced.labels(base),
    };
    for (const child of [requests.ok, requests.error, cache.hit, cache.miss, cache.bypass, children.cost, children.saved, children.unpriced]) child.inc(0);
    return children;
  };
  return telemetry.on('llm.call', (event: LlmCallEvent) => {
    const base = { provider: labels.provider(event.provider), model: labels.model(event.model), kind: labels.kind(event.kind) };
    const key = `${base.provider} ${base.model} ${base.kind}`;
    let children = bound.get(key);
    if (children === undefined) {
      children = bind(base);
      bound.set(key, children);
    }
    (event.error ? children.requests.error : children.requests.ok).inc();
    children.cache[event.cacheResult].inc();
    children.duration.observe(event.durationMs / 1000);
    if (event.inputTokens) children.tokens.input.inc(event.inputTokens);
    if (event.outputTokens) children.tokens.output.inc(event.outputTokens);
    if (event.cacheReadTokens) children.tokens.cache_read.inc(event.cacheReadTokens);
    if (event.cacheWriteTokens) children.tokens.cache_write.inc(event.cacheWriteTokens);
    if (event.costUsd === null) children.unpriced.inc();
    else if (event.costUsd > 0) children.cost.inc(event.costUsd);
    if (event.savedUsd > 0) children.saved.inc(event.savedUsd);
  });
}
