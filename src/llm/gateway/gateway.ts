import type { LanguageModelV3 } from '@ai-sdk/provider';
import { wrapLanguageModel, type LanguageModel } from 'ai';
import { cacheRedisClient, type CacheStore } from '../../cache/index.js';
import type { GatewayConfig } from '../../config/gateway-schema.js';
import type { Database } from '../../store/database.js';
import { appendEvent } from '../../store/events.js';
import { reconcileRunTotals } from '../../store/llm-calls.js';
import { createPriceTable, type PriceTable } from '../pricing/index.js';
import { BreakerRegistry } from './breaker.js';
import { BudgetGate, type TenantLimits } from './budget.js';
import { MemoryBudgetStore, RedisBudgetStore, type BudgetStore } from './budget-store.js';
import { keySegment, responseKeyPrefix } from './cache-key.js';
import { createLedger, type Ledger } from './ledger.js';
import { gatewayMiddleware } from './middleware.js';
import { Pacer } from './pacer.js';
import type { GatewayServices } from './services.js';

/**
 * The LLM gateway (DESIGN.md, "The LLM gateway"): wraps every model a ModelSource resolves in the
 * gateway middleware, and owns what the middleware shares — the ledger, budgets, breakers and
 * pacers. Built once per runtime; close() flushes the ledger.
 */
export interface GatewayModel {
  model: LanguageModelV3;
  name: string;
  provider: string;
  simulated: boolean;
}

export interface BaseModelSource {
  resolve(name: string): { model: LanguageModel; name: string; simulated: boolean };
  defaultModelName(): string;
  /** Releases the providers' connections; called by the gateway's close(). */
  close?(): Promise<void>;
}

export interface GatewayOptions {
  config: GatewayConfig;
  db: Database;
  cache: CacheStore;
  /** Resolves names to unwrapped provider models. */
  models: BaseModelSource;
  onError?: (error: unknown, where: string) => void;
  /** Per-tenant daily caps; default: the config's tenantDailyUsd/tenantDailyTokens for every tenant. */
  tenantLimits?: (tenant: string) => TenantLimits | undefined;
  /** Clock in milliseconds (benchmarks replay traces on their own clock). */
  now?: () => number;
}

export interface InvalidateOptions {
  tenant?: string;
  model?: string;
  /** A Redis glob relative to the response keys (`<tenant>:<model>:<sha256>`). */
  pattern?: string;
}

export interface Gateway {
  /** A ModelSource whose models pass through the gateway. */
  readonly models: { resolve(name: string): GatewayModel; defaultModelName(): string };
  readonly ledger: Ledger;
  readonly budgets: BudgetGate;
  readonly prices: PriceTable;
  readonly breakers: BreakerRegistry;
  /** Removes cached answers by tenant, model or pattern; returns how many. */
  invalidate(options: InvalidateOptions): Promise<number>;
  /** Sets run totals from the ledger for runs still in play (called at start). */
  reconcile(): Promise<number>;
  close(): Promise<void>;
}

export function createGateway({ config, db, cache, models, onError = () => {}, tenantLimits, now = Date.now }: GatewayOptions): Gateway {
  const prices = createPriceTable(config.prices);
  const ledger = createLedger({ db, flushIntervalMs: config.ledger.flushIntervalMs, batchSize: config.ledger.batchSize, onError: (error) => onError(error, 'ledger write') });
  const breakers = new BreakerRegistry(config.breaker);
  const pacers = new Map<string, Pacer>();
  const memoryBudgets = new MemoryBudgetStore();
  let redisBudgets: { client: unknown; store: RedisBudgetStore } | undefined;
  const budgetStore = (): BudgetStore => {
    const client = cacheRedisClient(cache);
    if (!client) return memoryBudgets;
    if (redisBudgets?.client !== client) redisBudgets = { client, store: new RedisBudgetStore(client, keyPrefixOf(cache)) };
    return redisBudgets.store;
  };
  const budgets = new BudgetGate({
    db,
    store: budgetStore,
    reservationSeconds: config.budget.reservationSeconds,
    warnAt: config.budget.warnAt,
    tenantLimits: tenantLimits ?? (() => ({ usd: config.budget.tenantDailyUsd, tokens: config.budget.tenantDailyTokens })),
    onWarning: async (runId, details) => {
      await appendEvent(db, runId, 'run.budget_warning', details);
    },
    firstToWarn: async (runId) => (await cache.incr(`llm:budget:warned:${runId}`, { ttlSeconds: 30 * 86_400 })) === 1,
  });

  const unwrapped = (name: string) => {
    const resolved = models.resolve(name);
    if (typeof resolved.model !== 'object' || resolved.model.specificationVersion !== 'v3') {
      throw new Error(`model ${name} is not an AI SDK v3 model object`);
    }
    return { ...resolved, model: resolved.model as LanguageModelV3 };
  };
  const providerOf = (name: string) => (name.includes('/') ? name.slice(0, name.indexOf('/')) : 'other');

  const services: GatewayServices = {
    settings: { cacheEnabled: config.cache.enabled, ttlSeconds: config.cache.ttlSeconds, fallbacks: config.fallbacks, defaultOutputTokens: config.budget.defaultOutputTokens },
    cache,
    ledger,
    budgets,
    prices,
    now,
    providerOf,
    candidate: (name) => ({ name, provider: providerOf(name), model: unwrapped(name).model }),
    providerCallOptions: (candidates, params, estimatedTokens) => ({
      candidates,
      params,
      breakers,
      pacer: (provider) => {
        let pacer = pacers.get(provider);
        if (!pacer) {
          pacer = new Pacer(config.pacingByProvider[provider] ?? config.pacing);
          pacers.set(provider, pacer);
        }
        return pacer;
      },
      retry: config.retry,
      estimatedTokens,
    }),
    onError,
  };

  const wrapped = new Map<string, GatewayModel>();
  return {
    models: {
      resolve(name) {
        let model = wrapped.get(name);
        if (!model) {
          const base = unwrapped(name);
          model = {
            model: wrapLanguageModel({ model: base.model, middleware: gatewayMiddleware(services, base.name) }),
            name: base.name,
            provider: providerOf(base.name),
            simulated: base.simulated,
          };
          wrapped.set(name, model);
        }
        return model;
      },
      defaultModelName: () => models.defaultModelName(),
    },
    ledger,
    budgets,
    prices,
    breakers,
    async invalidate({ tenant, model, pattern }) {
      const glob = pattern ?? `${tenant === undefined ? '*' : keySegment(tenant)}:${model === undefined ? '*' : keySegment(model)}:*`;
      return cache.deleteByPattern(`${responseKeyPrefix}${glob}`);
    },
    reconcile: () => reconcileRunTotals(db),
    async close() {
      await ledger.close();
      await models.close?.();
    },
  };
}

/** Budget keys sit beside the cache's own keys, under the deployment's prefix. */
function keyPrefixOf(cache: CacheStore): string {
  return (cache as { keyPrefix?: string }).keyPrefix ?? 'anvil:';
}
