import type { Tracer } from '@opentelemetry/api';
import type { CacheOperationHook, FallbackStateListener } from './cache/index.js';
import type { Config } from './config/index.js';
import { promptKinds } from './llm/kinds.js';
import { bundledPrices } from './llm/pricing/index.js';
import { providerNames } from './llm/providers/resolve.js';
import { createLabelPolicy } from './observability/labels.js';
import { instrumentDatabase } from './observability/database.js';
import type { Logger } from './observability/logger.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createTelemetry, type Telemetry } from './observability/telemetry.js';
import { createTracing, type Tracing } from './observability/tracing.js';
import { detectorNames } from './security/inspect/index.js';
import type { Database } from './store/database.js';
import { countQueuedTasks, tightestRunBudget } from './store/metrics-queries.js';
import type { ProcessRole } from './store/open.js';

export interface RuntimeObservability {
  readonly telemetry: Telemetry;
  /** The runtime's registry; undefined when `observability.metrics` is false. */
  readonly metrics: Metrics | undefined;
  /** Set only when `observability.otlpEndpoint` is configured. */
  readonly tracer: Tracer | undefined;
  /** The database, timed per statement when metrics are on. */
  readonly db: Database;
  /** Hooks for openCacheStore: cache operations and fallback transitions become telemetry. */
  readonly cacheHooks: { onOperation: CacheOperationHook; onStateChange: FallbackStateListener };
  close(): Promise<void>;
}

export interface RuntimeObservabilityOptions {
  config: Config;
  db: Database;
  role: ProcessRole;
  logger: Logger;
}

/**
 * Builds the runtime's telemetry channel, its Prometheus registry (fed by that channel and by
 * scrape-time reads) and, when an OTLP endpoint is configured, its tracer. Kept beside runtime.ts
 * because it wires layers together: label lists come from llm/ and security/, scrape-time reads
 * from store/.
 */
export function createRuntimeObservability({ config, db, role, logger }: RuntimeObservabilityOptions): RuntimeObservability {
  const log = logger.child({ component: 'observability' });
  const telemetry = createTelemetry({ onListenerError: (error, name) => log.warn({ err: error, event: name }, 'telemetry listener failed') });
  const settings = config.observability;
  let metrics: Metrics | undefined;
  let timedDb = db;
  if (settings.metrics) {
    const poolMax = db.kind === 'pglite' ? 1 : role === 'worker' ? config.database.workerPoolMax : config.database.poolMax;
    metrics = createMetrics({
      telemetry,
      labels: createLabelPolicy({ providers: providerNames, models: [...Object.keys(bundledPrices), ...Object.keys(config.gateway.prices)], kinds: [...promptKinds, 'embedding'], ruleFamilies: detectorNames }),
      cacheBackends: config.redis.url ? ['memory', 'redis'] : ['memory'],
      sources: {
        queueDepth: () => countQueuedTasks(db),
        budgets: async () => {
          const run = await tightestRunBudget(db);
          return run ? [{ scope: 'run', remainingUsd: Math.max(0, run.budgetUsd - run.costUsd), limitUsd: run.budgetUsd }] : [];
        },
        pool: () => ({ ...db.poolStatus(), max: poolMax }),
        onError: (error, metric) => log.warn({ err: error, metric }, 'metric collection failed'),
      },
    });
    timedDb = instrumentDatabase(db, telemetry);
  }
  let tracing: Tracing | undefined;
  if (settings.otlpEndpoint) {
    tracing = createTracing({ endpoint: settings.otlpEndpoint, serviceName: settings.serviceName, telemetry });
    log.info({ endpoint: settings.otlpEndpoint }, 'tracing: exporting spans over OTLP/HTTP');
  }
  return {
    telemetry,
    metrics,
    tracer: tracing?.tracer,
    db: timedDb,
    cacheHooks: {
      onOperation: (backend, operation, result) => telemetry.emit('cache.operation', { backend, operation, result }),
      onStateChange: (state, reason) => telemetry.emit('cache.state', { backend: 'redis', fallbackActive: state === 'memory', reason }),
    },
    async close() {
      metrics?.close();
      await tracing?.shutdown().catch((error: unknown) => log.warn({ err: error }, 'tracing shutdown failed'));
    },
  };
}
