import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import type { CacheStore } from '../../cache/index.js';
import type { PriceTable } from '../pricing/index.js';
import type { PromptKind } from '../kinds.js';
import type { BudgetGate } from './budget.js';
import type { Ledger } from './ledger.js';
import type { Candidate, ProviderCallOptions } from './provider-call.js';

/** What the middleware needs from the gateway: built once in gateway.ts, shared by every model. */
export interface GatewaySettings {
  cacheEnabled: boolean;
  ttlSeconds: Readonly<Record<PromptKind, number>>;
  fallbacks: Readonly<Record<string, readonly string[]>>;
  defaultOutputTokens: number;
}

export interface GatewayServices {
  settings: GatewaySettings;
  cache: CacheStore;
  ledger: Ledger;
  budgets: BudgetGate;
  prices: PriceTable;
  /** Milliseconds; injectable so benchmarks and tests control time. */
  now(): number;
  providerOf(modelName: string): string;
  /** The unwrapped model behind a name, for fallbacks. */
  candidate(modelName: string): Candidate;
  providerCallOptions(candidates: readonly Candidate[], params: LanguageModelV3CallOptions, estimatedTokens: number): ProviderCallOptions;
  onError(error: unknown, where: string): void;
}
