import { cacheHealth, cacheOptionsFromConfig, openCacheStore, type CacheStore } from './cache/index.js';
import type { Config } from './config/index.js';
import { createModelResolver } from './llm/providers/resolve.js';
import { costOf } from './llm/pricing/index.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { Telemetry } from './observability/telemetry.js';
import type { Tracer } from '@opentelemetry/api';
import type { ModelSource, PriceFunction } from './orchestrator/agent/session.js';
import { EventBus } from './orchestrator/event-bus.js';
import { Worker } from './orchestrator/worker.js';
import { Conductor } from './orchestrator/conductor/conductor.js';
import type { Database } from './store/database.js';
import { migrate } from './store/migrate.js';
import { openDatabase, type ProcessRole } from './store/open.js';
import { createRuntimeGateway } from './runtime-gateway.js';
import type { Gateway } from './llm/index.js';
import { createRuntimeEmbedder } from './runtime-embeddings.js';
import type { Embedder } from './llm/embeddings/index.js';
import { createMemoryService, type MemoryService } from './orchestrator/memory.js';
import { detectVectorStore } from './store/vector-store.js';
import { createRuntimeObservability } from './runtime-observability.js';
import { openRuntimeSecrets, type RuntimeSecretsOptions } from './runtime-secrets.js';
import type { Redactor } from './observability/redactor.js';
import type { SecretsManager } from './security/secrets/index.js';
import { createLifecycle, type Lifecycle } from './lifecycle.js';
import { recoverAtStart } from './orchestrator/lease-sweep.js';

/**
 * The composition root: every service is built here from the config, and close() releases them
 * in reverse order. Interfaces (API, CLI) receive a runtime; nothing is a module-level singleton,
 * so a test builds as many runtimes as it likes.
 */
export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly db: Database;
  readonly bus: EventBus;
  readonly models: ModelSource;
  readonly price: PriceFunction;
  /** In-process telemetry events (task finished, LLM call, cache operation…); metrics subscribe. */
  readonly telemetry: Telemetry;
  /** The runtime's Prometheus registry; undefined when `observability.metrics` is false. */
  readonly metrics: Metrics | undefined;
  /** OpenTelemetry tracer; undefined unless `observability.otlpEndpoint` is set. */
  readonly tracer: Tracer | undefined;
  /** The one cache store (memory, or Redis with the memory fallback when `redis.url` is set). */
  readonly cache: CacheStore;
  /** The LLM gateway every model call passes: cache, budgets, retries, fallbacks, ledger. */
  readonly gateway: Gateway;
  /** The embedding model (hybrid memory search, near-duplicate detection); undefined when none is configured. */
  readonly embeddings: Embedder | undefined;
  /** Saving and searching memories (hybrid with an embedding model, else full text). */
  readonly memory: MemoryService;
  /** 'degraded' while the cache serves from memory because Redis is unreachable. */
  cacheState?: () => 'ok' | 'degraded';
  /** Secrets from the configured backends (env, file, Vault, AWS, GCP, Azure), cached with a TTL. */
  readonly secrets: SecretsManager;
  /** Every secret value the manager resolved; the logger replaces them in every line. */
  readonly redactor: Redactor;
  /** Serving or draining (shutdown began): readiness and event streams follow it. */
  readonly lifecycle: Lifecycle;
  /** The in-process worker, once startWorker() was called. */
  worker: Worker | undefined;
  startWorker(options?: { concurrency?: number; workerId?: string }): Worker;
  /**
   * Drains (if not yet), stops the worker (sessions get until `deadlineMs`, then are aborted and
   * their tasks given back), flushes the LLM ledger and closes every connection.
   */
  close(options?: { deadlineMs?: number }): Promise<void>;
}

export interface RuntimeOptions extends RuntimeSecretsOptions {
  role?: ProcessRole;
  logger?: Logger;
  /** Replace model resolution (tests script their own models). */
  models?: ModelSource;
  /** Use this open database instead of opening one from the config (tests pass migrated clones). */
  database?: Database;
  /** Apply pending migrations at start (default true; `anvil migrate` does it explicitly). */
  migrate?: boolean;
}

