export { createGateway, type BaseModelSource, type Gateway, type GatewayModel, type GatewayOptions, type InvalidateOptions } from './gateway.js';
export { anvilProviderOptions, cacheModes, readCallContext, type CacheMode, type GatewayCallContext, type GatewayCallContextInput } from './context.js';
export { BudgetExceededError, isBudgetExceeded, type TenantLimits } from './budget.js';
export { cacheKey, canonicalJson, canonicalRequest, responseKeyPrefix } from './cache-key.js';
export { type LedgerKind, type LlmCallRecord, type Ledger } from './ledger.js';
export { judgeFailure, retryAfter, retryDelayMs, type RetryPolicy } from './retry.js';
export { CircuitBreaker, BreakerRegistry, type BreakerState } from './breaker.js';
export { Pacer, type PacingLimits } from './pacer.js';
