/**
 * Environment variables and the setting each one fills. The table is the single source for
 * loading and for docs/configuration.md (a test checks every name is documented).
 */
export type EnvKind = 'string' | 'integer' | 'number' | 'boolean';

export interface EnvBinding {
  name: string;
  path: readonly [string, string] | readonly [string, string, string];
  kind: EnvKind;
}

export const envBindings: readonly EnvBinding[] = [
  { name: 'ANVIL_HOST', path: ['server', 'host'], kind: 'string' },
  { name: 'ANVIL_PORT', path: ['server', 'port'], kind: 'integer' },
  { name: 'ANVIL_BODY_LIMIT_BYTES', path: ['server', 'bodyLimitBytes'], kind: 'integer' },
  { name: 'ANVIL_SHUTDOWN_DEADLINE_MS', path: ['server', 'shutdownDeadlineMs'], kind: 'integer' },
  { name: 'ANVIL_EVENT_LOOP_STALL_EXIT_MS', path: ['server', 'eventLoopStallExitMs'], kind: 'integer' },
  { name: 'DATABASE_URL', path: ['database', 'url'], kind: 'string' },
  { name: 'ANVIL_DATA_DIR', path: ['database', 'dataDir'], kind: 'string' },
  { name: 'ANVIL_DB_POOL_MAX', path: ['database', 'poolMax'], kind: 'integer' },
  { name: 'ANVIL_DB_WORKER_POOL_MAX', path: ['database', 'workerPoolMax'], kind: 'integer' },
  { name: 'ANVIL_DB_CONNECTION_TIMEOUT_MS', path: ['database', 'connectionTimeoutMs'], kind: 'integer' },
  { name: 'ANVIL_DB_WORKER_CONNECTION_TIMEOUT_MS', path: ['database', 'workerConnectionTimeoutMs'], kind: 'integer' },
  { name: 'ANVIL_DB_MAX_LIFETIME_SECONDS', path: ['database', 'maxLifetimeSeconds'], kind: 'integer' },
  { name: 'REDIS_URL', path: ['redis', 'url'], kind: 'string' },
  { name: 'ANVIL_CACHE_PREFIX', path: ['cache', 'keyPrefix'], kind: 'string' },
  { name: 'ANVIL_CACHE_MEMORY_MAX_BYTES', path: ['cache', 'memoryMaxBytes'], kind: 'integer' },
  { name: 'ANVIL_CACHE_REDIS_TIMEOUT_MS', path: ['cache', 'redisTimeoutMs'], kind: 'integer' },
  { name: 'ANVIL_CACHE_RECONNECT_MIN_MS', path: ['cache', 'reconnectMinMs'], kind: 'integer' },
  { name: 'ANVIL_CACHE_RECONNECT_MAX_MS', path: ['cache', 'reconnectMaxMs'], kind: 'integer' },
  { name: 'ANVIL_CACHE_HTTP_RESPONSES', path: ['cache', 'httpResponses'], kind: 'boolean' },
  { name: 'ANVIL_CACHE_HTTP_INVALIDATION_WINDOW_MS', path: ['cache', 'httpInvalidationWindowMs'], kind: 'integer' },
  { name: 'ANVIL_WORKER_CONCURRENCY', path: ['worker', 'concurrency'], kind: 'integer' },
  { name: 'ANVIL_LEASE_SECONDS', path: ['worker', 'leaseSeconds'], kind: 'integer' },
  { name: 'ANVIL_HEARTBEAT_SECONDS', path: ['worker', 'heartbeatSeconds'], kind: 'integer' },
  { name: 'ANVIL_POLL_INTERVAL_MS', path: ['worker', 'pollIntervalMs'], kind: 'integer' },
  { name: 'ANVIL_SWEEP_INTERVAL_MS', path: ['worker', 'sweepIntervalMs'], kind: 'integer' },
  { name: 'ANVIL_RETRY_BASE_MS', path: ['worker', 'retryBaseMs'], kind: 'integer' },
  { name: 'ANVIL_DEFAULT_MODEL', path: ['llm', 'defaultModel'], kind: 'string' },
  { name: 'OPENAI_API_KEY', path: ['llm', 'openaiApiKey'], kind: 'string' },
  { name: 'OPENAI_BASE_URL', path: ['llm', 'openaiBaseUrl'], kind: 'string' },
  { name: 'ANTHROPIC_API_KEY', path: ['llm', 'anthropicApiKey'], kind: 'string' },
  { name: 'ANTHROPIC_BASE_URL', path: ['llm', 'anthropicBaseUrl'], kind: 'string' },
  { name: 'ANVIL_OPENAI_COMPATIBLE_BASE_URL', path: ['llm', 'openaiCompatibleBaseUrl'], kind: 'string' },
  { name: 'ANVIL_OPENAI_COMPATIBLE_API_KEY', path: ['llm', 'openaiCompatibleApiKey'], kind: 'string' },
  { name: 'ANVIL_EMBEDDING_MODEL', path: ['embeddings', 'model'], kind: 'string' },
  { name: 'ANVIL_EMBEDDING_DIMENSIONS', path: ['embeddings', 'dimensions'], kind: 'integer' },
  { name: 'ANVIL_MEMORY_VECTOR_STORE', path: ['memory', 'vectorStore'], kind: 'string' },
  { name: 'ANVIL_WORKSPACE_ROOT', path: ['workspace', 'root'], kind: 'string' },
  { name: 'ANVIL_WORKSPACE_COMMANDS', path: ['workspace', 'commands'], kind: 'string' },
  { name: 'ANVIL_SIMULATED_SEED', path: ['llm', 'simulated', 'seed'], kind: 'integer' },
  { name: 'ANVIL_SIMULATED_LATENCY_MS', path: ['llm', 'simulated', 'latencyMs'], kind: 'integer' },
  { name: 'ANVIL_SIMULATED_FAILURE_RATE', path: ['llm', 'simulated', 'failureRate'], kind: 'number' },
  { name: 'ANVIL_LOG_LEVEL', path: ['log', 'level'], kind: 'string' },
  { name: 'ANVIL_LOG_PRETTY', path: ['log', 'pretty'], kind: 'boolean' },
  { name: 'ANVIL_ADMIN_KEY', path: ['security', 'adminKey'], kind: 'string' },
  { name: 'ANVIL_API_KEY', path: ['security', 'clientKey'], kind: 'string' },
  { name: 'ANVIL_KEY_CACHE_TTL_MS', path: ['security', 'keyCacheTtlMs'], kind: 'integer' },
  { name: 'ANVIL_REQUEST_TIMEOUT_MS', path: ['security', 'requestTimeoutMs'], kind: 'integer' },
  { name: 'ANVIL_CONNECTION_TIMEOUT_MS', path: ['security', 'connectionTimeoutMs'], kind: 'integer' },
  { name: 'ANVIL_RATE_LIMIT', path: ['security', 'rateLimit', 'enabled'], kind: 'boolean' },
  { name: 'ANVIL_RATE_LIMIT_PER_KEY', path: ['security', 'rateLimit', 'perKeyPerMinute'], kind: 'integer' },
  { name: 'ANVIL_RATE_LIMIT_PER_IP', path: ['security', 'rateLimit', 'perIpPerMinute'], kind: 'integer' },
  { name: 'ANVIL_INSPECT_MODE', path: ['security', 'inspect', 'mode'], kind: 'string' },
  { name: 'ANVIL_INSPECT_PARANOIA', path: ['security', 'inspect', 'paranoia'], kind: 'integer' },
  { name: 'ANVIL_METRICS', path: ['observability', 'metrics'], kind: 'boolean' },
  { name: 'ANVIL_METRICS_PORT', path: ['observability', 'metricsPort'], kind: 'integer' },
  { name: 'ANVIL_METRICS_HOST', path: ['observability', 'metricsHost'], kind: 'string' },
  { name: 'OTEL_EXPORTER_OTLP_ENDPOINT', path: ['observability', 'otlpEndpoint'], kind: 'string' },
  { name: 'OTEL_SERVICE_NAME', path: ['observability', 'serviceName'], kind: 'string' },
  { name: 'ANVIL_SECRETS_BACKENDS', path: ['secrets', 'backends'], kind: 'string' },
  { name: 'ANVIL_SECRETS_CACHE_TTL_SECONDS', path: ['secrets', 'cacheTtlSeconds'], kind: 'integer' },
  { name: 'ANVIL_SECRETS_DOTENV_FILES', path: ['secrets', 'file', 'dotenvFiles'], kind: 'string' },
  { name: 'ANVIL_SECRETS_DIRECTORY', path: ['secrets', 'file', 'directory'], kind: 'string' },
  { name: 'VAULT_ADDR', path: ['secrets', 'vault', 'address'], kind: 'string' },
  { name: 'VAULT_NAMESPACE', path: ['secrets', 'vault', 'namespace'], kind: 'string' },
  { name: 'VAULT_TOKEN', path: ['secrets', 'vault', 'token'], kind: 'string' },
  { name: 'VAULT_ROLE_ID', path: ['secrets', 'vault', 'roleId'], kind: 'string' },
  { name: 'VAULT_SECRET_ID', path: ['secrets', 'vault', 'secretId'], kind: 'string' },
  { name: 'ANVIL_SECRETS_AWS_REGION', path: ['secrets', 'aws', 'region'], kind: 'string' },
  { name: 'ANVIL_SECRETS_GCP_PROJECT', path: ['secrets', 'gcp', 'project'], kind: 'string' },
  { name: 'ANVIL_SECRETS_AZURE_VAULT_URL', path: ['secrets', 'azure', 'vaultUrl'], kind: 'string' },
  { name: 'ANVIL_LLM_CACHE', path: ['gateway', 'cache', 'enabled'], kind: 'boolean' },
  { name: 'ANVIL_LLM_MAX_RETRIES', path: ['gateway', 'retry', 'maxRetries'], kind: 'integer' },
  { name: 'ANVIL_LLM_TIMEOUT_MS', path: ['gateway', 'retry', 'timeoutMs'], kind: 'integer' },
  { name: 'ANVIL_LLM_CONCURRENCY', path: ['gateway', 'pacing', 'concurrency'], kind: 'integer' },
  { name: 'ANVIL_LLM_REQUESTS_PER_MINUTE', path: ['gateway', 'pacing', 'requestsPerMinute'], kind: 'integer' },
  { name: 'ANVIL_LLM_TOKENS_PER_MINUTE', path: ['gateway', 'pacing', 'tokensPerMinute'], kind: 'integer' },
  { name: 'ANVIL_LEDGER_FLUSH_INTERVAL_MS', path: ['gateway', 'ledger', 'flushIntervalMs'], kind: 'integer' },
  { name: 'ANVIL_LEDGER_BATCH_SIZE', path: ['gateway', 'ledger', 'batchSize'], kind: 'integer' },
  { name: 'ANVIL_TENANT_DAILY_BUDGET_USD', path: ['gateway', 'budget', 'tenantDailyUsd'], kind: 'number' },
];

/** Converts one variable's text; a value of the wrong shape is passed through so zod names it. */
export function parseEnvValue(raw: string, kind: EnvKind): unknown {
  const text = raw.trim();
  if (kind === 'integer' || kind === 'number') {
    const value = Number(text);
    return text === '' || Number.isNaN(value) ? text : value;
  }
  if (kind === 'boolean') {
    if (/^(1|true|yes|on)$/i.test(text)) return true;
    if (/^(0|false|no|off)$/i.test(text)) return false;
    return text;
  }
  return raw;
}