export async function createRuntime(unresolvedConfig: Config, options: RuntimeOptions = {}): Promise<Runtime> {
  // `secret:NAME` settings (keys, DATABASE_URL and REDIS_URL passwords) are resolved before anything connects.
  const { config, logger, redactor, secrets } = await openRuntimeSecrets(unresolvedConfig, options);
  const rawDb = options.database ?? (await openDatabase(config.database, options.role ?? 'serve', { pgvector: config.memory.vectorStore !== 'array' }));
  const bus = new EventBus();
  try {
    if (options.migrate !== false) {
      const applied = await migrate(rawDb);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    }
    await bus.connect(rawDb);
    // Every mode recovers at start. A runtime handed its database by a caller (tests) may share it
    // with another runtime: only one that opened PGlite itself knows that it is alone on it.
    await recoverAtStart(rawDb, logger, { exclusive: rawDb.kind === 'pglite' && options.database === undefined });
  } catch (error) {
    await rawDb.close().catch(() => {});
    throw error;
  }
  const observability = createRuntimeObservability({ config, db: rawDb, role: options.role ?? 'serve', logger });
  const { telemetry, db } = observability;
  const price: PriceFunction = (name, usage) => costOf(name, usage);
  // Never throws because Redis is down: the store starts degraded and serves from memory.
  const cache = await openCacheStore({ ...cacheOptionsFromConfig(config), logger: logger.child({ component: 'cache' }), ...observability.cacheHooks });
  // Transitions are reported by the hook; a start without Redis is not a transition.
  if (cacheHealth(cache) === 'degraded') observability.cacheHooks.onStateChange('memory', 'Redis unreachable at start');
  // Models pass through the gateway, which publishes each call as `llm.call` telemetry.
  const gateway = await createRuntimeGateway({ config, db, cache, models: options.models ?? createModelResolver(config.llm), logger, telemetry });
  const models = gateway.models;
  let embeddings: Embedder | undefined;
  let memory: MemoryService;
  try {
    embeddings = createRuntimeEmbedder({ config, gateway, logger });
    const vectorStore = await detectVectorStore(db, config.memory.vectorStore);
    memory = createMemoryService({ db, embedder: embeddings, vectorStore, config: config.memory, logger: logger.child({ component: 'memory' }) });
    logger.info({ mode: memory.mode, vectorStore: vectorStore.kind, reason: vectorStore.reason, embeddingModel: memory.embeddingModel ?? null }, `memory search: ${memory.mode === 'hybrid' ? `hybrid (${memory.embeddingModel}, vectors in ${vectorStore.kind})` : 'full text only (no embedding model)'}`);
  } catch (error) {
    // A bad embeddings.model or memory.vectorStore stops start-up; release what was opened so far.
    for (const release of [() => gateway.close(), () => bus.close(), () => cache.close(), () => observability.close(), () => rawDb.close(), () => secrets.close()]) await release().catch(() => {});
    throw error;
  }

  const runtime: Runtime = {
    config,
    logger,
    db,
    bus,
    models,
    price,
    cache,
    gateway,
    embeddings,
    memory,
    telemetry,
    metrics: observability.metrics,
    tracer: observability.tracer,
    cacheState: () => cacheHealth(cache),
    secrets,
    redactor,
    lifecycle: createLifecycle(),
    worker: undefined,
    startWorker({ concurrency, workerId } = {}) {
      if (runtime.worker) return runtime.worker;
      const worker = new Worker({
        db,
        bus,
        models,
        price,
        logger,
        telemetry,
        tracer: observability.tracer,
        concurrency: concurrency ?? config.worker.concurrency,
        leaseSeconds: config.worker.leaseSeconds,
        heartbeatSeconds: config.worker.heartbeatSeconds,
        pollIntervalMs: config.worker.pollIntervalMs,
        sweepIntervalMs: config.worker.sweepIntervalMs,
        retryBaseMs: config.worker.retryBaseMs,
        guardian: config.guardian,
        conductor: new Conductor({ db, config: config.conductor, embeddings, logger: logger.child({ component: 'conductor' }) }),
        workerId,
        memory,
        memoryBudgetTokens: config.memory.promptBudgetTokens,
        workspace: config.workspace,
      });
      worker.start();
      runtime.worker = worker;
      return worker;
    },
    async close({ deadlineMs = config.server.shutdownDeadlineMs } = {}) {
      runtime.lifecycle.drain();
      await runtime.worker?.stop(deadlineMs);
      await gateway.close();
      await bus.close();
      await cache.close();
      await observability.close();
      await db.close();
      await secrets.close();
    },
  };
  return runtime;
}
