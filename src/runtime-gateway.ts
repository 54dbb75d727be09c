import type { CacheStore } from './cache/index.js';
import type { Config } from './config/index.js';
import { createGateway, type BaseModelSource, type Gateway, type LlmCallRecord } from './llm/index.js';
import type { Logger } from './observability/logger.js';
import type { Database } from './store/database.js';
import type { LlmCallEvent } from './observability/telemetry.js';

/**
 * Builds the runtime's LLM gateway: every model the runtime hands out passes through it, and each
 * call it records is also published on the telemetry channel as `llm.call` (metrics subscribe
 * there). Start-up reconciles run totals with the ledger.
 */
export interface GatewayTelemetry {
  emit(name: 'llm.call', event: LlmCallTelemetry): void;
  observed?(name: 'llm.call'): boolean;
}

/** The `llm.call` telemetry event: the shape the metrics and tracing subscribe to. */
export type LlmCallTelemetry = LlmCallEvent;

export interface RuntimeGatewayOptions {
  config: Config;
  db: Database;
  cache: CacheStore;
  models: BaseModelSource;
  logger: Logger;
  telemetry?: GatewayTelemetry;
}

export async function createRuntimeGateway({ config, db, cache, models, logger, telemetry }: RuntimeGatewayOptions): Promise<Gateway> {
  const log = logger.child({ component: 'llm-gateway' });
  const gateway = createGateway({ config: config.gateway, db, cache, models, onError: (error, where) => log.warn({ err: error, where }, `llm gateway: ${where} failed`) });
  if (telemetry) gateway.ledger.onCall((call) => telemetry.emit('llm.call', telemetryEvent(call)));
  try {
    const reconciled = await gateway.reconcile();
    if (reconciled > 0) log.info({ runs: reconciled }, 'run totals reconciled with the LLM ledger');
  } catch (error) {
    log.warn({ err: error }, 'could not reconcile run totals with the LLM ledger');
  }
  return gateway;
}

export function telemetryEvent(call: LlmCallRecord): LlmCallTelemetry {
  return {
    provider: call.provider,
    model: call.model,
    // Metric labels spell the kind with an underscore (observability/labels.ts).
    kind: call.kind === 'agent-step' ? 'agent_step' : call.kind,
    inputTokens: call.inputTokens,
    outputTokens: call.outputTokens,
    cacheReadTokens: call.cacheReadTokens,
    cacheWriteTokens: call.cacheWriteTokens,
    costUsd: call.costUsd,
    savedUsd: call.savedUsd,
    cacheResult: call.cacheResult,
    durationMs: call.latencyMs,
    error: call.error,
  };
}
