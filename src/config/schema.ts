import { z } from 'zod';
import { securitySchema } from './security-schema.js';
import { gatewaySchema } from './gateway-schema.js';
import { observabilitySchema } from './observability-schema.js';
import { secretsSchema } from './secrets-schema.js';
import { mcpSchema } from './mcp-schema.js';
import { conductorSchema, guardianSchema } from './agents-schema.js';
import { embeddingsSchema } from './embeddings-schema.js';
import { memorySchema } from './memory-schema.js';
import { workspaceSchema } from './workspace-schema.js';

/**
 * The one typed configuration. Defaults are declared here, beside each setting, and documented in
 * docs/configuration.md (a test keeps the two in step).
 */
const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

export const configSchema = z
  .object({
    server: z
      .object({
        host: z.string().min(1).default('127.0.0.1'),
        port: port.default(8080),
        /** Largest request body accepted, in bytes; larger bodies get 413. */
        bodyLimitBytes: positiveInt.default(1_048_576),
        /** Whether `anvil serve` also runs workers in the same process. */
        workers: z.boolean().default(true),
        /**
         * On SIGTERM, how long a process (serve or worker) lets requests, event streams and agent
         * sessions finish before it aborts the sessions and gives their tasks back; it exits by then
         * plus a short grace for closing connections. Below most orchestrators' 30 s kill timeout.
         */
        shutdownDeadlineMs: positiveInt.default(20_000),
        /** A process whose event loop is blocked this long kills itself (0: never); see event-loop-watchdog.ts. */
        eventLoopStallExitMs: z.number().int().min(0).default(30_000),
      })
      .strict()
      .default({ host: '127.0.0.1', port: 8080, bodyLimitBytes: 1_048_576, workers: true, shutdownDeadlineMs: 20_000, eventLoopStallExitMs: 30_000 }),
    database: z
      .object({
        /** PostgreSQL connection string; unset means the embedded PGlite database. */
        url: z.string().url().optional(),
        /** PGlite folder, or `memory://` for an in-memory database. */
        dataDir: z.string().min(1).default('./.anvil/data'),
        /** Pool size for `anvil serve` on PostgreSQL. */
        poolMax: positiveInt.default(20),
        /** Pool size for each `anvil worker`: 5 workers × 5 + serve 20 stays under PostgreSQL's 100. */
        workerPoolMax: positiveInt.default(5),
        /** A short wait: with the server down a request gets its 503 in this time, not a hang. */
        connectionTimeoutMs: positiveInt.default(5_000),
        /** A worker's wait: queueing for a connection is its back-pressure, not an outage. */
        workerConnectionTimeoutMs: positiveInt.default(30_000),
        maxLifetimeSeconds: positiveInt.default(3_600),
      })
      .strict()
      .default({ dataDir: './.anvil/data', poolMax: 20, workerPoolMax: 5, connectionTimeoutMs: 5_000, workerConnectionTimeoutMs: 30_000, maxLifetimeSeconds: 3_600 }),
    redis: z
      .object({ url: z.string().url().optional() })
      .strict()
      .default({}),
    cache: z
      .object({
        /** Namespace of this deployment's keys in a shared Redis. */
        keyPrefix: z.string().min(1).default('anvil:'),
        /** Bound on the in-memory cache (the whole cache without Redis, the fallback with it). */
        memoryMaxBytes: positiveInt.default(67_108_864),
        /** Redis command timeout: the longest a caller waits before the memory fallback serves. */
        redisTimeoutMs: positiveInt.default(250),
        /** Reconnect and probe backoff while Redis is down (doubling, jittered). */
        reconnectMinMs: positiveInt.default(100),
        reconnectMaxMs: positiveInt.default(5_000),
        /** Server-side caching of the GET routes that opt in (run summaries, lists, status, costs). */
        httpResponses: z.boolean().default(true),
        /** Cached responses are invalidated at most once per this window per tag: the staleness bound under events. */
        httpInvalidationWindowMs: positiveInt.default(250),
      })
      .strict()
      .default({
        keyPrefix: 'anvil:',
        memoryMaxBytes: 67_108_864,
        redisTimeoutMs: 250,
        reconnectMinMs: 100,
        reconnectMaxMs: 5_000,
        httpResponses: true,
        httpInvalidationWindowMs: 250,
      }),
    worker: z
      .object({
        /** Agent sessions one worker process runs at once. */
        concurrency: positiveInt.default(4),
        /** How long a claim is held without a heartbeat before another worker may take the task. */
        leaseSeconds: positiveInt.default(30),
        /** Heartbeat period; must be well under the lease. */
        heartbeatSeconds: positiveInt.default(10),
        /** How long an idle worker waits before polling again (jittered). */
        pollIntervalMs: positiveInt.default(200),
        /** How often expired leases are swept back to the queue (jittered). */
        sweepIntervalMs: positiveInt.default(5_000),
        /** First retry delay after a failed attempt; doubles each attempt (with jitter), capped at 60 s. */
        retryBaseMs: positiveInt.default(1_000),
      })
      .strict()
      .default({ concurrency: 4, leaseSeconds: 30, heartbeatSeconds: 10, pollIntervalMs: 200, sweepIntervalMs: 5_000, retryBaseMs: 1_000 }),
    llm: z
      .object({
        /** Model used where a workflow names none: `provider/model`. */
        defaultModel: z.string().regex(/^[a-z0-9-]+\/[\w.:@/-]+$/i, 'expected provider/model').optional(),
        openaiApiKey: z.string().min(1).optional(),
        openaiBaseUrl: z.string().url().optional(),
        anthropicApiKey: z.string().min(1).optional(),
        anthropicBaseUrl: z.string().url().optional(),
        openaiCompatibleBaseUrl: z.string().url().optional(),
        openaiCompatibleApiKey: z.string().min(1).optional(),
        simulated: z
          .object({
            seed: z.number().int().default(42),
            latencyMs: z.number().int().min(0).default(0),
            /** Share of agent sessions that fail on purpose, so retries are exercised. */
            failureRate: z.number().min(0).max(1).default(0.1),
            inputTokens: positiveInt.default(600),
            outputTokens: positiveInt.default(120),
          })
          .strict()
          .default({ seed: 42, latencyMs: 0, failureRate: 0.1, inputTokens: 600, outputTokens: 120 }),
      })
      .strict()
      .default({ simulated: { seed: 42, latencyMs: 0, failureRate: 0.1, inputTokens: 600, outputTokens: 120 } }),
    /** The embedding model for hybrid memory search and near-duplicate detection (config/embeddings-schema.ts). */
    embeddings: embeddingsSchema,
    /** Memory search: vector store, candidates, weights, prompt budget (config/memory-schema.ts). */
    memory: memorySchema,
    /** Workspace tools: the folder per run, allowed programs, limits (config/workspace-schema.ts). */
    workspace: workspaceSchema,
    /** The LLM gateway: cache, retries, pacing, breaker, ledger, budgets (config/gateway-schema.ts). */
    gateway: gatewaySchema,
    /** The guardian that reviews running agent sessions (config/agents-schema.ts). */
    guardian: guardianSchema,
    /** The conductor that keeps a run coherent: near-duplicates, stalls (config/agents-schema.ts). */
    conductor: conductorSchema,
    /** Secrets backends, their order and cache (config/secrets-schema.ts). */
    secrets: secretsSchema,
    /** Metrics and tracing (config/observability-schema.ts). */
    observability: observabilitySchema,
    /** API keys, rate limits, CORS, timeouts, input inspection and limits (config/security-schema.ts). */
    security: securitySchema,
    /** /mcp: outside agents' leases and invitation tokens (config/mcp-schema.ts). */
    mcp: mcpSchema,
    log: z
      .object({
        level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
        /** Human-readable lines instead of JSON; defaults to on when stdout is a terminal. */
        pretty: z.boolean().optional(),
      })
      .strict()
      .default({ level: 'info' }),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
