import type { LanguageModelV3CallOptions, SharedV3ProviderOptions } from '@ai-sdk/provider';
import { isPromptKind, type PromptKind } from '../kinds.js';

/**
 * Who a model call is for and how the caller wants it treated. Callers pass it as
 * `providerOptions.anvil` (which the AI SDK hands to middleware unchanged and providers ignore),
 * so agents (generateText) and the HTTP endpoint (doGenerate) carry it the same way.
 */
export type CacheMode = 'default' | 'bypass' | 'refresh' | 'only-if-cached';
export const cacheModes: readonly CacheMode[] = ['default', 'bypass', 'refresh', 'only-if-cached'];

export interface GatewayCallContext {
  /** Cache namespace and budget account: the API key once keys exist, else the run's namespace or `local`. */
  tenant: string;
  runId?: string;
  taskId?: string;
  sessionId?: string;
  /** The caller's tag; absent means the rules in kinds.ts decide. */
  kind?: PromptKind;
  cache: CacheMode;
  /** Cache even a sampled call (temperature > 0). */
  forceCache: boolean;
  /** Ordered models to try when the provider fails, after the configured ones for the model. */
  fallbacks: readonly string[];
  /** The tenant's daily dollar cap when its API key sets one (overrides gateway.budget.tenantDailyUsd). */
  tenantDailyUsd?: number;
}

export interface GatewayCallContextInput {
  tenant?: string;
  runId?: string;
  taskId?: string;
  sessionId?: string;
  kind?: PromptKind;
  cache?: CacheMode;
  forceCache?: boolean;
  fallbacks?: readonly string[];
  tenantDailyUsd?: number;
}

/** The providerOptions entry that carries a call's context. */
export function anvilProviderOptions(context: GatewayCallContextInput): SharedV3ProviderOptions {
  return { anvil: context as Record<string, never> };
}

export function readCallContext(params: Pick<LanguageModelV3CallOptions, 'providerOptions'>): GatewayCallContext {
  const raw = (params.providerOptions?.anvil ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const cache = raw.cache;
  return {
    tenant: text(raw.tenant) ?? 'local',
    runId: text(raw.runId),
    taskId: text(raw.taskId),
    sessionId: text(raw.sessionId),
    kind: isPromptKind(raw.kind) ? raw.kind : undefined,
    cache: cacheModes.includes(cache as CacheMode) ? (cache as CacheMode) : 'default',
    forceCache: raw.forceCache === true,
    tenantDailyUsd: typeof raw.tenantDailyUsd === 'number' && raw.tenantDailyUsd >= 0 ? raw.tenantDailyUsd : undefined,
    fallbacks: Array.isArray(raw.fallbacks) ? raw.fallbacks.filter((name): name is string => typeof name === 'string') : [],
  };
}
