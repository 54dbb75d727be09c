import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/**
 * Every metric Anvil exports, declared on one registry. Names and units follow the Prometheus
 * conventions (base units: seconds; counters end in `_total`; dollars say `_usd`). docs/operations.md
 * ("Monitoring") lists them with their labels; the deploy/ dashboards and alert rules may use only
 * these (a test scrapes a live /metrics and checks).
 */

export interface BudgetSnapshot {
  /** Which budget: `run` is the active run closest to its dollar budget. */
  scope: string;
  remainingUsd: number;
  limitUsd: number;
}

export interface PoolSnapshot {
  total: number;
  idle: number;
  waiting: number;
  /** The pool's configured maximum. */
  max: number;
}

/** Gauges read at scrape time, each with a cheap query or an in-memory read. */
export interface MetricsSources {
  /** Tasks waiting to be claimed. */
  queueDepth?: () => Promise<number>;
  budgets?: () => Promise<readonly BudgetSnapshot[]>;
  pool?: () => PoolSnapshot;
  /** Told when a source fails during a scrape; the gauge keeps its last value. */
  onError?: (error: unknown, metric: string) => void;
}

const secondsBuckets = {
  http: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  llm: [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120],
  database: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  task: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
};

const llmLabels = ['provider', 'model', 'kind'] as const;

export function defineMetricFamilies(registry: Registry, sources: MetricsSources = {}) {
  const registers = [registry];
  const report = (metric: string) => (error: unknown) => sources.onError?.(error, metric);
  // One budget query per scrape, shared by the two gauges that report it (prom-client collects
  // every metric of a scrape concurrently).
  let budgetsInFlight: Promise<readonly BudgetSnapshot[]> | undefined;
  const budgetsOnce = (): Promise<readonly BudgetSnapshot[]> => {
    if (!sources.budgets) return Promise.resolve([]);
    budgetsInFlight ??= sources.budgets().finally(() => {
      budgetsInFlight = undefined;
    });
    return budgetsInFlight;
  };
  return {
    httpRequests: new Counter({ name: 'http_requests_total', help: 'HTTP responses sent, by method, route template and status code.', labelNames: ['method', 'route', 'status'], registers }),
    httpDuration: new Histogram({ name: 'http_request_duration_seconds', help: 'Time from request received to response sent.', labelNames: ['method', 'route', 'status'], buckets: secondsBuckets.http, registers }),

    llmRequests: new Counter({ name: 'llm_requests_total', help: 'Model calls through the gateway (cache hits included), by outcome.', labelNames: [...llmLabels, 'outcome'], registers }),
    llmTokens: new Counter({ name: 'llm_tokens_total', help: 'Tokens reported by providers, by type (input, output, cache_read, cache_write).', labelNames: [...llmLabels, 'type'], registers }),
    llmCost: new Counter({ name: 'llm_cost_usd_total', help: 'Dollars spent on model calls (priced calls only).', labelNames: llmLabels, registers }),
    llmSaved: new Counter({ name: 'llm_saved_usd_total', help: 'Dollars the response cache saved (what its hits would have cost).', labelNames: llmLabels, registers }),
    llmUnpriced: new Counter({ name: 'llm_unpriced_requests_total', help: 'Model calls with no known price (recorded with a null cost, not $0).', labelNames: llmLabels, registers }),
    llmCache: new Counter({ name: 'llm_cache_requests_total', help: 'Response cache lookups by result (hit, miss, bypass for calls that are not cacheable).', labelNames: [...llmLabels, 'result'], registers }),
    llmDuration: new Histogram({ name: 'llm_request_duration_seconds', help: 'Model call latency as the caller saw it (a cache hit included).', labelNames: llmLabels, buckets: secondsBuckets.llm, registers }),

    cacheOperations: new Counter({ name: 'cache_operations_total', help: 'Cache store operations by backend, operation and result.', labelNames: ['backend', 'operation', 'result'], registers }),
    cacheFallback: new Gauge({ name: 'cache_fallback_active', help: '1 while Redis is configured but the memory fallback serves.', labelNames: ['backend'], registers }),

    databaseQueryDuration: new Histogram({ name: 'db_query_duration_seconds', help: 'Database statement latency, as the caller saw it (pool wait included).', buckets: secondsBuckets.database, registers }),
    databaseQueryErrors: new Counter({ name: 'db_query_errors_total', help: 'Database statements that failed.', registers }),
    databasePool: new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (active, idle) and callers waiting for one (waiting).',
      labelNames: ['state'],
      registers,
      collect() {
        if (!sources.pool) return;
        const pool = sources.pool();
        this.set({ state: 'active' }, Math.max(0, pool.total - pool.idle));
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    }),
    databasePoolMax: new Gauge({
      name: 'db_pool_max_connections',
      help: 'The database pool size limit.',
      registers,
      collect() {
        if (sources.pool) this.set(sources.pool().max);
      },
    }),

    tasks: new Counter({ name: 'tasks_total', help: 'Task attempts (agent sessions) finished, by outcome.', labelNames: ['outcome'], registers }),
    taskDuration: new Histogram({ name: 'task_duration_seconds', help: 'Agent session duration, by outcome.', labelNames: ['outcome'], buckets: secondsBuckets.task, registers }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Tasks queued and waiting for a worker (read from the database at scrape time; shared by every process).',
      registers,
      async collect() {
        if (sources.queueDepth) await sources.queueDepth().then((depth) => this.set(depth), report('queue_depth'));
      },
    }),
    agentsActive: new Gauge({ name: 'agents_active', help: 'Agent sessions running in this process.', registers }),
    guardianInterventions: new Counter({ name: 'guardian_interventions_total', help: 'Guardian interventions by action (steer, stop).', labelNames: ['action'], registers }),
    inspectorRejections: new Counter({ name: 'inspector_rejections_total', help: 'Input inspector findings by rule (detect-only findings included).', labelNames: ['rule'], registers }),
    budgetRemaining: new Gauge({
      name: 'budget_remaining_usd',
      help: 'Dollars left in a budget; scope "run" is the active run closest to its dollar budget.',
      labelNames: ['scope'],
      registers,
      async collect() {
        await budgetsOnce().then((budgets) => setEach(this, budgets, (budget) => budget.remainingUsd), report('budget_remaining_usd'));
      },
    }),
    budgetLimit: new Gauge({
      name: 'budget_limit_usd',
      help: 'The dollar limit of the budget that budget_remaining_usd reports, same scope.',
      labelNames: ['scope'],
      registers,
      async collect() {
        await budgetsOnce().then((budgets) => setEach(this, budgets, (budget) => budget.limitUsd), report('budget_limit_usd'));
      },
    }),
  };
}

/** Replaces a gauge's series: a budget that ended disappears instead of keeping its last value. */
function setEach(gauge: Gauge<'scope'>, budgets: readonly BudgetSnapshot[], value: (budget: BudgetSnapshot) => number): void {
  gauge.reset();
  for (const budget of budgets) gauge.set({ scope: budget.scope }, value(budget));
}

export type MetricFamilies = ReturnType<typeof defineMetricFamilies>;
