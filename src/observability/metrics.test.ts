import { describe, expect, it } from 'vitest';
import { createLabelPolicy } from './labels.js';
import { createMetrics } from './metrics.js';
import { createTelemetry, type LlmCallEvent } from './telemetry.js';
import { valueOf } from '../../test/helpers/metrics-text.js';

const labels = createLabelPolicy({ providers: ['openai', 'simulated'], models: ['openai/gpt-4o-mini', 'simulated/*'], kinds: ['chat', 'agent-step'], ruleFamilies: ['sql-injection'] });

function setup(sources: Parameters<typeof createMetrics>[0]['sources'] = {}) {
  const telemetry = createTelemetry();
  const metrics = createMetrics({ telemetry, labels, sources, processMetrics: false });
  return { telemetry, metrics };
}

const call: LlmCallEvent = {
  provider: 'openai',
  model: 'openai/gpt-4o-mini-2024-07-18',
  kind: 'chat',
  inputTokens: 600,
  outputTokens: 120,
  costUsd: 0.000162,
  savedUsd: 0,
  cacheResult: 'miss',
  durationMs: 850,
};

describe('metrics fed by telemetry', () => {
  it('counts an LLM call by provider, model and kind, with tokens, cost and latency', async () => {
    const { telemetry, metrics } = setup();
    telemetry.emit('llm.call', call);
    telemetry.emit('llm.call', { ...call, cacheResult: 'hit', costUsd: 0, savedUsd: 0.000162, durationMs: 2 });
    const text = await metrics.render();
    const base = { kind: 'chat', model: 'gpt-4o-mini', provider: 'openai' };
    expect(valueOf(text, 'llm_requests_total', { ...base, outcome: 'ok' })).toBe(2);
    expect(valueOf(text, 'llm_requests_total', { ...base, outcome: 'error' })).toBe(0);
    expect(valueOf(text, 'llm_tokens_total', { ...base, type: 'input' })).toBe(1200);
    expect(valueOf(text, 'llm_tokens_total', { ...base, type: 'output' })).toBe(240);
    expect(valueOf(text, 'llm_cost_usd_total', base)).toBeCloseTo(0.000162, 9);
    expect(valueOf(text, 'llm_saved_usd_total', base)).toBeCloseTo(0.000162, 9);
    expect(valueOf(text, 'llm_cache_requests_total', { ...base, result: 'hit' })).toBe(1);
    expect(valueOf(text, 'llm_cache_requests_total', { ...base, result: 'miss' })).toBe(1);
    expect(valueOf(text, 'llm_request_duration_seconds_count', base)).toBe(2);
    expect(valueOf(text, 'llm_request_duration_seconds_bucket', { le: '1', ...base })).toBe(2);
    expect(valueOf(text, 'llm_request_duration_seconds_bucket', { le: '0.5', ...base })).toBe(1);
  });

  it('labels a model outside the known list as other and counts an unpriced call apart', async () => {
    const { telemetry, metrics } = setup();
    telemetry.emit('llm.call', { ...call, model: 'openai/ft:gpt-4o-mini:acme:7f3a9', costUsd: null, error: 'APICallError' });
    const text = await metrics.render();
    expect(valueOf(text, 'llm_requests_total', { kind: 'chat', model: 'other', provider: 'openai', outcome: 'error' })).toBe(1);
    expect(valueOf(text, 'llm_unpriced_requests_total', { kind: 'chat', model: 'other', provider: 'openai' })).toBe(1);
    expect(text).not.toContain('ft:gpt-4o-mini');
  });

  it('counts HTTP responses by method, route template and status', async () => {
    const { telemetry, metrics } = setup();
    for (let index = 0; index < 3; index++) telemetry.emit('http.request', { method: 'GET', route: '/api/v1/runs/:id', status: 200, durationMs: 4 });
    telemetry.emit('http.request', { method: 'GET', route: 'unmatched', status: 404, durationMs: 1 });
    const text = await metrics.render();
    expect(valueOf(text, 'http_requests_total', { method: 'GET', route: '/api/v1/runs/:id', status: '200' })).toBe(3);
    expect(valueOf(text, 'http_requests_total', { method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(valueOf(text, 'http_request_duration_seconds_bucket', { le: '0.005', method: 'GET', route: '/api/v1/runs/:id', status: '200' })).toBe(3);
  });

  it('counts task outcomes with durations, and starts every outcome at zero', async () => {
    const { telemetry, metrics } = setup();
    let text = await metrics.render();
    for (const outcome of ['completed', 'failed', 'retried', 'interrupted', 'crashed']) expect(valueOf(text, 'tasks_total', { outcome })).toBe(0);
    telemetry.emit('task.finished', { outcome: 'completed', phase: 'analyze', durationMs: 1500 });
    telemetry.emit('task.finished', { outcome: 'retried', phase: 'analyze', durationMs: 300 });
    text = await metrics.render();
    expect(valueOf(text, 'tasks_total', { outcome: 'completed' })).toBe(1);
    expect(valueOf(text, 'tasks_total', { outcome: 'retried' })).toBe(1);
    expect(valueOf(text, 'task_duration_seconds_sum', { outcome: 'completed' })).toBe(1.5);
    expect(text).not.toContain('analyze');
  });

  it('tracks active agents, guardian interventions, inspector rules, cache operations and fallback', async () => {
    const { telemetry, metrics } = setup();
    telemetry.emit('session.started', { phase: 'a' });
    telemetry.emit('session.started', { phase: 'a' });
    telemetry.emit('session.ended', { phase: 'a' });
    telemetry.emit('guardian.intervention', { action: 'steer' });
    telemetry.emit('inspector.rejection', { rule: 'sql-injection.tautology', detectOnly: false });
    telemetry.emit('inspector.rejection', { rule: 'made-up.rule', detectOnly: false });
    telemetry.emit('cache.operation', { backend: 'memory', operation: 'get', result: 'hit' });
    telemetry.emit('cache.state', { backend: 'redis', fallbackActive: true, reason: 'connection lost' });
    const text = await metrics.render();
    expect(valueOf(text, 'agents_active')).toBe(1);
    expect(valueOf(text, 'guardian_interventions_total', { action: 'steer' })).toBe(1);
    expect(valueOf(text, 'guardian_interventions_total', { action: 'stop' })).toBe(0);
    expect(valueOf(text, 'inspector_rejections_total', { rule: 'sql-injection.tautology' })).toBe(1);
    expect(valueOf(text, 'inspector_rejections_total', { rule: 'other' })).toBe(1);
    expect(valueOf(text, 'cache_operations_total', { backend: 'memory', operation: 'get', result: 'hit' })).toBe(1);
    expect(valueOf(text, 'cache_fallback_active', { backend: 'redis' })).toBe(1);
  });

  it('times database statements and counts failed ones', async () => {
    const { telemetry, metrics } = setup();
    telemetry.emit('db.query', { durationMs: 0.4, failed: false });
    telemetry.emit('db.query', { durationMs: 30, failed: true });
    const text = await metrics.render();
    expect(valueOf(text, 'db_query_duration_seconds_count')).toBe(2);
    expect(valueOf(text, 'db_query_duration_seconds_bucket', { le: '0.0005' })).toBe(1);
    expect(valueOf(text, 'db_query_errors_total')).toBe(1);
  });

  it('reads queue depth, budgets and the pool at scrape time', async () => {
    let depth = 3;
    const { metrics } = setup({
      queueDepth: async () => depth,
      budgets: async () => [{ scope: 'run', remainingUsd: 0.4, limitUsd: 5 }],
      pool: () => ({ total: 8, idle: 2, waiting: 1, max: 20 }),
    });
    expect(valueOf(await metrics.render(), 'queue_depth')).toBe(3);
    depth = 7;
    const text = await metrics.render();
    expect(valueOf(text, 'queue_depth')).toBe(7);
    expect(valueOf(text, 'budget_remaining_usd', { scope: 'run' })).toBe(0.4);
    expect(valueOf(text, 'budget_limit_usd', { scope: 'run' })).toBe(5);
    expect(valueOf(text, 'db_pool_connections', { state: 'active' })).toBe(6);
    expect(valueOf(text, 'db_pool_connections', { state: 'idle' })).toBe(2);
    expect(valueOf(text, 'db_pool_connections', { state: 'waiting' })).toBe(1);
    expect(valueOf(text, 'db_pool_max_connections')).toBe(20);
  });

  it('still answers a scrape when a scrape-time source fails, and reports the failure', async () => {
    const failures: string[] = [];
    const { metrics } = setup({
      queueDepth: async () => {
        throw new Error('database unreachable');
      },
      budgets: async () => {
        throw new Error('database unreachable');
      },
      onError: (_error, metric) => failures.push(metric),
    });
    const text = await metrics.render();
    expect(text).toContain('# TYPE queue_depth gauge');
    expect(failures.sort()).toEqual(['budget_limit_usd', 'budget_remaining_usd', 'queue_depth']);
  });

  it('keeps two runtimes apart: each registry counts only its own events', async () => {
    const first = setup();
    const second = setup();
    first.telemetry.emit('task.finished', { outcome: 'completed', phase: 'p', durationMs: 1 });
    expect(valueOf(await first.metrics.render(), 'tasks_total', { outcome: 'completed' })).toBe(1);
    expect(valueOf(await second.metrics.render(), 'tasks_total', { outcome: 'completed' })).toBe(0);
  });

  it('stops counting after close', async () => {
    const { telemetry, metrics } = setup();
    metrics.close();
    expect(telemetry.observed('task.finished')).toBe(false);
  });

  it('exports process metrics on request', async () => {
    const telemetry = createTelemetry();
    const metrics = createMetrics({ telemetry, labels });
    const text = await metrics.render();
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_p99_seconds');
    metrics.close();
  });
});
